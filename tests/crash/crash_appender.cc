// crash_appender <dir> <seed>: appends to the event log in <dir> from
// several threads until killed. After each acknowledged append it writes
// one line per event to file descriptor 3 (a pipe to crash_test; stdout
// stays free for logs):
//
//   line := "ack " sequence " " hex(hash) "\n"
//
// A line is written only after Append returned OK, i.e. after the event
// was durable; crash_test holds the log to every line it received.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "spdlog/spdlog.h"
#include "storage/event_log.h"
#include "storage/hash_chain.h"

namespace reporting::storage {
namespace {

constexpr int kThreads = 4;
constexpr int kReportFd = 3;

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

void AppendLoop(EventLog* log, uint64_t seed, int thread) {
  std::mt19937_64 rng(seed * 1000 + thread);
  for (uint64_t i = 0;; ++i) {
    AppendRequest r;
    r.command_id = absl::StrCat("crash-", seed, "-", thread, "-", i);
    r.actor = "crash_appender";
    const int events = rng() % 4 == 0 ? 1 + rng() % 5 : 1;
    for (int e = 0; e < events; ++e) {
      v1::UnitRegistered u;
      u.set_unit_id(absl::StrCat("U", rng() % 1000));
      u.set_name(std::string(rng() % 200, 'n'));
      r.events.push_back(NewEvent{absl::StrCat("unit/", rng() % 50),
                                  events::TypeOf<v1::UnitRegistered>(),
                                  u.SerializeAsString()});
    }
    absl::StatusOr<AppendResult> result = log->Append(r);
    if (!result.ok()) {
      std::fprintf(stderr, "crash_appender: %s\n",
                   result.status().ToString().c_str());
      std::_Exit(2);
    }
    std::string lines;
    for (uint64_t s = result->first_sequence; s <= result->last_sequence; ++s) {
      absl::StatusOr<StoredEvent> e = log->ReadOne(s);
      if (!e.ok()) {
        std::fprintf(stderr, "crash_appender: %s\n",
                     e.status().ToString().c_str());
        std::_Exit(2);
      }
      absl::StrAppend(&lines, "ack ", s, " ", HexHash(e->hash), "\n");
    }
    Report(lines);
  }
}

}  // namespace
}  // namespace reporting::storage

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: crash_appender <dir> <seed>\n");
    return 1;
  }
  spdlog::set_level(spdlog::level::warn);  // 60 restarts: keep logs short
  reporting::storage::EventLogOptions options;
  options.node_id = "371302";
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
  for (std::thread& t : threads) t.join();  // never: killed by the parent
  return 0;
}
