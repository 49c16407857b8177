// replay_bench: audit replay (docs/PERFORMANCE.md, "Audit replay").
//
//   system    AuditService.Replay of a whole 1M-event log through gRPC on
//             loopback (in-process server, the same AuditServiceImpl the
//             binaries serve) to a client that reads every ReplayBatch and
//             discards it.
//   baseline  the bare iterate-and-parse loop of projection_bench: every
//             stored event read with EventLog::Read and its envelope and
//             payload parsed into reused messages.
//   Same log, alternated rounds (kRounds each), medians.
//
// The log: one node's, holding projection_bench's data (events made by
// projector::HistoryGenerator, i.e. the county's own decisions), appended
// 5,000 per append with sync off.
//
// Output: `bench: audit_replay events=N rounds=R system=X/s baseline=Y/s
// ratio=R` (target ratio >= 0.7). Flags: --events=N (default 1000000),
// --quick (small smoke run for ctest).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "reporting/v1/audit.grpc.pb.h"
#include "services/audit/audit_service.h"
#include "services/audit/county_log_source.h"
#include "services/common/server.h"
#include "services/projector/history_generator.h"
#include "storage/event_log.h"
#include "tests/bench/bare_loop.h"
#include "tests/testutil/temp_dir.h"

namespace reporting {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void Die(const absl::Status& st, const char* what) {
  if (st.ok()) return;
  std::fprintf(stderr, "replay_bench: %s: %s\n", what, st.ToString().c_str());
  std::exit(1);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

constexpr char kNode[] = "371302";

// projection_bench's data: ten generators (100 units, up to 60 members
// each; a single generator slows down as its state grows), their events
// interleaved 5,000 at a time into the one log (the log checks payloads
// and stream versions, not campaign rules, and replay cost depends on the
// bytes, not on whose units they name).
void Fill(storage::EventLog& log, uint64_t n) {
  projector::HistoryOptions o;
  o.units = 100;
  o.max_members_per_unit = 60;
  std::vector<projector::HistoryGenerator> gens;
  for (int i = 0; i < 10; ++i) {
    gens.emplace_back(absl::StrCat(371300 + i), 1000 + i, o);
  }
  storage::AppendRequest req;
  req.actor = "clerk:bench";
  for (uint64_t i = 0; i < n; ++i) {
    v1::EventEnvelope e = gens[(i / 5000) % gens.size()].Next();
    req.recorded_at_us = e.recorded_at_us();
    req.events.push_back({e.stream_id(), e.event_type(), e.payload()});
    if (req.events.size() == 5000 || i + 1 == n) {
      req.command_id = absl::StrCat("bench-", i);
      Die(log.Append(req).status(), "append");
      req.events.clear();
    }
  }
}

// projection_bench's baseline (bare_loop.h).
uint64_t BareLoop(const storage::EventLog& log) {
  auto events = bench::BareIterateAndParse(log);
  Die(events.status(), "bare loop");
  return *events;
}

// The whole log through Replay; events received.
uint64_t ReplayAll(v1::AuditService::Stub& stub) {
  grpc::ClientContext ctx;
  auto reader = stub.Replay(&ctx, v1::ReplayRequest());
  v1::ReplayBatch batch;
  uint64_t n = 0;
  while (reader->Read(&batch)) n += batch.events_size();
  grpc::Status s = reader->Finish();
  if (!s.ok()) Die(absl::InternalError(s.error_message()), "replay");
  return n;
}

void ReplayBench(uint64_t total, int rounds) {
  testutil::TempDir dir("replay-bench");
  storage::EventLogOptions o;
  o.node_id = kNode;
  o.sync = false;
  auto log = storage::EventLog::Open(dir.Sub("log"), o);
  Die(log.status(), "open log");
  auto t0 = Clock::now();
  Fill(**log, total);
  std::fprintf(stderr, "generated and appended %llu events in %.1f s\n",
               static_cast<unsigned long long>(total),
               Seconds(t0, Clock::now()));

  audit::CountyLogSource source(kNode, log->get());
  audit::AuditServiceOptions options;
  audit::AuditServiceImpl service(&source, options);
  services::ServerOptions server_options;
  server_options.services = {&service};
  auto started = services::StartServer(server_options);
  Die(started.status(), "start server");
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", started->port),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::AuditService::NewStub(channel);

  BareLoop(**log);  // warm the page cache and block cache for both
  ReplayAll(*stub);
  std::vector<double> base_rates, sys_rates;
  for (int round = 0; round < rounds; ++round) {
    auto t = Clock::now();
    const uint64_t bare = BareLoop(**log);
    base_rates.push_back(bare / Seconds(t, Clock::now()));
    t = Clock::now();
    const uint64_t replayed = ReplayAll(*stub);
    sys_rates.push_back(replayed / Seconds(t, Clock::now()));
    if (bare != total || replayed != total) {
      Die(absl::InternalError(absl::StrCat("counts ", bare, " ", replayed)),
          "round");
    }
    std::fprintf(stderr, "round %d: system=%.0f/s baseline=%.0f/s\n", round,
                 sys_rates.back(), base_rates.back());
  }
  const double sys_rate = Median(sys_rates);
  const double base_rate = Median(base_rates);
  std::printf(
      "bench: audit_replay events=%llu rounds=%d system=%.0f/s "
      "baseline=%.0f/s ratio=%.2f (medians; target ratio >= 0.7)\n",
      static_cast<unsigned long long>(total), rounds, sys_rate, base_rate,
      sys_rate / base_rate);
  std::fflush(stdout);
  services::StopServer(*started->server, absl::Seconds(5));
  Die((*log)->Close(), "close");
}

}  // namespace
}  // namespace reporting

int main(int argc, char** argv) {
  uint64_t events = 1000000;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") quick = true;
    if (a.rfind("--events=", 0) == 0 &&
        !absl::SimpleAtoi(a.substr(9), &events)) {
      std::fprintf(stderr, "replay_bench: bad %s\n", a.c_str());
      return 2;
    }
  }
  if (quick) events = 20000;
  reporting::ReplayBench(events, quick ? 1 : 5);
  return 0;
}
