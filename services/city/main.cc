// city-aggregator: receives every node's log (ReplicationService), keeps an
// exact copy per node, projects the copies into read models
// (ProjectionRunner) and serves them (QueryService). Parses flags and wires
// the parts; see README.md.
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "grpc/grpc.h"
#include "services/audit/audit_service.h"
#include "services/city/backup.h"
#include "services/city/city_export_signer.h"
#include "services/city/city_log_source.h"
#include "services/city/city_metrics.h"
#include "services/city/node_copies.h"
#include "services/city/node_keys.h"
#include "services/city/projection_runner.h"
#include "services/city/query_service.h"
#include "services/city/replication_service.h"
#include "services/common/admin_service.h"
#include "services/common/disk_health.h"
#include "services/common/node.h"
#include "services/dashboard/flags.h"
#include "services/dashboard/server.h"
#include "services/proof/node_keys.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(absl::Duration, stale_after, absl::Seconds(30),
          "A node not heard from for this long is STALE in status, "
          "freshness, the overview and /metrics");
ABSL_FLAG(absl::Duration, clock_skew_threshold, absl::Minutes(5),
          "A node recording events further than this ahead of the city's "
          "clock is flagged clock_skewed (and a warning logged)");

namespace {

// The replication status as the query service's freshness takes it
// (query_service.h ReplicationFacts: plain fields, state by name).
std::vector<reporting::city::ReplicationFacts> FactsOf(
    const std::vector<reporting::v1::NodeReplicationStatus>& statuses) {
  std::vector<reporting::city::ReplicationFacts> out;
  out.reserve(statuses.size());
  for (const reporting::v1::NodeReplicationStatus& s : statuses) {
    reporting::city::ReplicationFacts& f = out.emplace_back();
    f.node_id = s.node_id();
    f.county_head = s.county_head();
    f.lag_events = s.lag_events();
    f.lag_seconds = s.lag_seconds();
    f.last_contact_us = s.last_contact_us();
    f.silent_seconds = s.silent_seconds();
    f.last_head_report_us = s.last_head_report_us();
    f.recorded_ahead_seconds = s.recorded_ahead_seconds();
    f.clock_skewed = s.clock_skewed();
    std::string state = reporting::v1::ReplicationState_Name(s.state());
    if (absl::StartsWith(state, "REPLICATION_STATE_")) {
      state = state.substr(sizeof("REPLICATION_STATE_") - 1);
    }
    f.state = std::move(state);
    f.detail = s.detail();
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace reporting;
  using services::Node;
  auto node = Node::Start(
      {"city-aggregator",
       "city-aggregator --data_dir=/var/lib/city [--listen=127.0.0.1:7000] "
       "(--tls_cert=F --tls_key=F --tls_ca=F | --insecure) [rebuild]",
       "127.0.0.1:7000",
       absl::Seconds(5),
       {"rebuild", "rotate-key"}},
      argc, argv);
  if (!node.ok()) return services::kStartFailed;
  // `city-aggregator rebuild --data_dir=D`: drop and rebuild the read
  // models from the node copies (aggregator stopped), with progress.
  const bool rebuild =
      !(*node)->args().empty() && (*node)->args()[0] == "rebuild";
  services::ApplyDiskReserveFlag();  // before any database is opened
  auto data = services::DataDirFromFlags();
  if (!data.ok()) return Node::Fail(data.status());
  const std::string& data_dir = data->path;
  // `city-aggregator rotate-key --data_dir=D`: the city's next signing
  // key (docs/OPERATIONS.md "Signing keys"), then exit.
  if (!(*node)->args().empty() && (*node)->args()[0] == "rotate-key") {
    auto key = proof::RotateNodeKey(data_dir, "city");
    return key.ok() ? 0 : Node::Fail(key.status());
  }
  // The office's web dashboard (services/dashboard/), checked before
  // anything starts.
  auto dashboard_config = dashboard::ConfigFromFlags(data_dir, (*node)->tls());
  if (!dashboard_config.ok()) return Node::Fail(dashboard_config.status());
  if (absl::Status s = services::CheckDiskAtStart(data_dir); !s.ok()) {
    return Node::Fail(s);
  }

  city::NodeCopies copies(data_dir, data->sync);
  city::RunnerOptions projection;
  projection.dir = data_dir + "/read_models";
  projection.logs = [&copies] {
    std::map<std::string, storage::EventLog*> logs;
    for (const std::string& id : copies.Nodes()) {
      if (auto log = copies.Get(id); log.ok()) logs[id] = *log;
    }
    return logs;
  };
  auto runner = city::ProjectionRunner::Open(projection);
  if (!runner.ok()) return Node::Fail(runner.status());
  if (rebuild) {
    absl::Status s = (*runner)->RebuildNow();
    if (absl::Status c = copies.Close(); s.ok()) s = c;
    if (!s.ok()) return Node::Fail(s);
    return 0;
  }
  (*runner)->Start();
  // Signing (services/proof/): the city's keys seal its exports; the
  // nodes' pinned keys check the heads they sign (node_keys.h).
  auto keys = proof::OpenNodeKeyRing(data_dir, "city");
  if (!keys.ok()) {
    (*runner)->Stop();
    return Node::Fail(keys.status());
  }
  city::NodeKeys node_keys(data_dir);
  city::CityExportSigner export_signer(keys->get(), &copies, &node_keys);
  // A full disk: pushes refused (ReplicationService NOT_SERVING; counties
  // keep their events and retry), queries go on.
  services::DiskHealth disk({data_dir, {"reporting.v1.ReplicationService"}},
                            [&copies] {
                              std::vector<storage::EventLog*> logs;
                              for (const std::string& id : copies.Nodes()) {
                                if (auto log = copies.Get(id); log.ok()) {
                                  logs.push_back(*log);
                                }
                              }
                              return logs;
                            });
  city::ReplicationServiceOptions options;
  options.identity_from_certificate = !(*node)->insecure();
  options.node_keys = &node_keys;
  options.write_health = [&disk] { return disk.Current().writes; };
  options.stale_after = absl::GetFlag(FLAGS_stale_after);
  options.clock_skew_threshold = absl::GetFlag(FLAGS_clock_skew_threshold);
  // A durable batch wakes the projection at once (issue 5: visible in
  // queries within 100 ms), instead of at the runner's idle wake.
  options.on_durable = [r = runner->get()](const std::string&, uint64_t) {
    r->Notify();
  };
  // A log that breaks a campaign rule is QUARANTINED in status.
  options.quarantine = [r = runner->get()](const std::string& node) {
    return r->QuarantineDetail(node);
  };
  city::ReplicationServiceImpl replication(&copies, options);
  // Freshness per node reports the replication status next to what the
  // read models reflect.
  city::QueryServiceImpl queries(runner->get(), [&replication] {
    return FactsOf(replication.AllStatus());
  });
  (*node)->metrics().AddGauges(
      city::CityGauges(&copies, &replication, runner->get()));
  (*node)->metrics().AddGauges(disk.Gauges());

  // Auditors replay, verify and ask state-as-of of every copy; operators
  // take online backups (who may call what: services/common/roles.h).
  city::CityLogSource audit_source(&copies);
  audit::AuditServiceOptions audit_options;
  audit_options.signer = &export_signer;
  audit::AuditServiceImpl audit_service(&audit_source, audit_options);
  services::AdminServiceImpl admin([&copies, r = runner->get(), &projection,
                                    &node_keys](const std::string& dir) {
    return city::BackupCity(copies, *r, projection.dir, dir, &node_keys);
  });

  services::ServerOptions server;
  server.services = {&replication, &queries, &audit_service, &admin};
  // Oversized batches get the service's own RESOURCE_EXHAUSTED message.
  server.max_receive_message_bytes = 4 * static_cast<int>(city::kMaxBatchBytes);
  // Counties ping every few seconds to notice dead links (replicator.h);
  // find dead county connections the same way.
  server.int_args = {
      {GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 1000},
      {GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0},
      {GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1},
      {GRPC_ARG_KEEPALIVE_TIME_MS, 5000},
      {GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 5000},
  };
  const services::Serving serving{{v1::ReplicationService::service_full_name(),
                                   v1::QueryService::service_full_name(),
                                   v1::AuditService::service_full_name(),
                                   v1::AdminService::service_full_name()},
                                  ""};
  if (absl::Status s = (*node)->Serve(server, serving); !s.ok()) {
    (*runner)->Stop();
    return Node::Fail(s);
  }
  spdlog::info("city aggregator: data in {}", data_dir);
  std::unique_ptr<dashboard::DashboardServer> dashboard_server;
  if (*dashboard_config) {
    auto started = dashboard::DashboardServer::Start(
        **dashboard_config, {&queries, runner->get(), &audit_source});
    if (!started.ok()) {
      (*runner)->Stop();
      return Node::Fail(started.status());
    }
    dashboard_server = std::move(*started);
  }

  disk.Start((*node)->server());
  (*node)->WaitAndStop();
  if (dashboard_server) dashboard_server->Stop();
  disk.Stop();
  (*runner)->Stop();
  if (absl::Status s = copies.Close(); !s.ok()) {
    spdlog::error("closing the node copies: {}", s.ToString());
    return 1;
  }
  spdlog::info("stopped; node copies closed");
  return 0;
}
