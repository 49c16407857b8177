// ProjectionRunner: keeps the city's read models up to date from every
// node's copy, and rebuilds them (ARCHITECTURE.md decision 5).
//
// Layout under `dir` (e.g. <data_dir>/read_models):
//   CURRENT        text: the name of the complete store in use ("gen-000003")
//   gen-NNNNNN/    a ReadModelStore (storage/read_model_store.h); its meta
//                  family holds "model_version" (projector::kModelVersion)
//                  and "complete" ("1" once a rebuild finished)
//
// Live: one thread reads new events of each copy (EventLog::Read from the
// node's checkpoint + 1), folds them with the pure Projector, and writes the
// changed state, rows and checkpoints in ONE atomic store write per batch.
// It wakes on Notify() (the replication service calls it after a durable
// batch) and, as a safety net, every `idle_wait`.
//
// Rebuild: into a fresh gen directory, from sequence 1 of every copy, with
// progress (RebuildInto, rebuild.h: the nodes are folded in parallel); then
// CURRENT is switched (write + rename) and the old store destroyed. Until the
// switch, queries read the previous complete store. On start, a store whose
// model_version differs from the code's, or which is not complete, is rebuilt
// by itself; queries are UNAVAILABLE (with a retry hint) until then. Never
// half-built numbers.
//
// Restart safety: state and checkpoint commit together, so a restart at
// any moment resumes from the checkpoint without double counting.
//
// Thread safety: all public methods may be called from any thread.
#ifndef REPORTING_SERVICES_CITY_PROJECTION_RUNNER_H_
#define REPORTING_SERVICES_CITY_PROJECTION_RUNNER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "reporting/v1/query.pb.h"
#include "services/city/rebuild.h"
#include "services/projector/projector.h"
#include "storage/event_log.h"
#include "storage/read_model_store.h"

namespace reporting::city {

// The node copies to project: node id -> log. The logs must stay open
// while the runner runs.
using NodeLogsFn = std::function<std::map<std::string, storage::EventLog*>()>;

// The city overview's day-independent part from a projector's figures
// (right after a Flush, they are what the store holds): every node's
// figures by node id and their sum. query::FinishOverview fills the day.
std::shared_ptr<const v1::CityOverview> OverviewOf(
    const projector::Projector& projector);

struct RunnerOptions {
  std::string dir;  // <data_dir>/read_models
  NodeLogsFn logs;
  size_t max_batch_events = 4096;  // per node per pass
  absl::Duration idle_wait = absl::Milliseconds(20);
  // Rebuild progress (default: logged every second).
  RebuildProgressFn progress;
};

class ProjectionRunner {
 public:
  // Opens the current store when it is complete and of the code's version;
  // otherwise the runner starts with a rebuild.
  static absl::StatusOr<std::unique_ptr<ProjectionRunner>> Open(
      RunnerOptions options);
  ~ProjectionRunner();

  // Starts the projection thread (a pending rebuild runs first).
  void Start();
  // Stops the thread after the batch in hand is written.
  void Stop();
  // New data may be in some copy: wake the thread.
  void Notify();
  // Ask for a rebuild; the thread runs it next.
  void RequestRebuild();
  // Runs a rebuild now in the calling thread (runner not started).
  absl::Status RebuildNow();

  // The complete store queries read, or UNAVAILABLE ("read models are being
  // rebuilt (42%); retry in a few seconds").
  absl::StatusOr<std::shared_ptr<storage::ReadModelStore>> Store() const;

  // The overview of the store Store() returns, kept in memory: published
  // after each write of the store (a batch, a rebuild, the load on open),
  // so a query reads no rows. UNAVAILABLE like Store().
  absl::StatusOr<std::shared_ptr<const v1::CityOverview>> Overview() const;

  // Per node: copy head and projected checkpoint (from `view`).
  std::vector<v1::NodeFreshness> Freshness(
      const storage::ReadModelStore::View& view) const;

  // Blocks until the store reflects `sequence` of `node_id` or the timeout
  // passes; true when reached (tests and benchmarks).
  bool WaitProjected(const std::string& node_id, uint64_t sequence,
                     absl::Duration timeout) const;

 private:
  explicit ProjectionRunner(RunnerOptions options);
  void Loop();
  absl::Status Rebuild();
  absl::Status LoadProjector();
  // One pass over every copy; true when it applied something.
  absl::StatusOr<bool> Pass();
  // Publishes what the projector (just flushed) holds: checkpoints for
  // WaitProjected and the overview.
  void Publish() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const RunnerOptions options_;
  std::thread thread_;

  // Projection state: touched by the runner thread only (or RebuildNow
  // before Start).
  std::unique_ptr<projector::Projector> projector_;
  std::shared_ptr<storage::ReadModelStore> writing_;
  int generation_ = 0;

  mutable absl::Mutex mu_;
  std::shared_ptr<storage::ReadModelStore> serving_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const v1::CityOverview> overview_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
  bool rebuild_requested_ ABSL_GUARDED_BY(mu_) = false;
  double rebuild_fraction_ ABSL_GUARDED_BY(mu_) = -1;  // <0: none running
  std::map<std::string, uint64_t> projected_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> failed_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reporting::city

#endif  // REPORTING_SERVICES_CITY_PROJECTION_RUNNER_H_
