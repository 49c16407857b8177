// crash_test <crash_appender binary>: starts crash_appender on one log,
// SIGKILLs it at random moments (kKills times), and after every kill
// reopens the log and checks that every acknowledged event is present with
// the acknowledged hash (so byte-identical: the hash covers the bytes and
// the chain), that the sequence has no gap, that the whole chain verifies
// and that every stream's versions run 1, 2, 3... (each restart starts
// with no cached versions: they come back from the log). Prints
// "N kills, 0 acknowledged events lost" on success.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "reporting/v1/envelope.pb.h"
#include "spdlog/spdlog.h"
#include "storage/event_log.h"
#include "storage/hash_chain.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

constexpr int kKills = 60;

// Runs the appender for a random while, kills it, and adds every complete
// "ack" line it wrote to `acked` (sequence -> hex hash). False on a bad
// line or a child that died by itself.
bool RunAndKill(const std::string& binary, const std::string& dir, int round,
                std::mt19937_64& rng, std::map<uint64_t, std::string>* acked) {
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
    execl(binary.c_str(), binary.c_str(), dir.c_str(), seed.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  // Kill somewhere between "still opening" and "well into appending".
  const int ms = static_cast<int>(rng() % 300);
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  // The pipe still holds everything written before the kill.
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = read(fds[0], buf, sizeof(buf))) > 0;) out.append(buf, n);
  close(fds[0]);
  if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
    std::fprintf(stderr, "round %d: crash_appender exited by itself (%d)\n",
                 round, status);
    return false;
  }
  // A trailing line without '\n' was cut by the kill: not counted.
  const size_t end = out.rfind('\n');
  out.resize(end == std::string::npos ? 0 : end);
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ');
    uint64_t seq = 0;
    if (f.size() != 3 || f[0] != "ack" || !absl::SimpleAtoi(f[1], &seq)) {
      std::fprintf(stderr, "round %d: bad line \"%s\"\n", round,
                   std::string(line).c_str());
      return false;
    }
    auto [it, inserted] = acked->emplace(seq, std::string(f[2]));
    if (!inserted && it->second != f[2]) {
      std::fprintf(stderr,
                   "round %d: sequence %llu acknowledged twice with "
                   "different hashes\n",
                   round, static_cast<unsigned long long>(seq));
      return false;
    }
  }
  return true;
}

// Every stream's events carry versions 1, 2, 3... in sequence order, and
// the log reports the last one as the stream's version.
bool CheckStreamVersions(const EventLog& log, int round) {
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
        std::fprintf(stderr, "round %d: sequence %llu does not parse\n",
                     round, static_cast<unsigned long long>(e.sequence));
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

// Every acknowledged event is there with its hash; the chain verifies
// (which also proves there is no gap); stream versions are consecutive.
bool Check(const std::string& dir, const std::map<uint64_t, std::string>& acked,
           int round, uint64_t* lost) {
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
  if (!CheckStreamVersions(**log, round)) return false;
  return (*log)->Close().ok();
}

int Main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  if (argc != 2) {
    std::fprintf(stderr, "usage: crash_test <crash_appender binary>\n");
    return 1;
  }
  testutil::TempDir tmp("crash-test");
  const std::string dir = tmp.Sub("log");
  std::mt19937_64 rng(std::random_device{}());
  std::map<uint64_t, std::string> acked;
  uint64_t lost = 0;
  int kills = 0;
  for (int round = 1; round <= kKills; ++round) {
    if (!RunAndKill(argv[1], dir, round, rng, &acked)) return 1;
    ++kills;
    if (!Check(dir, acked, round, &lost)) return 1;
  }
  std::printf("%d kills, %llu acknowledged events lost (%zu acknowledged)\n",
              kills, static_cast<unsigned long long>(lost), acked.size());
  // A run that acknowledged (almost) nothing proved nothing.
  if (acked.size() < 100) {
    std::fprintf(stderr, "only %zu events acknowledged in %d rounds\n",
                 acked.size(), kills);
    return 1;
  }
  return lost == 0 ? 0 : 1;
}

}  // namespace
}  // namespace reporting::storage

int main(int argc, char** argv) { return reporting::storage::Main(argc, argv); }
