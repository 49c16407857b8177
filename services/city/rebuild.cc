#include "services/city/rebuild.h"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/city/table_family.h"
#include "storage/status_macros.h"

namespace reporting::city {
namespace {

using Family = storage::ReadModelStore::Family;
using Put = storage::ReadModelStore::Put;

constexpr size_t kFlushChunkRows = 4096;

struct NodeLog {
  std::string node_id;
  storage::EventLog* log = nullptr;
  uint64_t head = 0;  // events past it (appended during the rebuild) wait
};

// One thread's share of the nodes: folded by its own projector, whose rows
// it makes.
struct Worker {
  std::vector<NodeLog> nodes;
  uint64_t events = 0;  // to fold (the sum of the heads)
  projector::Projector projector{projector::Projector::Mode::kRebuild};
  std::vector<Put> rows;  // in (family, key) order
  absl::Status status;
  double cpu_seconds = 0;
};

// Folds the worker's nodes; `done` counts events for progress, `stop` is
// set by a worker that failed so that the others stop early.
absl::Status Fold(Worker& w, std::atomic<uint64_t>& done,
                  std::atomic<bool>& stop) {
  v1::EventEnvelope scratch;
  storage::ReadLimits limits;
  limits.max_events = 8192;
  limits.max_bytes = 16 << 20;
  for (const NodeLog& n : w.nodes) {
    uint64_t next = 1;
    // A quarantined node's later events are not applied (projector.h).
    while (next <= n.head && w.projector.Quarantine(n.node_id) == nullptr) {
      if (stop.load(std::memory_order_relaxed)) return absl::OkStatus();
      ASSIGN_OR_RETURN(std::vector<storage::StoredEvent> events,
                       n.log->Read(next, limits));
      if (events.empty()) break;
      uint64_t applied = 0;
      for (const storage::StoredEvent& e : events) {
        if (e.sequence > n.head) break;
        absl::Status st = w.projector.ApplyBytes(e.envelope, scratch);
        if (!st.ok()) {
          return absl::Status(
              st.code(), absl::StrCat("rebuild: node ", n.node_id, " sequence ",
                                      e.sequence, ": ", st.message()));
        }
        ++applied;
      }
      done.fetch_add(applied, std::memory_order_relaxed);
      next = events.back().sequence + 1;
    }
  }
  // The rows, made here (in parallel with the other workers). A rebuild's
  // flush emits them in (table, key) order, so the calling thread only
  // merges the runs. Small chunks: they stay in the cache on their way into
  // the run.
  w.rows.reserve(w.projector.FlushRowsUpperBound());
  return w.projector.Flush(
      kFlushChunkRows, [&](std::vector<projector::RowChange>&& rows) {
        for (projector::RowChange& r : rows) {
          w.rows.push_back(
              {FamilyOf(r.table), std::move(r.key), std::move(r.value)});
        }
        return absl::OkStatus();
      });
}

// Splits the nodes over at most `workers` workers, largest log first onto
// the least loaded worker.
std::vector<Worker> Plan(const std::map<std::string, storage::EventLog*>& logs,
                         int workers) {
  std::vector<NodeLog> nodes;
  for (const auto& [node_id, log] : logs) {
    nodes.push_back({node_id, log, log->GetHead().sequence});
  }
  if (workers <= 0) {
    workers =
        static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  workers = std::max(1, std::min<int>(workers, static_cast<int>(nodes.size())));
  std::stable_sort(
      nodes.begin(), nodes.end(),
      [](const NodeLog& a, const NodeLog& b) { return a.head > b.head; });
  std::vector<Worker> plan(workers);
  for (NodeLog& n : nodes) {
    Worker& w = *std::min_element(
        plan.begin(), plan.end(),
        [](const Worker& a, const Worker& b) { return a.events < b.events; });
    w.events += n.head;
    w.nodes.push_back(std::move(n));
  }
  return plan;
}

}  // namespace

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

std::string FormatProgress(const RebuildProgress& p) {
  const double pct =
      p.events_total == 0 ? 100.0 : 100.0 * p.events_done / p.events_total;
  return absl::StrFormat(
      "rebuild: %d/%d events (%.1f%%), %.0f events/s, ETA %.1f s",
      p.events_done, p.events_total, pct, p.events_per_second, p.eta_seconds);
}

absl::StatusOr<RebuildStats> RebuildInto(
    const std::map<std::string, storage::EventLog*>& logs,
    projector::Projector& projector, storage::ReadModelStore& store,
    const RebuildProgressFn& progress, int workers) {
  const absl::Time start = absl::Now();
  const double start_cpu = ThreadCpuSeconds();
  std::vector<Worker> plan = Plan(logs, workers);
  RebuildProgress p;
  for (const Worker& w : plan) p.events_total += w.events;

  std::atomic<uint64_t> done{0};
  std::atomic<bool> stop{false};
  absl::Mutex mu;
  size_t finished = 0;  // guarded by mu
  std::vector<std::thread> threads;
  for (Worker& w : plan) {
    threads.emplace_back([&w, &done, &stop, &mu, &finished] {
      const double cpu = ThreadCpuSeconds();
      w.status = Fold(w, done, stop);
      w.cpu_seconds = ThreadCpuSeconds() - cpu;
      if (!w.status.ok()) stop.store(true);
      absl::MutexLock l(&mu);
      ++finished;
    });
  }
  auto report = [&](absl::Time now) {
    const double secs = absl::ToDoubleSeconds(now - start);
    p.events_done = done.load();
    p.events_per_second = secs > 0 ? p.events_done / secs : 0;
    p.eta_seconds = p.events_per_second > 0
                        ? (p.events_total - p.events_done) / p.events_per_second
                        : 0;
    progress(p);
  };
  auto all_done = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu) {
    return finished == plan.size();
  };
  for (;;) {
    bool all = false;
    {
      absl::MutexLock l(&mu);
      all = mu.AwaitWithTimeout(absl::Condition(&all_done), absl::Seconds(1));
    }
    if (all) break;
    if (progress) report(absl::Now());
  }
  for (std::thread& t : threads) t.join();
  const absl::Time folded = absl::Now();
  for (Worker& w : plan) RETURN_IF_ERROR(w.status);

  // The caller's projector takes every node over; the rows were flushed.
  std::vector<std::vector<Put>> runs;
  for (Worker& w : plan) runs.push_back(std::move(w.rows));
  // The caller's projector takes every node over (the rows are made) on
  // another thread, while this one loads the rows: disjoint data, and the
  // load waits for fsyncs.
  absl::Status absorbed;
  std::thread absorb([&] {
    for (Worker& w : plan) {
      absorbed = projector.Absorb(std::move(w.projector));
      if (!absorbed.ok()) return;
    }
  });
  const absl::Time merged = absl::Now();

  // The fresh store is not served yet: load every row as sorted table files
  // (no WAL, no memtable; durable on return; the workers' sorted runs are
  // merged, not sorted again), then mark it complete with one synced write.
  absl::Status loaded = store.BulkLoadRuns(std::move(runs));
  absorb.join();
  RETURN_IF_ERROR(absorbed);
  RETURN_IF_ERROR(loaded);
  storage::ReadModelStore::WriteSet meta;
  meta.sync = true;
  meta.puts = {
      {Family::kMeta, kModelVersionKey, absl::StrCat(projector::kModelVersion)},
      {Family::kMeta, kCompleteKey, "1"}};
  RETURN_IF_ERROR(store.Apply(meta));

  RebuildStats stats;
  const absl::Time end = absl::Now();
  stats.events = done.load();
  stats.seconds = absl::ToDoubleSeconds(end - start);
  stats.fold_seconds = absl::ToDoubleSeconds(folded - start);
  stats.merge_seconds = absl::ToDoubleSeconds(merged - folded);
  stats.load_seconds = absl::ToDoubleSeconds(end - merged);
  stats.workers = static_cast<int>(plan.size());
  for (const Worker& w : plan) stats.worker_cpu_seconds += w.cpu_seconds;
  stats.caller_cpu_seconds = ThreadCpuSeconds() - start_cpu;
  if (progress) {
    p.events_done = stats.events;
    p.events_per_second = stats.seconds > 0 ? stats.events / stats.seconds : 0;
    p.eta_seconds = 0;
    progress(p);
  }
  return stats;
}

}  // namespace reporting::city
