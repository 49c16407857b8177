// RebuildInto: the city's read models from scratch, from every node copy
// (ARCHITECTURE.md decision 5). The runner rebuilds with it (see
// projection_runner.h for the generations around it); the benchmark times it.
//
// Nodes are independent (each node's state and figures come from its own
// log only; the city-wide sums are made from the per-node figures at query
// time), so the nodes are split over `workers` threads: each reads and
// folds its nodes with its own Projector (Mode::kRebuild) and makes their
// rows, in key order (a rebuild's flush emits them sorted). The calling
// thread then hands every worker's nodes to the caller's projector
// (Projector::Absorb) and bulk-loads the sorted runs into the fresh store
// (ReadModelStore::BulkLoadRuns merges them), which it finally marks
// complete.
// The rows are byte for byte those of one projector folding every log.
//
// Thread safety: RebuildInto blocks the calling thread; `progress` is only
// called from it.
#ifndef REPORTING_SERVICES_CITY_REBUILD_H_
#define REPORTING_SERVICES_CITY_REBUILD_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "services/projector/projector.h"
#include "storage/event_log.h"
#include "storage/read_model_store.h"

namespace reporting::city {

struct RebuildProgress {
  uint64_t events_done = 0;
  uint64_t events_total = 0;
  double events_per_second = 0;
  double eta_seconds = 0;
};
using RebuildProgressFn = std::function<void(const RebuildProgress&)>;

// "rebuild: 250000/1000000 events (25.0%), 310000 events/s, ETA 2.4 s"
std::string FormatProgress(const RebuildProgress& p);

struct RebuildStats {
  uint64_t events = 0;
  double seconds = 0;
  // Where the time went (benchmark): reading, folding and making the rows
  // (the workers, in parallel), handing the nodes over (merge_seconds),
  // loading the rows into the store.
  double fold_seconds = 0;
  double merge_seconds = 0;
  double load_seconds = 0;
  int workers = 0;
  // CPU time (less sensitive to a busy machine than the wall clock): of
  // the workers together, and of the calling thread.
  double worker_cpu_seconds = 0;
  double caller_cpu_seconds = 0;
};

// CPU time of the calling thread, in seconds.
double ThreadCpuSeconds();

// Replays every log from sequence 1 into `projector` (fresh: nothing
// applied or loaded) and writes the result into `store` (fresh), then marks
// the store complete with the code's model version. Afterwards `projector`
// holds every node and is incremental (the runner goes on live with it).
// `workers` <= 0: one per hardware thread; never more than there are logs.
absl::StatusOr<RebuildStats> RebuildInto(
    const std::map<std::string, storage::EventLog*>& logs,
    projector::Projector& projector, storage::ReadModelStore& store,
    const RebuildProgressFn& progress, int workers = 0);

// The meta family's keys: the model version a store was built by, and
// "complete" = "1" once a rebuild finished.
inline constexpr char kModelVersionKey[] = "model_version";
inline constexpr char kCompleteKey[] = "complete";

}  // namespace reporting::city

#endif  // REPORTING_SERVICES_CITY_REBUILD_H_
