// crash_test <crash_appender binary>: starts crash_appender on one log,
// SIGKILLs it at random moments (kKills times), and after every kill
// reopens the log and checks that every acknowledged event is present with
// the acknowledged hash (so byte-identical: the hash covers the bytes and
// the chain), that the sequence has no gap, that the whole chain verifies
// and that every stream's versions run 1, 2, 3... (each restart starts
// with no cached versions: they come back from the log). Prints
// "N kills, 0 acknowledged events lost" on success.
//
// It also checks that every append is all or none (command_check.h): each
// command in the log has exactly the events it was sent with, at
// consecutive sequences, and the command index agrees; a command in flight
// at the kill is wholly there or wholly absent. Prints
// "all-or-none: N commands checked (M with several events), 0 partial; ...".
//
// And that a recorded refusal is final across kills: after every kill each
// refusal the appender was answered is resent, now with events and the
// same request digest, and must be answered with the same refusal while
// the head stays where it is; a refusal in flight at a kill is recorded
// or absent, never accepted. Prints "refusals: N answered, M resends
// after kills, 0 turned into acceptances; ...".
//
// And that ReadByType, whose index is written lazily (by the appender's
// reader thread, and by the check's own read after each kill), returns
// exactly the events a scan of the log finds. Prints "type index: N events
// read by type after the kills, ...".
//
// crash_test <crash_appender binary> --power_cut: the same, but each kill
// is a power cut (storage/testing/power_cut.h): after the SIGKILL, every
// file the appender wrote loses what was never made durable (unsynced
// bytes, entries whose directory was never fsynced, renames not made
// durable), as a machine losing power would; half the cuts drop all of
// it, half a random part. kCuts rounds; prints "N power cuts, 0
// acknowledged events lost". With --no_sync as well it is the harness's
// self-check: the log runs with sync off, so the cuts must lose
// acknowledged events; it succeeds when they do ("... lost (sync off: the
// harness finds the loss)") and fails when none is found.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "proto/event_types.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"
#include "spdlog/spdlog.h"
#include "storage/event_log.h"
#include "storage/hash_chain.h"
#include "storage/testing/power_cut.h"
#include "tests/crash/command_check.h"
#include "tests/crash/crash_command.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

constexpr int kKills = 60;
constexpr int kCuts = 50;

// How a round ends (see the top of the file).
struct Mode {
  bool power_cut = false;
  bool no_sync = false;  // power cuts only: the self-check
  int rounds = kKills;
  std::string journal;  // power cuts: the appender's journal
};

// What the appenders reported (crash_appender.cc), over all rounds.
struct Reports {
  std::map<uint64_t, std::string> acked;     // sequence -> hex hash
  std::map<std::string, SeqRange> done;      // command id -> its sequences
  std::set<std::string> refused;             // refusals answered
  std::vector<std::string> sent_this_round;  // command ids, this round
};

struct RefusalTotals {
  uint64_t resends = 0;  // answered refusals resent after kills
  uint64_t broken = 0;   // ... answered otherwise (each printed)
  uint64_t inflight_recorded = 0;
  uint64_t inflight_absent = 0;
};

// Parses one complete line of the appender into *r. False if malformed.
bool AddLine(absl::string_view line, int round, Reports* r) {
  std::vector<absl::string_view> f = absl::StrSplit(line, ' ');
  uint64_t seq = 0;
  uint64_t last = 0;
  if (f.size() == 2 && f[0] == "send") {
    r->sent_this_round.emplace_back(f[1]);
  } else if (f.size() == 2 && f[0] == "refused") {
    r->refused.emplace(f[1]);
  } else if (f.size() == 4 && f[0] == "done" && absl::SimpleAtoi(f[2], &seq) &&
             absl::SimpleAtoi(f[3], &last)) {
    r->done[std::string(f[1])] = SeqRange(seq, last);
  } else if (f.size() == 3 && f[0] == "ack" && absl::SimpleAtoi(f[1], &seq)) {
    auto [it, inserted] = r->acked.emplace(seq, std::string(f[2]));
    if (!inserted && it->second != f[2]) {
      std::fprintf(stderr,
                   "round %d: sequence %llu acknowledged twice with "
                   "different hashes\n",
                   round, static_cast<unsigned long long>(seq));
      return false;
    }
  } else {
    std::fprintf(stderr, "round %d: bad line \"%s\"\n", round,
                 std::string(line).c_str());
    return false;
  }
  return true;
}

// Runs the appender for a random while, kills it, and adds every complete
// line it wrote to *reports. False on a bad line or a child that died by
// itself.
bool RunAndKill(const std::string& binary, const std::string& dir, int round,
                const Mode& mode, std::mt19937_64& rng, Reports* reports,
                testing::PowerCutStats* cut) {
  int fds[2];
  if (pipe(fds) != 0) return false;
  const pid_t pid = fork();
  if (pid == 0) {
    // crash_appender reports on fd 3. If the read end is 3, dup2 replaces
    // it; otherwise close it first.
    if (fds[0] != 3) close(fds[0]);
    if (fds[1] != 3) {
      dup2(fds[1], 3);
      close(fds[1]);
    }
    const std::string seed = std::to_string(round);
    std::vector<std::string> args = {binary, dir, seed};
    if (mode.power_cut) args.push_back("--power_cut_journal=" + mode.journal);
    if (mode.no_sync) args.push_back("--no_sync");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[65536];
  // Kill somewhere between "still opening" and "well into appending": in
  // odd rounds up to 300 ms after the start, in even ones up to 300 ms
  // after the appender's first line (opening may take longer than 300 ms
  // on a loaded machine, and a run that never appends proves nothing).
  if (round % 2 == 0) {
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 10000) > 0) {
      const ssize_t n = read(fds[0], buf, sizeof(buf));
      if (n > 0) out.append(buf, n);
    }
  }
  const int ms = static_cast<int>(rng() % 300);
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  // The pipe still holds everything written before the kill.
  for (ssize_t n; (n = read(fds[0], buf, sizeof(buf))) > 0;) out.append(buf, n);
  close(fds[0]);
  if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
    std::fprintf(stderr, "round %d: crash_appender exited by itself (%d)\n",
                 round, status);
    return false;
  }
  if (mode.power_cut) {
    const testing::PowerCutMode how = mode.no_sync || rng() % 2 == 0
                                          ? testing::PowerCutMode::kDropUnsynced
                                          : testing::PowerCutMode::kRandom;
    absl::StatusOr<testing::PowerCutStats> stats =
        testing::ApplyPowerCut(mode.journal, how, rng);
    if (!stats.ok()) {
      std::fprintf(stderr, "round %d: %s\n", round,
                   stats.status().ToString().c_str());
      return false;
    }
    cut->files_cut += stats->files_cut;
    cut->bytes_dropped += stats->bytes_dropped;
    cut->files_removed += stats->files_removed;
    cut->renames_undone += stats->renames_undone;
  }
  // A trailing line without '\n' was cut by the kill: not counted.
  const size_t end = out.rfind('\n');
  out.resize(end == std::string::npos ? 0 : end);
  reports->sent_this_round.clear();
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    if (!AddLine(line, round, reports)) return false;
  }
  return true;
}

// Every stream's events carry versions 1, 2, 3... in sequence order, and
// the log reports the last one as the stream's version. Feeds every event
// to *commands on the way.
bool CheckStreamVersions(const EventLog& log, int round,
                         CommandCheck* commands) {
  std::map<std::string, uint64_t> versions;
  uint64_t next = 1;
  for (;;) {
    auto events = log.Read(next, ReadLimits{});
    if (!events.ok()) {
      std::fprintf(stderr, "round %d: read: %s\n", round,
                   events.status().ToString().c_str());
      return false;
    }
    if (events->empty()) break;
    for (const StoredEvent& e : *events) {
      v1::EventEnvelope env;
      if (!env.ParseFromString(e.envelope)) {
        std::fprintf(stderr, "round %d: sequence %llu does not parse\n", round,
                     static_cast<unsigned long long>(e.sequence));
        return false;
      }
      uint64_t& version = versions[env.stream_id()];
      if (env.stream_version() != version + 1) {
        std::fprintf(stderr,
                     "round %d: sequence %llu: %s version %llu after %llu\n",
                     round, static_cast<unsigned long long>(e.sequence),
                     env.stream_id().c_str(),
                     static_cast<unsigned long long>(env.stream_version()),
                     static_cast<unsigned long long>(version));
        return false;
      }
      version = env.stream_version();
      commands->Add(e.sequence, env);
      next = e.sequence + 1;
    }
  }
  for (const auto& [stream, version] : versions) {
    auto reported = log.StreamVersion(stream);
    if (!reported.ok() || *reported != version) {
      std::fprintf(stderr, "round %d: %s: version %s, its events say %llu\n",
                   round, stream.c_str(),
                   reported.ok() ? std::to_string(*reported).c_str()
                                 : reported.status().ToString().c_str(),
                   static_cast<unsigned long long>(version));
      return false;
    }
  }
  return true;
}

// ReadByType returns exactly the log's events of the type, in (recorded_at,
// sequence) order, as a scan of the events finds them: the type index is
// written lazily (storage/README.md "Types, lazily"), by the appender's
// reader thread and by this read, and a kill or cut may fall between an
// append and its indexing or in the middle of it. Adds the events checked
// to *checked.
bool CheckTypeIndex(const EventLog& log, int round, uint64_t* checked) {
  const std::string type = events::TypeOf<v1::UnitRegistered>();
  std::vector<std::pair<int64_t, uint64_t>> want, got;
  for (uint64_t next = 1;;) {
    auto events = log.Read(next, ReadLimits{});
    if (!events.ok() || events->empty()) break;
    for (const StoredEvent& e : *events) {
      v1::EventEnvelope env;
      if (env.ParseFromString(e.envelope) && env.event_type() == type) {
        want.emplace_back(env.recorded_at_us(), e.sequence);
      }
      next = e.sequence + 1;
    }
  }
  std::sort(want.begin(), want.end());
  for (uint64_t after = 0;;) {
    auto page = log.ReadByType(type, std::numeric_limits<int64_t>::min(),
                               std::numeric_limits<int64_t>::max(), after);
    if (!page.ok()) {
      std::fprintf(stderr, "round %d: read by type: %s\n", round,
                   page.status().ToString().c_str());
      return false;
    }
    if (page->empty()) break;
    for (const StoredEvent& e : *page) {
      v1::EventEnvelope env;
      env.ParseFromString(e.envelope);
      got.emplace_back(env.recorded_at_us(), e.sequence);
    }
    after = page->back().sequence;
  }
  if (got != want) {
    std::fprintf(stderr,
                 "round %d: read by type returned %zu events, the events "
                 "column holds %zu of the type (or in another order)\n",
                 round, got.size(), want.size());
    return false;
  }
  *checked += got.size();
  return true;
}

// Commands sent this round and never answered: the appender was killed
// during (or just before) their Append.
std::vector<std::string> InFlight(const Reports& r) {
  std::vector<std::string> out;
  for (const std::string& id : r.sent_this_round) {
    if (r.done.count(id) == 0 && !absl::StartsWith(id, "refused-")) {
      out.push_back(id);
    }
  }
  return out;
}

// Every answered refusal is still the answer, to a resend with events too,
// and nothing is appended; a refusal in flight at the kill is recorded or
// absent. Adds to *totals; false on a read error.
bool CheckRefusals(EventLog& log, const Reports& r, int round,
                   RefusalTotals* totals) {
  const uint64_t head = log.GetHead().sequence;
  for (const std::string& id : r.refused) {
    AppendRequest resend;
    resend.command_id = id;
    resend.actor = "crash_test";
    resend.request_digest = CrashDigest();
    v1::UnitRegistered u;
    u.set_unit_id("U-resent");
    resend.events.push_back(NewEvent{"unit/resent",
                                     events::TypeOf<v1::UnitRegistered>(),
                                     u.SerializeAsString()});
    absl::StatusOr<AppendResult> answer = log.Append(resend);
    ++totals->resends;
    if (answer.status() != CrashRefusal(id)) {
      std::fprintf(
          stderr, "round %d: refusal %s resent: answered %s\n", round,
          id.c_str(),
          answer.ok() ? "OK (accepted)" : answer.status().ToString().c_str());
      ++totals->broken;
    }
  }
  for (const std::string& id : r.sent_this_round) {
    if (!absl::StartsWith(id, "refused-") || r.refused.count(id) > 0) continue;
    absl::StatusOr<CommandRecord> record = log.FindCommand(id);
    if (absl::IsNotFound(record.status())) {
      ++totals->inflight_absent;
    } else if (record.ok() && record->refusal == CrashRefusal(id)) {
      ++totals->inflight_recorded;
    } else {
      std::fprintf(stderr, "round %d: refusal %s in flight at the kill: %s\n",
                   round, id.c_str(),
                   record.ok() ? "recorded as something else"
                               : record.status().ToString().c_str());
      ++totals->broken;
    }
  }
  if (log.GetHead().sequence != head) {
    std::fprintf(stderr, "round %d: resending refusals appended events\n",
                 round);
    ++totals->broken;
  }
  return true;
}

// Every acknowledged event is there with its hash; the chain verifies
// (which also proves there is no gap); stream versions are consecutive;
// every command is all or none (adds to *totals).
// *checked_head: the head of the previous check, set to this one's.
bool Check(const std::string& dir, const Reports& reports, int round,
           bool last_round, uint64_t* lost, uint64_t* checked_head,
           CommandCheckTotals* totals, RefusalTotals* refusals,
           uint64_t* by_type) {
  const std::map<uint64_t, std::string>& acked = reports.acked;
  EventLogOptions options;
  options.node_id = "371302";
  auto log = EventLog::Open(dir, options);
  if (!log.ok()) {
    std::fprintf(stderr, "round %d: reopen: %s\n", round,
                 log.status().ToString().c_str());
    return false;
  }
  const Head head = (*log)->GetHead();
  for (const auto& [seq, hash] : acked) {
    auto e = (*log)->ReadOne(seq);
    if (!e.ok() || HexHash(e->hash) != hash) {
      std::fprintf(stderr,
                   "round %d: acknowledged sequence %llu %s (head %llu)\n",
                   round, static_cast<unsigned long long>(seq),
                   e.ok() ? "changed" : "lost",
                   static_cast<unsigned long long>(head.sequence));
      ++*lost;
    }
  }
  absl::Status v = (*log)->Verify();
  if (!v.ok()) {
    std::fprintf(stderr, "round %d: %s\n", round, v.ToString().c_str());
    return false;
  }
  CommandCheck commands(round);
  if (!CheckStreamVersions(**log, round, &commands)) return false;
  if (by_type != nullptr && !CheckTypeIndex(**log, round, by_type)) {
    return false;
  }
  // The command index of commands below the previous head was looked up
  // after an earlier kill; the last round looks up every command again.
  const uint64_t index_from = last_round ? 1 : *checked_head + 1;
  const CommandCheckTotals t =
      commands.Finish(**log, reports.done, InFlight(reports), index_from);
  *checked_head = head.sequence;
  // Every round checks all of the log's commands: report the last round's
  // count, and sum what happened at each kill.
  totals->commands = t.commands;
  totals->multi_event = t.multi_event;
  totals->partial += t.partial;
  totals->inflight_whole += t.inflight_whole;
  totals->inflight_absent += t.inflight_absent;
  if (refusals != nullptr && !CheckRefusals(**log, reports, round, refusals)) {
    return false;
  }
  return (*log)->Close().ok();
}

int Main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  Mode mode;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--power_cut") {
      mode.power_cut = true;
      mode.rounds = kCuts;
    } else if (arg == "--no_sync") {
      mode.no_sync = true;
    } else {
      argc = 0;  // usage
    }
  }
  if (argc < 2 || (mode.no_sync && !mode.power_cut)) {
    std::fprintf(stderr,
                 "usage: crash_test <crash_appender binary> "
                 "[--power_cut [--no_sync]]\n");
    return 1;
  }
  testutil::TempDir tmp("crash-test");
  const std::string dir = tmp.Sub("log");
  mode.journal = tmp.Sub("power-cut-journal");
  std::mt19937_64 rng(std::random_device{}());
  Reports reports;
  const std::map<uint64_t, std::string>& acked = reports.acked;
  uint64_t lost = 0;
  uint64_t checked_head = 0;
  CommandCheckTotals totals;
  RefusalTotals refusals;
  uint64_t by_type = 0;  // events ReadByType returned, checked
  testing::PowerCutStats cut;
  int kills = 0;
  for (int round = 1; round <= mode.rounds; ++round) {
    if (!RunAndKill(argv[1], dir, round, mode, rng, &reports, &cut)) return 1;
    ++kills;
    // Refusals and the type index are checked only with sync on: with it
    // off, losing a recorded refusal is the loss the self-check must find,
    // and the self-check is about acknowledged events only.
    if (!Check(dir, reports, round, round == mode.rounds, &lost, &checked_head,
               &totals, mode.no_sync ? nullptr : &refusals,
               mode.no_sync ? nullptr : &by_type)) {
      return 1;
    }
    // Each was printed. The self-check stops at its first loss: later
    // rounds would reuse the lost sequences.
    if (totals.partial > 0 || refusals.broken > 0 || lost > 0) break;
  }
  if (mode.power_cut) {
    std::printf(
        "%d power cuts, %llu acknowledged events lost (%zu acknowledged%s)\n"
        "cut: %llu files truncated (%llu bytes dropped), %llu files removed, "
        "%llu renames undone\n",
        kills, static_cast<unsigned long long>(lost), acked.size(),
        mode.no_sync ? "; sync off: the harness must find a loss" : "",
        static_cast<unsigned long long>(cut.files_cut),
        static_cast<unsigned long long>(cut.bytes_dropped),
        static_cast<unsigned long long>(cut.files_removed),
        static_cast<unsigned long long>(cut.renames_undone));
  } else {
    std::printf("%d kills, %llu acknowledged events lost (%zu acknowledged)\n",
                kills, static_cast<unsigned long long>(lost), acked.size());
  }
  std::printf(
      "all-or-none: %llu commands checked (%llu with several events), %llu "
      "partial; unacknowledged at a kill: %llu wholly present, %llu wholly "
      "absent\n",
      static_cast<unsigned long long>(totals.commands),
      static_cast<unsigned long long>(totals.multi_event),
      static_cast<unsigned long long>(totals.partial),
      static_cast<unsigned long long>(totals.inflight_whole),
      static_cast<unsigned long long>(totals.inflight_absent));
  if (mode.no_sync) {
    if (lost > 0) return 0;
    std::fprintf(stderr,
                 "self-check: %d power cuts with sync off lost nothing "
                 "acknowledged: the harness does not bite\n",
                 kills);
    return 1;
  }
  std::printf(
      "type index: %llu events read by type after the kills, as a scan of "
      "the events finds them (0 missing, extra or out of order)\n",
      static_cast<unsigned long long>(by_type));
  std::printf(
      "refusals: %zu answered, %llu resends after kills, %llu turned into "
      "anything else; in flight at a kill: %llu recorded, %llu absent\n",
      reports.refused.size(), static_cast<unsigned long long>(refusals.resends),
      static_cast<unsigned long long>(refusals.broken),
      static_cast<unsigned long long>(refusals.inflight_recorded),
      static_cast<unsigned long long>(refusals.inflight_absent));
  if (totals.partial > 0 || refusals.broken > 0) return 1;
  if (reports.refused.size() < 20) {
    std::fprintf(stderr, "only %zu refusals answered in %d rounds\n",
                 reports.refused.size(), kills);
    return 1;
  }
  // A run that acknowledged (almost) nothing proved nothing.
  if (acked.size() < 100 || totals.multi_event < 100) {
    std::fprintf(stderr,
                 "only %zu events acknowledged, %llu commands with several "
                 "events in %d rounds\n",
                 acked.size(),
                 static_cast<unsigned long long>(totals.multi_event), kills);
    return 1;
  }
  // Power cuts that cut nothing tested nothing.
  if (mode.power_cut && cut.bytes_dropped + cut.files_removed == 0) {
    std::fprintf(stderr, "%d power cuts dropped no byte and no file\n", kills);
    return 1;
  }
  return lost == 0 ? 0 : 1;
}

}  // namespace
}  // namespace reporting::storage

int main(int argc, char** argv) { return reporting::storage::Main(argc, argv); }
