// county-node: a county's (or district's, or city department's) node.
// Parses flags and wires the event log, the services and the server; the
// rules live in domain/, the command path in command_context.h. See
// README.md.
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/audit/audit_service.h"
#include "services/audit/county_log_source.h"
#include "services/audit/export_signer.h"
#include "services/common/admin_service.h"
#include "services/common/disk_health.h"
#include "services/common/metrics_event_log.h"
#include "services/common/node.h"
#include "services/county/backup.h"
#include "services/county/clerk_service.h"
#include "services/county/command_service.h"
#include "services/county/command_stream.h"
#include "services/county/replicator.h"
#include "services/county/restore.h"
#include "services/domain/ids.h"
#include "services/proof/node_keys.h"
#include "spdlog/spdlog.h"
#include "storage/event_log.h"

ABSL_FLAG(std::string, node_id, "",
          "This node's id: its administrative code, e.g. 371302 (required)");
ABSL_FLAG(std::string, city, "",
          "The city aggregator's host:port: the node pushes its log there "
          "(services/county/replicator.h) with --tls_cert. Empty: no "
          "replication");
ABSL_FLAG(std::string, from_export, "",
          "county-node restore: the city's export of this node's log "
          "(reportctl audit export; docs/OPERATIONS.md)");

int main(int argc, char** argv) {
  using namespace reporting;
  using services::Node;
  auto node = Node::Start(
      {"county-node",
       "county-node --node_id=371302 --data_dir=/var/lib/county "
       "[--listen=127.0.0.1:7100] (--tls_cert=F --tls_key=F --tls_ca=F | "
       "--insecure) [--city=HOST:PORT] [--config=FILE]",
       "127.0.0.1:7100",
       absl::Seconds(10),
       {"restore", "rotate-key"}},
      argc, argv);
  if (!node.ok()) return services::kStartFailed;

  services::ApplyDiskReserveFlag();  // before any database is opened
  const std::string node_id = absl::GetFlag(FLAGS_node_id);
  if (absl::Status s = domain::ValidateNodeId(node_id); !s.ok()) {
    return Node::Fail(
        absl::InvalidArgumentError(absl::StrCat("--node_id: ", s.message())));
  }
  auto data = services::DataDirFromFlags();
  if (!data.ok()) return Node::Fail(data.status());
  const std::string& data_dir = data->path;
  if (absl::Status s = services::CheckDiskAtStart(data_dir); !s.ok()) {
    return Node::Fail(s);
  }
  // `county-node restore --node_id=N --data_dir=NEW --from_export=FILE`:
  // rebuild a lost node's log from the city's copy, then exit.
  if (!(*node)->args().empty() && (*node)->args()[0] == "restore") {
    auto restored = county::RestoreFromExport(node_id, data_dir,
                                              absl::GetFlag(FLAGS_from_export));
    if (!restored.ok()) return Node::Fail(restored.status());
    spdlog::info(
        "restored node {} in {}: {} events, head {}, chain verified "
        "({:.1f} s); start the node on it",
        node_id, data_dir, restored->events, restored->head_sequence,
        restored->seconds);
    return 0;
  }

  // `county-node rotate-key --node_id=N --data_dir=D`: the node's next
  // signing key (docs/OPERATIONS.md "Signing keys"), then exit.
  if (!(*node)->args().empty() && (*node)->args()[0] == "rotate-key") {
    auto key = proof::RotateNodeKey(data_dir, node_id);
    return key.ok() ? 0 : Node::Fail(key.status());
  }

  storage::EventLogOptions options;
  options.node_id = node_id;
  options.sync = data->sync;
  auto log = storage::EventLog::Open(data_dir, options);
  if (!log.ok()) {
    return Node::Fail(
        absl::Status(log.status().code(),
                     absl::StrCat("cannot open the event log in ", data_dir,
                                  ": ", log.status().ToString())));
  }
  const storage::Head head = (*log)->GetHead();
  // Signing (services/proof/): the node's keys, its signed heads (off the
  // append path), the seal of its exports.
  auto keys = proof::OpenNodeKeyRing(data_dir, node_id);
  if (!keys.ok()) return Node::Fail(keys.status());
  proof::HeadSigner head_signer(log->get(), keys->get(),
                                proof::HeadSignerOptionsFromFlags(node_id));
  audit::CountyExportSigner export_signer(node_id, keys->get(), &head_signer);

  // Commands append through the timer (append latency histogram).
  services::Metrics& metrics = (*node)->metrics();
  services::TimedEventLog timed_log(log->get(), metrics.registry());
  metrics.AddGauges(services::LogGauges(log->get()));
  // A full disk: commands refused (CommandService and CommandStreamService
  // NOT_SERVING), reads go on.
  services::DiskHealth disk(
      {data_dir,
       {"reporting.v1.CommandService", "reporting.v1.CommandStreamService"}},
      [l = log->get()] { return std::vector<storage::EventLog*>{l}; });
  metrics.AddGauges(disk.Gauges());

  county::NodeEnv env;
  env.node_id = node_id;
  env.log = &timed_log;
  env.now_us = [] { return absl::ToUnixMicros(absl::Now()); };
  prometheus::Counter& backwards =
      prometheus::BuildCounter()
          .Name("reporting_county_clock_backwards_total")
          .Help(
              "Commands recorded more than 1 s before the latest time in "
              "the node's log (the clock was set back)")
          .Register(metrics.registry())
          .Add({});
  county::ClockWatch clock_watch(node_id, county::HeadRecordedAt(*log->get()),
                                 env.now_us(),
                                 [&backwards] { backwards.Increment(); });
  env.clock_watch = &clock_watch;
  county::CommandServiceImpl commands(env);
  county::CommandStreamServiceImpl command_stream(env, &metrics.registry());
  county::ClerkServiceImpl clerk(env);

  // Who may call what: services/common/roles.h, enforced by Node::Serve.
  audit::CountyLogSource audit_source(node_id, log->get());
  audit::AuditServiceOptions audit_options;
  audit_options.signer = &export_signer;
  audit::AuditServiceImpl audit_service(&audit_source, audit_options);

  std::unique_ptr<county::Replicator> replicator;
  if (!absl::GetFlag(FLAGS_city).empty()) {
    auto credentials = (*node)->ChannelCredentials();
    if (!credentials.ok()) return Node::Fail(credentials.status());
    county::ReplicatorOptions replication;
    replication.node_id = node_id;
    replication.city = absl::GetFlag(FLAGS_city);
    replication.credentials = *credentials;
    replication.keys = [k = keys->get()] { return k->history(); };
    replication.signed_head = [&head_signer] { return head_signer.Latest(); };
    replicator = std::make_unique<county::Replicator>(log->get(), replication);
    clerk.set_replication_probe(
        [r = replicator.get(), city = replication.city] {
          const county::ReplicatorStatus s = r->GetStatus();
          return county::ReplicationProbeResult{
              city, county::ReplicatorStateName(s.state), s.acked_sequence,
              s.detail};
        });
  }

  services::AdminServiceImpl admin(
      [&node_id, l = log->get()](const std::string& dir) {
        return county::BackupNode(node_id, *l, dir);
      });
  services::ServerOptions server;
  server.services = {&commands, &command_stream, &clerk, &audit_service,
                     &admin};
  server.min_pollers = county::kServerMinPollers;
  server.max_pollers = county::kServerMaxPollers;
  const services::Serving serving{
      {v1::CommandService::service_full_name(),
       v1::CommandStreamService::service_full_name(),
       v1::ClerkService::service_full_name(),
       v1::AuditService::service_full_name(),
       v1::AdminService::service_full_name()},
      node_id};
  if (absl::Status s = (*node)->Serve(server, serving); !s.ok()) {
    return Node::Fail(s);
  }
  spdlog::info(
      "node {}: log {} at sequence {}, sync {}{}", node_id, data_dir,
      head.sequence, options.sync ? "on" : "OFF",
      absl::GetFlag(FLAGS_city).empty()
          ? ", no replication (no --city)"
          : absl::StrCat(", replicating to ", absl::GetFlag(FLAGS_city)));

  head_signer.Start();
  if (replicator != nullptr) replicator->Start();
  disk.Start((*node)->server());
  (*node)->WaitAndStop();
  disk.Stop();
  if (replicator != nullptr) replicator->Stop();
  head_signer.Stop();
  const uint64_t last = (*log)->GetHead().sequence;
  if (absl::Status s = (*log)->Close(); !s.ok()) {
    spdlog::error("closing the event log: {}", s.ToString());
    return 1;
  }
  spdlog::info("stopped; log closed at sequence {}", last);
  return 0;
}
