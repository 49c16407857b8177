// crash_appender <dir> <seed> [--power_cut_journal=FILE] [--no_sync]:
// appends to the event log in <dir> from several threads until killed.
// Each append carries 1 to kMaxEvents events over several streams, half of
// them with expected versions (of streams only its thread writes, so they
// must never be refused). Half the threads call Append, half AppendAsync
// (the county's command path), so both ways to durability are killed.
// One more thread reads by type every 5 ms, which indexes what was
// appended since (the type index is written lazily), so kills also fall
// in the middle of indexing.
// --power_cut_journal journals what is durable for a power cut
// (storage/testing/power_cut.h); --no_sync opens the log with sync off
// (the power cut test's self-check). It reports to file descriptor 3 (a
// pipe to crash_test; stdout stays free for logs):
//
//   line := "send " command_id "\n"                  before Append
//         | "ack " sequence " " hex(hash) "\n"        one per event, then
//           "done " command_id " " first " " last "\n" after Append
//         | "refused " command_id "\n"                after a recorded
//                                                      refusal was answered
//
// The ack and done lines of an append are written only after Append
// returned OK, i.e. after its events were durable; crash_test holds the
// log to every line it received, and a command sent but not done must be
// wholly in the log or wholly absent. About one append in six instead asks
// the log to record a refusal (AppendRequest::refusal); its "refused" line
// follows the answer, i.e. the durable record. Command ids: crash_command.h.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "spdlog/spdlog.h"
#include "storage/event_log.h"
#include "storage/hash_chain.h"
#include "storage/testing/power_cut.h"
#include "tests/crash/crash_command.h"

namespace reporting::storage {
namespace {

constexpr int kThreads = 4;
constexpr int kReportFd = 3;
constexpr uint64_t kMaxEvents = 8;
// Streams only one thread writes ("own/<thread>-<k>"): the thread knows
// their versions, so its expected versions for them must always hold.
constexpr int kOwnStreams = 3;

absl::Mutex out_mu;

void Report(const std::string& lines) {
  absl::MutexLock l(&out_mu);
  size_t done = 0;
  while (done < lines.size()) {
    ssize_t n = write(kReportFd, lines.data() + done, lines.size() - done);
    if (n <= 0) std::_Exit(3);  // parent gone
    done += static_cast<size_t>(n);
  }
}

[[noreturn]] void Die(const absl::Status& status) {
  std::fprintf(stderr, "crash_appender: %s\n", status.ToString().c_str());
  std::_Exit(2);
}

// Append, or AppendAsync and wait for its answer.
absl::StatusOr<AppendResult> AppendWaiting(EventLog* log,
                                           const AppendRequest& r, bool async) {
  if (!async) return log->Append(r);
  absl::Notification answered;
  absl::StatusOr<AppendResult> outcome;
  log->AppendAsync(r, [&](absl::StatusOr<AppendResult> o) {
    outcome = std::move(o);
    answered.Notify();
  });
  answered.WaitForNotification();
  return outcome;
}

void AppendLoop(EventLog* log, uint64_t seed, int thread) {
  std::mt19937_64 rng(seed * 1000 + thread);
  // Versions come back from the log after every kill, including appends
  // that were written but never acknowledged.
  std::map<std::string, uint64_t> own;
  for (int k = 0; k < kOwnStreams; ++k) {
    const std::string stream = absl::StrCat("own/", thread, "-", k);
    absl::StatusOr<uint64_t> version = log->StreamVersion(stream);
    if (!version.ok()) Die(version.status());
    own[stream] = *version;
  }
  for (uint64_t i = 0;; ++i) {
    if (rng() % 6 == 0) {
      AppendRequest r;
      r.command_id = CrashRefusalId(seed, thread, i);
      r.actor = "crash_appender";
      r.request_digest = CrashDigest();
      r.refusal = CrashRefusal(r.command_id);
      Report(absl::StrCat("send ", r.command_id, "\n"));
      absl::StatusOr<AppendResult> answer = log->Append(r);
      if (answer.status() != r.refusal) {
        Die(absl::InternalError(absl::StrCat(r.command_id, ": answered ",
                                             answer.status().ToString())));
      }
      Report(absl::StrCat("refused ", r.command_id, "\n"));
      continue;
    }
    // Half single events (as most commands are), half 2..kMaxEvents: more
    // would grow the log, and every reopen replays it, so the test slows.
    const size_t events = rng() % 2 == 0 ? 1 : 2 + rng() % (kMaxEvents - 1);
    AppendRequest r;
    r.command_id = CrashCommandId(seed, thread, i, events);
    r.actor = "crash_appender";
    std::map<std::string, uint64_t> own_after = own;
    for (size_t e = 0; e < events; ++e) {
      std::string stream;
      if (rng() % 3 == 0) {
        stream = absl::StrCat("own/", thread, "-", rng() % kOwnStreams);
        ++own_after[stream];
      } else {
        stream = absl::StrCat("unit/", rng() % 50);
      }
      v1::UnitRegistered u;
      u.set_unit_id(absl::StrCat("U", rng() % 1000));
      u.set_name(std::string(rng() % 200, 'n'));
      r.events.push_back(NewEvent{std::move(stream),
                                  events::TypeOf<v1::UnitRegistered>(),
                                  u.SerializeAsString()});
    }
    // Expected versions for every own stream, written or not (the others
    // are a read set). They must hold: a refusal fails the test.
    if (rng() % 2 == 0) r.expected_versions = own;
    Report(absl::StrCat("send ", r.command_id, "\n"));
    absl::StatusOr<AppendResult> result =
        AppendWaiting(log, r, /*async=*/thread % 2 == 1);
    if (!result.ok()) Die(result.status());
    if (result->duplicate) Die(absl::InternalError("fresh command duplicate"));
    for (const auto& [stream, version] : own_after) {
      const uint64_t got = result->stream_versions.Find(stream);
      if (version != own[stream] && got != version) {
        Die(absl::InternalError(
            absl::StrCat(stream, ": version ", got, ", expected ", version)));
      }
    }
    own = std::move(own_after);
    std::string lines;
    for (uint64_t s = result->first_sequence; s <= result->last_sequence; ++s) {
      absl::StatusOr<StoredEvent> e = log->ReadOne(s);
      if (!e.ok()) Die(e.status());
      absl::StrAppend(&lines, "ack ", s, " ", HexHash(e->hash), "\n");
    }
    absl::StrAppend(&lines, "done ", r.command_id, " ", result->first_sequence,
                    " ", result->last_sequence, "\n");
    Report(lines);
  }
}

}  // namespace
}  // namespace reporting::storage

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: crash_appender <dir> <seed> "
                 "[--power_cut_journal=FILE] [--no_sync]\n");
    return 1;
  }
  spdlog::set_level(spdlog::level::warn);  // 60 restarts: keep logs short
  reporting::storage::EventLogOptions options;
  options.node_id = "371302";
  for (int i = 3; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--power_cut_journal=")) {
      absl::Status s =
          reporting::storage::testing::StartPowerCutJournal(std::string(arg));
      if (!s.ok()) reporting::storage::Die(s);
    } else if (arg == "--no_sync") {
      options.sync = false;
    } else {
      std::fprintf(stderr, "crash_appender: unknown argument %s\n", argv[i]);
      return 1;
    }
  }
  auto log = reporting::storage::EventLog::Open(argv[1], options);
  if (!log.ok()) {
    std::fprintf(stderr, "crash_appender: %s\n",
                 log.status().ToString().c_str());
    return 2;
  }
  const uint64_t seed = std::strtoull(argv[2], nullptr, 10);
  std::vector<std::thread> threads;
  for (int t = 0; t < reporting::storage::kThreads; ++t) {
    threads.emplace_back(reporting::storage::AppendLoop, log->get(), seed, t);
  }
  // A reader by type: indexes what was appended (storage/README.md
  // "Types, lazily"), so kills also fall in the middle of indexing.
  threads.emplace_back([log = log->get()] {
    for (;;) {
      absl::StatusOr<std::vector<reporting::storage::StoredEvent>> some =
          log->ReadByType(
              reporting::events::TypeOf<reporting::v1::UnitRegistered>(),
              std::numeric_limits<int64_t>::min(),
              std::numeric_limits<int64_t>::max(), 0,
              reporting::storage::ReadLimits{1, 1 << 20});
      if (!some.ok()) reporting::storage::Die(some.status());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  for (std::thread& t : threads) t.join();  // never: killed by the parent
  return 0;
}
