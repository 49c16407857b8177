// city-aggregator: receives every node's log (ReplicationService), keeps an
// exact copy per node, projects the copies into read models
// (ProjectionRunner) and serves them (QueryService). Parses flags and wires
// the parts; see README.md.
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpc/grpc.h"
#include "services/audit/audit_service.h"
#include "services/audit/city_log_source.h"
#include "services/city/backup.h"
#include "services/city/city_metrics.h"
#include "services/city/node_copies.h"
#include "services/city/projection_runner.h"
#include "services/city/query_service.h"
#include "services/city/replication_service.h"
#include "services/common/admin_service.h"
#include "services/common/logging.h"
#include "services/common/metrics.h"
#include "services/common/metrics_interceptor.h"
#include "services/common/server.h"
#include "services/common/tls.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, data_dir, "",
          "Directory of the city's data: nodes/<node_id> holds each node's "
          "copy (required)");
ABSL_FLAG(std::string, listen, "127.0.0.1:7000", "host:port to serve gRPC on");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate of the city");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of the city");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA that signs the nodes' client certificates");
ABSL_FLAG(bool, insecure, false,
          "Plaintext and no client identity (the Hello's node id is "
          "trusted): LOCAL DEVELOPMENT ONLY");
ABSL_FLAG(bool, sync, true,
          "Sync each copy's WAL before acknowledging (off only for "
          "benchmarks)");
ABSL_FLAG(std::string, log_level, "info",
          "trace, debug, info, warn, error, critical or off");
ABSL_FLAG(std::string, log_format, "text",
          "text (human-readable lines) or json (one JSON object per line)");
ABSL_FLAG(std::string, metrics_listen, "",
          "host:port to serve Prometheus metrics on (GET /metrics); empty: "
          "no metrics endpoint");
ABSL_FLAG(int, shutdown_grace_ms, 5000,
          "On SIGTERM/SIGINT, how long open streams may take to finish");

namespace {

int Fail(const std::string& message) {
  spdlog::critical("{}", message);
  return 2;
}

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
  services::BlockShutdownSignals();
  // absl's lock-order (deadlock) detection is on in Debian's build of
  // absl and takes a global lock on every mutex acquisition (~4% of the
  // CPU of a command, perf); tests keep it, the production binaries and
  // benchmarks turn it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::SetProgramUsageMessage(
      "city-aggregator --data_dir=/var/lib/city [--listen=127.0.0.1:7000] "
      "(--tls_cert=F --tls_key=F --tls_ca=F | --insecure)");
  const std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  // `city-aggregator rebuild --data_dir=D`: drop and rebuild the read
  // models from the node copies (aggregator stopped), with progress.
  const bool rebuild = args.size() > 1 && std::string(args[1]) == "rebuild";
  if (absl::Status s = services::InitLogging("city-aggregator",
                                             absl::GetFlag(FLAGS_log_level),
                                             absl::GetFlag(FLAGS_log_format));
      !s.ok()) {
    return Fail(std::string(s.message()));
  }

  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (data_dir.empty()) return Fail("--data_dir is required");
  services::TlsConfig tls{
      absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key),
      absl::GetFlag(FLAGS_tls_ca), absl::GetFlag(FLAGS_insecure)};
  if (absl::Status s = services::CheckTlsConfig(tls, "city-aggregator");
      !s.ok()) {
    return Fail(std::string(s.message()));
  }
  auto credentials = services::ServerCredentialsFor(tls);
  if (!credentials.ok())
    return Fail(std::string(credentials.status().message()));
  if (tls.insecure) {
    spdlog::warn(
        "--insecure: PLAINTEXT, and every node id is taken on trust. "
        "For local development only");
  }

  city::NodeCopies copies(data_dir, absl::GetFlag(FLAGS_sync));
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
  if (!runner.ok()) return Fail(runner.status().ToString());
  if (rebuild) {
    absl::Status s = (*runner)->RebuildNow();
    if (absl::Status c = copies.Close(); s.ok()) s = c;
    if (!s.ok()) return Fail(s.ToString());
    return 0;
  }
  (*runner)->Start();
  city::ReplicationServiceOptions options;
  options.identity_from_certificate = !tls.insecure;
  // A durable batch wakes the projection at once (issue 5: visible in
  // queries within 100 ms), instead of at the runner's idle wake.
  options.on_durable = [r = runner->get()](const std::string&, uint64_t) {
    r->Notify();
  };
  city::ReplicationServiceImpl replication(&copies, options);
  // Freshness per node reports the replication status next to what the
  // read models reflect.
  city::QueryServiceImpl queries(runner->get(), [&replication] {
    return FactsOf(replication.AllStatus());
  });

  services::Metrics metrics;
  metrics.AddGauges(city::CityGauges(&copies, &replication, runner->get()));
  if (const std::string listen = absl::GetFlag(FLAGS_metrics_listen);
      !listen.empty()) {
    if (absl::Status s = metrics.Serve(listen); !s.ok()) {
      (*runner)->Stop();
      return Fail(std::string(s.message()));
    }
    spdlog::info("metrics on port {} (GET /metrics)", metrics.port());
  }

  // Auditors (OU=auditor) replay, verify and ask state-as-of of every copy.
  audit::CityLogSource audit_source(&copies);
  audit::AuditServiceOptions audit_options;
  audit_options.enforce_roles = !tls.insecure;
  audit::AuditServiceImpl audit_service(&audit_source, audit_options);

  services::ServerOptions server;
  server.listen = absl::GetFlag(FLAGS_listen);
  server.services = {&replication, &queries, &audit_service};
  server.credentials = *credentials;
  server.interceptors = {
      services::NewMetricsInterceptorFactory(metrics.registry())};
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
  // Operators take online backups (OU=operator unless --insecure).
  services::AdminServiceImpl admin(
      {!tls.insecure,
       [&copies, r = runner->get(), &projection](const std::string& dir) {
         return city::BackupCity(copies, *r, projection.dir, dir);
       }});
  server.services.push_back(&admin);
  auto started = services::StartServer(server);
  if (!started.ok()) return Fail(std::string(started.status().message()));
  spdlog::info("city aggregator serving on port {} ({}), data in {}",
               started->port, tls.insecure ? "PLAINTEXT" : "mutual TLS",
               data_dir);

  services::WaitForShutdownSignal();
  services::StopServer(
      *started->server,
      absl::Milliseconds(absl::GetFlag(FLAGS_shutdown_grace_ms)));
  (*runner)->Stop();
  if (absl::Status s = copies.Close(); !s.ok()) {
    spdlog::error("closing the node copies: {}", s.ToString());
    return 1;
  }
  spdlog::info("stopped; node copies closed");
  return 0;
}
