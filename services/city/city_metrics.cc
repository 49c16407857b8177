#include "services/city/city_metrics.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "services/common/metrics_event_log.h"

namespace reporting::city {
namespace {

using services::GaugeSample;

std::string StateName(v1::ReplicationState state) {
  std::string name = v1::ReplicationState_Name(state);
  constexpr char kPrefix[] = "REPLICATION_STATE_";
  if (absl::StartsWith(name, kPrefix)) name = name.substr(sizeof(kPrefix) - 1);
  return name;
}

void AddReplication(const ReplicationServiceImpl& replication,
                    std::vector<GaugeSample>* out) {
  for (const v1::NodeReplicationStatus& s : replication.AllStatus()) {
    const std::map<std::string, std::string> node = {{"node", s.node_id()}};
    out->push_back({"reporting_replication_lag_events",
                    "Events the county reported that the city's copy lacks",
                    node, static_cast<double>(s.lag_events())});
    out->push_back({"reporting_replication_lag_seconds",
                    "How long the oldest event the copy lacks has been known "
                    "to exist (0 when current)",
                    node, s.lag_seconds()});
    out->push_back({"reporting_replication_silent_seconds",
                    "Seconds since the city last heard from the node "
                    "(STALE past --stale_after)",
                    node, s.silent_seconds()});
    out->push_back({"reporting_replication_recorded_ahead_seconds",
                    "How far ahead of the city's clock the node's newest "
                    "events were recorded",
                    node, s.recorded_ahead_seconds()});
    out->push_back({"reporting_replication_clock_skewed",
                    "1 while the node's clock runs ahead of the city's by "
                    "more than --clock_skew_threshold",
                    node, s.clock_skewed() ? 1.0 : 0.0});
    out->push_back({"reporting_replication_county_head",
                    "Last head sequence the county reported", node,
                    static_cast<double>(s.county_head())});
    out->push_back({"reporting_replication_state",
                    "1 for the node's current replication state",
                    {{"node", s.node_id()}, {"state", StateName(s.state())}},
                    1});
  }
}

void AddProjection(const ProjectionRunner& runner,
                   std::vector<GaugeSample>* out) {
  const ProjectionHealth health = runner.Health();
  out->push_back({"reporting_projection_write_failing",
                  "1 while writes of the read models fail (they are retried; "
                  "figures stay at the last good write)",
                  {},
                  health.write_error.empty() ? 0.0 : 1.0});
  out->push_back({"reporting_projection_write_failures",
                  "Failed writes of the read models since the aggregator "
                  "started",
                  {},
                  static_cast<double>(health.write_failures)});
  auto store = runner.Store();
  if (!store.ok()) return;  // being rebuilt: no read models to measure
  std::unique_ptr<storage::ReadModelStore::View> view = (*store)->NewView();
  for (const v1::NodeFreshness& f : runner.Freshness(*view)) {
    const std::map<std::string, std::string> node = {{"node", f.node_id()}};
    out->push_back({"reporting_copy_head_sequence",
                    "Last sequence of the node's log the city's copy holds",
                    node, static_cast<double>(f.copy_sequence())});
    out->push_back({"reporting_projected_sequence",
                    "Last sequence of the node's log in the read models", node,
                    static_cast<double>(f.projected_sequence())});
    const uint64_t lag = f.copy_sequence() > f.projected_sequence()
                             ? f.copy_sequence() - f.projected_sequence()
                             : 0;
    out->push_back({"reporting_projection_lag_events",
                    "Events of the copy not yet in the read models", node,
                    static_cast<double>(lag)});
  }
  if (auto usage = (*store)->GetDiskUsage(); usage.ok()) {
    services::AppendDiskUsage("read_models", *usage, out);
  }
}

void AddCopies(NodeCopies& copies, std::vector<GaugeSample>* out) {
  for (const std::string& id : copies.Nodes()) {
    auto log = copies.Get(id);
    if (!log.ok()) continue;
    if (auto usage = (*log)->GetDiskUsage(); usage.ok()) {
      services::AppendDiskUsage("node/" + id, *usage, out);
    }
  }
}

}  // namespace

services::GaugeFn CityGauges(NodeCopies* copies,
                             const ReplicationServiceImpl* replication,
                             const ProjectionRunner* runner) {
  return [copies, replication, runner] {
    std::vector<GaugeSample> out;
    AddReplication(*replication, &out);
    AddProjection(*runner, &out);
    AddCopies(*copies, &out);
    return out;
  };
}

}  // namespace reporting::city
