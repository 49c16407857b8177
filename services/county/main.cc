// county-node: a county's (or district's, or city department's) node.
// Parses flags and wires the event log, the services and the server; the
// rules live in domain/, the command path in command_context.h. See
// README.md.
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "services/audit/access.h"
#include "services/audit/audit_service.h"
#include "services/audit/county_log_source.h"
#include "services/common/admin_service.h"
#include "services/common/logging.h"
#include "services/common/metrics.h"
#include "services/common/metrics_event_log.h"
#include "services/common/metrics_interceptor.h"
#include "services/common/server.h"
#include "services/common/tls.h"
#include "services/county/backup.h"
#include "services/county/clerk_service.h"
#include "services/county/command_service.h"
#include "services/county/ids.h"
#include "services/county/replicator.h"
#include "services/county/restore.h"
#include "spdlog/spdlog.h"
#include "storage/event_log.h"

ABSL_FLAG(std::string, node_id, "",
          "This node's id: its administrative code, e.g. 371302 (required)");
ABSL_FLAG(std::string, data_dir, "",
          "Directory of the node's event log; created when missing (required)");
ABSL_FLAG(std::string, listen, "127.0.0.1:7100", "host:port to serve gRPC on");
ABSL_FLAG(std::string, city, "",
          "The city aggregator's host:port: the node pushes its log there "
          "(services/county/replicator.h). Empty: no replication");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate of this node (CN = node id, OU=county): its "
          "client certificate towards --city, and its server certificate: "
          "with the TLS flags the node serves mutual TLS only");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of this node");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA that signs the city's and every client's certificate");
ABSL_FLAG(bool, insecure, false,
          "Serve and replicate over plaintext, without client identities: "
          "LOCAL DEVELOPMENT ONLY");
ABSL_FLAG(bool, sync, true,
          "Sync the log's WAL before acknowledging a command. Off only for "
          "bulk loads: an OS crash may then lose acknowledged commands");
ABSL_FLAG(std::string, config, "",
          "Optional file of flags, one per line (--node_id=371302); same as "
          "absl's --flagfile. Flags given on the command line after it win");
ABSL_FLAG(std::string, log_level, "info",
          "trace, debug, info, warn, error, critical or off");
ABSL_FLAG(std::string, log_format, "text",
          "text (human-readable lines) or json (one JSON object per line)");
ABSL_FLAG(std::string, metrics_listen, "",
          "host:port to serve Prometheus metrics on (GET /metrics); empty: "
          "no metrics endpoint");
ABSL_FLAG(std::string, from_export, "",
          "county-node restore: the city's export of this node's log "
          "(reportctl audit export; docs/OPERATIONS.md)");
ABSL_FLAG(int, shutdown_grace_ms, 10000,
          "On SIGTERM/SIGINT, how long in-flight RPCs may take to finish");

namespace {

// --config=FILE / --config FILE becomes absl's --flagfile=FILE (kept in
// place, so flags after it on the command line still win).
std::vector<char*> RewriteConfig(int argc, char** argv,
                                 std::vector<std::string>& storage) {
  storage.reserve(argc);
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (absl::StartsWith(arg, "--config=")) {
      storage.push_back(absl::StrCat("--flagfile=", arg.substr(9)));
    } else if (arg == "--config" && i + 1 < argc) {
      storage.push_back(absl::StrCat("--flagfile=", argv[++i]));
    } else {
      storage.push_back(arg);
    }
  }
  std::vector<char*> out;
  for (std::string& s : storage) out.push_back(s.data());
  return out;
}

int Fail(const std::string& message) {
  spdlog::critical("{}", message);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace reporting;
  // First: every thread started later inherits the blocked signals.
  services::BlockShutdownSignals();
  // absl's lock-order (deadlock) detection is on in Debian's build of
  // absl and takes a global lock on every mutex acquisition (~4% of the
  // CPU of a command, perf); tests keep it, the production binaries and
  // benchmarks turn it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::SetProgramUsageMessage(
      "county-node --node_id=371302 --data_dir=/var/lib/county "
      "[--listen=127.0.0.1:7100] [--config=FILE]");
  std::vector<std::string> args;
  std::vector<char*> rewritten = RewriteConfig(argc, argv, args);
  const std::vector<char*> positional = absl::ParseCommandLine(
      static_cast<int>(rewritten.size()), rewritten.data());
  if (absl::Status s =
          services::InitLogging("county-node", absl::GetFlag(FLAGS_log_level),
                                absl::GetFlag(FLAGS_log_format));
      !s.ok()) {
    return Fail(std::string(s.message()));
  }

  const std::string node_id = absl::GetFlag(FLAGS_node_id);
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (absl::Status s = county::ValidateNodeId(node_id); !s.ok()) {
    return Fail(absl::StrCat("--node_id: ", s.message()));
  }
  if (data_dir.empty()) return Fail("--data_dir is required");
  // `county-node restore --node_id=N --data_dir=NEW --from_export=FILE`:
  // rebuild a lost node's log from the city's copy, then exit.
  if (positional.size() > 1 && std::string(positional[1]) == "restore") {
    auto restored = county::RestoreFromExport(node_id, data_dir,
                                              absl::GetFlag(FLAGS_from_export));
    if (!restored.ok()) return Fail(restored.status().ToString());
    spdlog::info(
        "restored node {} in {}: {} events, head {}, chain verified "
        "({:.1f} s); start the node on it",
        node_id, data_dir, restored->events, restored->head_sequence,
        restored->seconds);
    return 0;
  }

  storage::EventLogOptions options;
  options.node_id = node_id;
  options.sync = absl::GetFlag(FLAGS_sync);
  auto log = storage::EventLog::Open(data_dir, options);
  if (!log.ok()) {
    return Fail(absl::StrCat("cannot open the event log in ", data_dir, ": ",
                             log.status().ToString()));
  }
  const storage::Head head = (*log)->GetHead();

  // Commands append through the timer (append latency histogram).
  services::Metrics metrics;
  services::TimedEventLog timed_log(log->get(), metrics.registry());
  metrics.AddGauges(services::LogGauges(log->get()));

  county::NodeEnv env;
  env.node_id = node_id;
  env.log = &timed_log;
  env.now_us = [] { return absl::ToUnixMicros(absl::Now()); };
  county::CommandServiceImpl commands(env);
  county::ClerkServiceImpl clerk(env);

  // Transport security (README.md "Security"): mutual TLS when the TLS
  // flags are given; plaintext with --insecure, or with no TLS flag at all
  // (development). Over TLS, writers (CommandService, ClerkService) need a
  // certificate with OU=county and auditors (AuditService) OU=auditor.
  services::TlsConfig tls{
      absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key),
      absl::GetFlag(FLAGS_tls_ca), absl::GetFlag(FLAGS_insecure)};
  const bool serve_tls =
      !tls.insecure &&
      (!tls.cert_file.empty() || !tls.key_file.empty() || !tls.ca_file.empty());
  std::shared_ptr<grpc::ServerCredentials> server_credentials;
  if (serve_tls) {
    if (absl::Status s = services::CheckTlsConfig(tls, "county-node");
        !s.ok()) {
      return Fail(std::string(s.message()));
    }
    auto credentials = services::ServerCredentialsFor(tls);
    if (!credentials.ok()) {
      return Fail(std::string(credentials.status().message()));
    }
    server_credentials = *credentials;
    server_credentials->SetAuthMetadataProcessor(
        std::make_shared<audit::MethodRoleProcessor>(
            std::map<std::string, std::string>{
                {"reporting.v1.CommandService", audit::kCountyRole},
                {"reporting.v1.ClerkService", audit::kCountyRole}}));
  } else {
    spdlog::warn(
        "serving PLAINTEXT, every caller unidentified ({}): LOCAL "
        "DEVELOPMENT ONLY",
        tls.insecure ? "--insecure" : "no --tls_cert/--tls_key/--tls_ca given");
  }
  audit::CountyLogSource audit_source(node_id, log->get());
  audit::AuditServiceOptions audit_options;
  audit_options.enforce_roles = serve_tls;
  audit::AuditServiceImpl audit_service(&audit_source, audit_options);

  std::unique_ptr<county::Replicator> replicator;
  if (!absl::GetFlag(FLAGS_city).empty()) {
    if (absl::Status s = services::CheckTlsConfig(tls, "county-node --city");
        !s.ok()) {
      return Fail(std::string(s.message()));
    }
    auto credentials = services::ChannelCredentialsFor(tls);
    if (!credentials.ok()) {
      return Fail(std::string(credentials.status().message()));
    }
    county::ReplicatorOptions replication;
    replication.node_id = node_id;
    replication.city = absl::GetFlag(FLAGS_city);
    replication.credentials = *credentials;
    replicator = std::make_unique<county::Replicator>(log->get(), replication);
    clerk.set_replication_probe(
        [r = replicator.get(), city = replication.city] {
          const county::ReplicatorStatus s = r->GetStatus();
          return county::ReplicationProbeResult{
              city, county::ReplicatorStateName(s.state), s.acked_sequence,
              s.detail};
        });
  }

  if (const std::string listen = absl::GetFlag(FLAGS_metrics_listen);
      !listen.empty()) {
    if (absl::Status s = metrics.Serve(listen); !s.ok()) {
      return Fail(std::string(s.message()));
    }
    spdlog::info("metrics on port {} (GET /metrics)", metrics.port());
  }

  services::ServerOptions server_options;
  server_options.listen = absl::GetFlag(FLAGS_listen);
  server_options.services = {&commands, &clerk, &audit_service};
  server_options.credentials = server_credentials;  // null: plaintext
  server_options.min_pollers = county::kServerMinPollers;
  server_options.max_pollers = county::kServerMaxPollers;
  server_options.interceptors = {
      services::NewMetricsInterceptorFactory(metrics.registry())};
  // Operators take online backups (OU=operator when serving TLS).
  services::AdminServiceImpl admin(
      {server_options.credentials != nullptr,
       [&node_id, l = log->get()](const std::string& dir) {
         return county::BackupNode(node_id, *l, dir);
       }});
  server_options.services.push_back(&admin);
  auto started = services::StartServer(server_options);
  if (!started.ok()) return Fail(std::string(started.status().message()));
  spdlog::info("node {} serving on port {} (log {} at sequence {}, sync {}{})",
               node_id, started->port, data_dir, head.sequence,
               options.sync ? "on" : "OFF",
               absl::GetFlag(FLAGS_city).empty()
                   ? ""
                   : absl::StrCat(", city ", absl::GetFlag(FLAGS_city)));

  if (replicator != nullptr) replicator->Start();

  services::WaitForShutdownSignal();
  services::StopServer(
      *started->server,
      absl::Milliseconds(absl::GetFlag(FLAGS_shutdown_grace_ms)));
  if (replicator != nullptr) replicator->Stop();
  const uint64_t last = (*log)->GetHead().sequence;
  if (absl::Status s = (*log)->Close(); !s.ok()) {
    spdlog::error("closing the event log: {}", s.ToString());
    return 1;
  }
  spdlog::info("stopped; log closed at sequence {}", last);
  return 0;
}
