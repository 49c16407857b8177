// projection_bench: the city's read side (docs/PERFORMANCE.md, "Projection").
//
//   rebuild      RebuildInto (read every copy, fold each event with the
//                projector, write the fresh store) against a bare loop over
//                the same logs that parses each envelope and payload into a
//                reused message; same run, same data, alternated
//                (--rounds each, each rebuild into a fresh store), medians.
//   overview     GetCityOverview's work (query::FinishOverview of the
//                runner's in-memory base into a response on an arena, as
//                its message allocator does) over 200 nodes and 10,000
//                units: p50/p99; and the dashboard's /api/overview body
//                (the same answer as JSON): p50/p95 and its bytes.
//   visibility   an event appended to a copy until the runner's store
//                reflects it (no notification hook: the runner's idle wake
//                bounds it): p50/p99.
//
// Output: `bench: NAME system=X/s baseline=Y/s ratio=R` and latency lines.
// Flags: --events=N (default 1000000), --quick (small smoke run for ctest),
// --logs_dir=DIR (keep the generated logs there and reuse them on the next
// run: generating 1M events takes about a minute), --rebuild_only,
// --rounds=N (default 5: the first round, on a cold allocator and page
// cache, is always the slowest, and with 3 rounds the median swung with
// the one after it), --workers=N (rebuild threads; default one per
// hardware thread).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "services/city/projection_runner.h"
#include "services/city/query_service.h"
#include "services/dashboard/json.h"
#include "services/projector/history_generator.h"
#include "services/projector/projector.h"
#include "storage/event_log.h"
#include "storage/read_model_store.h"
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
  std::fprintf(stderr, "projection_bench: %s: %s\n", what,
               st.ToString().c_str());
  std::exit(1);
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

struct Logs {
  std::map<std::string, std::unique_ptr<storage::EventLog>> owned;
  std::map<std::string, projector::HistoryGenerator> gens;
  std::map<std::string, storage::EventLog*> Map() const {
    std::map<std::string, storage::EventLog*> m;
    for (const auto& [id, l] : owned) m[id] = l.get();
    return m;
  }
};

// Appends n generated events to the node's log, `batch` per append.
void Fill(Logs& logs, const std::string& node, uint64_t n, size_t batch) {
  storage::EventLog& log = *logs.owned.at(node);
  projector::HistoryGenerator& gen = logs.gens.at(node);
  storage::AppendRequest req;
  req.actor = "clerk:bench";
  for (uint64_t i = 0; i < n; ++i) {
    v1::EventEnvelope e = gen.Next();
    req.recorded_at_us = e.recorded_at_us();
    req.events.push_back({e.stream_id(), e.event_type(), e.payload()});
    if (req.events.size() == batch || i + 1 == n) {
      req.command_id = absl::StrCat("bench-", node, "-", gen.sequence());
      Die(log.Append(req).status(), "append");
      req.events.clear();
    }
  }
}

void OpenLogs(Logs& logs, const std::string& dir, int nodes,
              projector::HistoryOptions options) {
  for (int i = 0; i < nodes; ++i) {
    const std::string id = absl::StrCat(371300 + i);
    storage::EventLogOptions o;
    o.node_id = id;
    o.sync = false;
    auto log = storage::EventLog::Open(dir + "/nodes/" + id, o);
    Die(log.status(), "open log");
    logs.owned[id] = std::move(*log);
    logs.gens.emplace(id, projector::HistoryGenerator(id, 1000 + i, options));
  }
}

// The bare loop (bare_loop.h) over every log.
uint64_t BareLoop(const Logs& logs) {
  uint64_t n = 0;
  for (const auto& [id, log] : logs.owned) {
    auto events = bench::BareIterateAndParse(*log);
    Die(events.status(), "bare loop");
    n += *events;
  }
  return n;
}

void RebuildBench(uint64_t total_events, const std::string& logs_dir,
                  int rounds, int workers) {
  testutil::TempDir dir("projection-bench");
  Logs logs;
  const int nodes = 10;
  projector::HistoryOptions o;
  o.units = 100;
  o.max_members_per_unit = 60;
  OpenLogs(logs, logs_dir.empty() ? dir.path() : logs_dir, nodes, o);
  auto t0 = Clock::now();
  for (const auto& [id, log] : logs.owned) {
    const uint64_t head = log->GetHead().sequence;
    if (head == total_events / nodes) continue;  // kept from an earlier run
    if (head != 0) {
      Die(absl::FailedPreconditionError(
              absl::StrCat("--logs_dir holds ", head, " events of node ", id,
                           "; use an empty directory or the same --events")),
          "logs");
    }
    Fill(logs, id, total_events / nodes, 5000);
  }
  std::fprintf(stderr, "generated and appended %llu events in %.1f s\n",
               static_cast<unsigned long long>(total_events),
               Seconds(t0, Clock::now()));

  BareLoop(logs);  // warm the page cache and block cache for both runs
  // Alternate the two, each into a fresh store; report the medians.
  std::vector<double> base_rates, sys_rates;
  for (int round = 0; round < rounds; ++round) {
    auto t = Clock::now();
    const double cpu = city::ThreadCpuSeconds();
    const uint64_t bare = BareLoop(logs);
    base_rates.push_back(bare / Seconds(t, Clock::now()));
    const double bare_cpu = city::ThreadCpuSeconds() - cpu;

    auto store = storage::ReadModelStore::Open(
        dir.Sub(absl::StrCat("read_models-", round)));
    Die(store.status(), "open store");
    projector::Projector p(projector::Projector::Mode::kRebuild);
    auto stats = city::RebuildInto(
        logs.Map(), p, **store,
        [](const city::RebuildProgress& pr) {
          std::fprintf(stderr, "%s\n", city::FormatProgress(pr).c_str());
        },
        workers);
    Die(stats.status(), "rebuild");
    if (stats->events != bare)
      Die(absl::InternalError("event counts"), "rebuild");
    sys_rates.push_back(stats->events / stats->seconds);
    std::fprintf(stderr,
                 "round %d: system=%.0f/s baseline=%.0f/s (rebuild %.2f s: "
                 "fold and rows %.2f on %d workers, merge %.2f, load %.2f; "
                 "cpu: workers %.2f s + caller %.2f s, baseline %.2f s)\n",
                 round, sys_rates.back(), base_rates.back(), stats->seconds,
                 stats->fold_seconds, stats->workers, stats->merge_seconds,
                 stats->load_seconds, stats->worker_cpu_seconds,
                 stats->caller_cpu_seconds, bare_cpu);
    Die((*store)->Close(), "close store");
  }
  const double sys_rate = Percentile(sys_rates, 0.5);
  const double base_rate = Percentile(base_rates, 0.5);
  std::printf(
      "bench: projection_rebuild events=%llu rounds=%d system=%.0f/s "
      "baseline=%.0f/s ratio=%.2f (medians; target ratio >= 0.7)\n",
      static_cast<unsigned long long>(total_events), rounds, sys_rate,
      base_rate, sys_rate / base_rate);
  std::fflush(stdout);
}

void OverviewBench(int nodes, int units_per_node, int queries) {
  testutil::TempDir dir("projection-bench-overview");
  auto store = storage::ReadModelStore::Open(dir.Sub("read_models"));
  Die(store.status(), "open store");
  projector::Projector p;
  projector::HistoryOptions o;
  o.units = units_per_node;
  o.max_members_per_unit = 3;
  for (int i = 0; i < nodes; ++i) {
    projector::HistoryGenerator gen(absl::StrCat(371300 + i), 7 + i, o);
    // Enough events to register every unit and move the campaign along.
    for (int n = 0; n < units_per_node * 12; ++n)
      Die(p.Apply(gen.Next()), "apply");
  }
  Die(p.Flush(0,
              [&](std::vector<projector::RowChange>&& rows) {
                storage::ReadModelStore::WriteSet w;
                for (auto& r : rows) {
                  w.puts.push_back(
                      {r.table == projector::Table::kState
                           ? storage::ReadModelStore::Family::kState
                       : r.table == projector::Table::kRows
                           ? storage::ReadModelStore::Family::kRows
                           : storage::ReadModelStore::Family::kCheckpoint,
                       std::move(r.key), std::move(r.value)});
                }
                return (*store)->Apply(w);
              }),
      "flush");
  // What the runner publishes after that write, and what GetCityOverview
  // then does per query: copy it and fill the day's parts. Checked once
  // against the overview read from the store's rows.
  const std::shared_ptr<const v1::CityOverview> base = city::OverviewOf(p);
  {
    v1::CityOverview from_rows, served;
    Die(city::query::CityOverview(*(*store)->NewView(), "2024-09-01",
                                  from_rows),
        "overview");
    city::query::FinishOverview(*base, "2024-09-01", served);
    if (projector::SerializeRow(from_rows) != projector::SerializeRow(served)) {
      Die(absl::InternalError("in-memory overview differs from the rows"),
          "overview");
    }
  }
  std::vector<double> ms;
  uint64_t units = 0;
  for (int q = 0; q < queries; ++q) {
    const auto t0 = Clock::now();
    {
      // As OverviewArenaAllocator: the call's messages on one arena, freed
      // with it (inside the timing).
      google::protobuf::Arena arena(city::query::OverviewArenaOptions());
      auto* out =
          google::protobuf::Arena::CreateMessage<v1::CityOverview>(&arena);
      city::query::FinishOverview(*base, "2024-09-01", *out);
      units = out->city().units().registered();
    }
    ms.push_back(1000 * Seconds(t0, Clock::now()));
  }
  std::printf(
      "bench: city_overview nodes=%d units=%llu p50=%.3fms p99=%.3fms "
      "(target p99 <= 5 ms)\n",
      nodes, static_cast<unsigned long long>(units), Percentile(ms, 0.5),
      Percentile(ms, 0.99));
  // The dashboard's /api/overview: the same answer as proto3 JSON (the
  // page's data; HTTPS and the browser's drawing not included).
  std::vector<double> json_ms;
  size_t bytes = 0;
  for (int q = 0; q < queries; ++q) {
    const auto t0 = Clock::now();
    v1::CityOverview out;
    city::query::FinishOverview(*base, "2024-09-01", out);
    bytes = dashboard::ToJson(out).size();
    json_ms.push_back(1000 * Seconds(t0, Clock::now()));
  }
  std::printf(
      "bench: dashboard_overview_json nodes=%d p50=%.3fms p95=%.3fms "
      "bytes=%zu (target p95 < 200 ms for the page)\n",
      nodes, Percentile(json_ms, 0.5), Percentile(json_ms, 0.95), bytes);
  std::fflush(stdout);
}

void VisibilityBench(int samples) {
  testutil::TempDir dir("projection-bench-visibility");
  Logs logs;
  projector::HistoryOptions o;
  o.units = 50;
  OpenLogs(logs, dir.path(), 12, o);
  for (const auto& [id, log] : logs.owned) Fill(logs, id, 2000, 500);
  city::RunnerOptions ro;
  ro.dir = dir.Sub("read_models");
  ro.logs = [&logs] { return logs.Map(); };
  ro.progress = [](const city::RebuildProgress&) {};
  auto runner = city::ProjectionRunner::Open(ro);
  Die(runner.status(), "runner");
  (*runner)->Start();
  for (const auto& [id, log] : logs.owned) {
    if (!(*runner)->WaitProjected(id, log->GetHead().sequence,
                                  absl::Seconds(60))) {
      Die(absl::DeadlineExceededError("initial projection"), "runner");
    }
  }
  std::vector<double> ms;
  std::vector<std::string> ids;
  for (const auto& [id, log] : logs.owned) ids.push_back(id);
  for (int i = 0; i < samples; ++i) {
    const std::string& id = ids[i % ids.size()];
    Fill(logs, id, 1, 1);
    const auto t0 = Clock::now();
    if (!(*runner)->WaitProjected(id, logs.owned[id]->GetHead().sequence,
                                  absl::Seconds(5))) {
      Die(absl::DeadlineExceededError("visibility"), "runner");
    }
    ms.push_back(1000 * Seconds(t0, Clock::now()));
  }
  (*runner)->Stop();
  std::printf(
      "bench: event_to_query_visibility samples=%d p50=%.1fms p99=%.1fms "
      "(target p99 <= 100 ms)\n",
      samples, Percentile(ms, 0.5), Percentile(ms, 0.99));
  std::fflush(stdout);
}

}  // namespace
}  // namespace reporting

int main(int argc, char** argv) {
  uint64_t events = 1000000;
  bool quick = false;
  bool rebuild_only = false;
  std::string logs_dir;
  int rounds = 5;
  int workers = 0;  // RebuildInto's default: one per hardware thread
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") quick = true;
    if (a == "--rebuild_only") rebuild_only = true;
    if (a.rfind("--events=", 0) == 0) events = std::stoull(a.substr(9));
    if (a.rfind("--logs_dir=", 0) == 0) logs_dir = a.substr(11);
    if (a.rfind("--rounds=", 0) == 0) rounds = std::stoi(a.substr(9));
    if (a.rfind("--workers=", 0) == 0) workers = std::stoi(a.substr(10));
  }
  if (quick) events = 20000;
  reporting::RebuildBench(events, logs_dir, rounds, workers);
  if (rebuild_only) return 0;
  reporting::OverviewBench(quick ? 20 : 200, 50, quick ? 50 : 1000);
  reporting::VisibilityBench(quick ? 20 : 300);
  return 0;
}
