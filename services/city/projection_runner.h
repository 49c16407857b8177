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
// A failed write never skips (ARCHITECTURE.md decision 12): the rows of a
// pass whose store write failed (a full disk under read_models/, say) are
// kept and written again, the same rows, before anything else is applied,
// after `retry_initial` doubling to `retry_max`; until that write succeeds
// nothing new is projected or published, so the store's checkpoint and
// rows stay where the last good write left them and no figure moves.
// Meanwhile Health() (freshness, metrics) reports the error and since
// when, and the log has one line per `log_interval` at most.
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

// Opens (creating when missing) the read-model store of one generation
// directory. The seam a fault test wraps the store through; default
// storage::ReadModelStore::Open.
using OpenStoreFn =
    std::function<absl::StatusOr<std::unique_ptr<storage::ReadModelStore>>(
        const std::string& dir)>;

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
  OpenStoreFn open_store;  // empty: storage::ReadModelStore::Open
  // A failed store write is retried after retry_initial, doubling up to
  // retry_max; its error is logged at most once per log_interval.
  absl::Duration retry_initial = absl::Milliseconds(100);
  absl::Duration retry_max = absl::Seconds(5);
  absl::Duration log_interval = absl::Seconds(10);
};

// The projection's own trouble, for freshness, metrics and health.
struct ProjectionHealth {
  // Set while the read models cannot be written: the last write error and
  // when the first write of this run of failures failed (us since epoch).
  std::string write_error;
  int64_t write_failing_since_us = 0;
  // Failed store writes since the aggregator started.
  uint64_t write_failures = 0;
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

  // Per node: copy head and projected checkpoint, with the quarantine if
  // any (from `view`).
  std::vector<v1::NodeFreshness> Freshness(
      const storage::ReadModelStore::View& view) const;

  ProjectionHealth Health() const;

  // The quarantined nodes (projector.h) as of the last write: node id ->
  // the rule its log broke.
  std::map<std::string, v1::RuleBreak> Quarantines() const;
  // One node's quarantine in words for status ("" when none): "sequence 2
  // (reporting.v1.UnitRegistered on unit/371302-U1) breaks a campaign
  // rule: INVALID_ARGUMENT: ...; not projected from there on".
  std::string QuarantineDetail(const std::string& node_id) const;

  // Blocks until the store reflects `sequence` of `node_id` or the timeout
  // passes; true when reached (tests and benchmarks).
  bool WaitProjected(const std::string& node_id, uint64_t sequence,
                     absl::Duration timeout) const;

 private:
  explicit ProjectionRunner(RunnerOptions options);
  void Loop();
  absl::Status Rebuild();
  absl::Status LoadProjector();
  // One pass over every copy; true when it applied something. A pass whose
  // write failed leaves its rows in pending_; the next pass writes them
  // first and applies nothing new until that succeeds.
  absl::StatusOr<bool> Pass();
  // Writes pending_ (one atomic store write); on success clears it and
  // publishes, on failure keeps it and records the error.
  absl::Status WritePending();
  absl::StatusOr<std::unique_ptr<storage::ReadModelStore>> OpenStore(
      const std::string& dir) const;
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
  // Rows flushed from projector_ but not yet in writing_ (a failed write).
  storage::ReadModelStore::WriteSet pending_;

  mutable absl::Mutex mu_;
  std::shared_ptr<storage::ReadModelStore> serving_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const v1::CityOverview> overview_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
  bool rebuild_requested_ ABSL_GUARDED_BY(mu_) = false;
  double rebuild_fraction_ ABSL_GUARDED_BY(mu_) = -1;  // <0: none running
  std::map<std::string, uint64_t> projected_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> failed_ ABSL_GUARDED_BY(mu_);
  ProjectionHealth health_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::RuleBreak> quarantines_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reporting::city

#endif  // REPORTING_SERVICES_CITY_PROJECTION_RUNNER_H_
