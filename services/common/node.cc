#include "services/common/node.h"

#include <algorithm>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/common/access_gate.h"
#include "services/common/logging.h"
#include "services/common/metrics_interceptor.h"
#include "services/common/roles.h"
#include "services/common/undecodable_interceptor.h"
#include "spdlog/spdlog.h"
#include "storage/disk_space.h"

ABSL_FLAG(std::string, listen, "",
          "host:port to serve gRPC on (county-node 127.0.0.1:7100, "
          "city-aggregator 127.0.0.1:7000 when not given)");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate of this node: its server certificate and, on a "
          "county node, its client certificate towards --city "
          "(deploy/gen-certs.sh; docs/OPERATIONS.md \"Roles\")");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA that signs every peer's certificate (clients, the city)");
ABSL_FLAG(bool, insecure, false,
          "Plaintext and no client identities (everyone may call "
          "everything): LOCAL DEVELOPMENT ONLY; excludes the TLS flags");
ABSL_FLAG(std::string, log_level, "info",
          "trace, debug, info, warn, error, critical or off");
ABSL_FLAG(std::string, log_format, "text",
          "text (human-readable lines) or json (one JSON object per line)");
ABSL_FLAG(std::string, metrics_listen, "",
          "host:port to serve Prometheus metrics on (GET /metrics); empty: "
          "no metrics endpoint");
ABSL_FLAG(int, shutdown_grace_ms, 0,
          "On SIGTERM/SIGINT, how long in-flight RPCs may take to finish "
          "(0: county-node 10000, city-aggregator 5000)");
ABSL_FLAG(std::string, data_dir, "",
          "Directory of the node's data, created when missing (required): "
          "a county node's event log; the city's copies of each node's "
          "log (nodes/<node_id>) and its read models");
ABSL_FLAG(bool, sync, true,
          "Sync the WAL before acknowledging a write (a county's command, "
          "a batch pushed to the city). Off only for bulk loads and "
          "benchmarks: an OS crash may then lose acknowledged writes");
ABSL_FLAG(std::string, config, "",
          "Optional file of flags, one per line (--listen=127.0.0.1:7100); "
          "same as absl's --flagfile. Flags given after it win");

namespace reporting::services {
namespace {

// --config=FILE / --config FILE becomes absl's --flagfile=FILE (kept in
// place, so flags after it on the command line still win).
std::vector<std::string> RewriteConfig(int argc, char** argv) {
  std::vector<std::string> out;
  out.reserve(argc);
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (absl::StartsWith(arg, "--config=")) {
      out.push_back(absl::StrCat("--flagfile=", arg.substr(9)));
    } else if (arg == "--config" && i + 1 < argc) {
      out.push_back(absl::StrCat("--flagfile=", argv[++i]));
    } else {
      out.push_back(std::move(arg));
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<DataDir> DataDirFromFlags() {
  DataDir dir{absl::GetFlag(FLAGS_data_dir), absl::GetFlag(FLAGS_sync)};
  if (dir.path.empty()) {
    return absl::InvalidArgumentError("--data_dir is required");
  }
  return dir;
}

absl::Status CheckDiskAtStart(const std::string& data_dir) {
  return storage::CheckDiskReserve(data_dir, "the node cannot start");
}

Node::Node(NodeSpec spec, std::vector<std::string> args, TlsConfig tls)
    : spec_(std::move(spec)), args_(std::move(args)), tls_(std::move(tls)) {}

Node::~Node() = default;

int Node::Fail(const absl::Status& status) {
  spdlog::critical("{}", std::string(status.message()));
  return kStartFailed;
}

absl::StatusOr<std::unique_ptr<Node>> Node::Start(const NodeSpec& spec,
                                                  int argc, char** argv) {
  // First: every thread started later inherits the blocked signals.
  BlockShutdownSignals();
  // absl's lock-order (deadlock) detection is on in Debian's build of absl
  // and takes a global lock on every mutex acquisition (~4% of the CPU of a
  // command, perf); tests keep it, the production binaries turn it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::SetProgramUsageMessage(spec.usage);
  std::vector<std::string> words = RewriteConfig(argc, argv);
  std::vector<char*> pointers;
  for (std::string& w : words) pointers.push_back(w.data());
  const std::vector<char*> positional = absl::ParseCommandLine(
      static_cast<int>(pointers.size()), pointers.data());
  if (absl::Status s = InitLogging(spec.program, absl::GetFlag(FLAGS_log_level),
                                   absl::GetFlag(FLAGS_log_format));
      !s.ok()) {
    Fail(s);
    return s;
  }
  std::vector<std::string> args(positional.begin() + 1, positional.end());
  const bool offline =
      !args.empty() &&
      std::find(spec.offline_commands.begin(), spec.offline_commands.end(),
                args[0]) != spec.offline_commands.end();
  TlsConfig tls{absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key),
                absl::GetFlag(FLAGS_tls_ca), absl::GetFlag(FLAGS_insecure)};
  if (absl::Status s = CheckTlsConfig(tls, spec.program); !s.ok() && !offline) {
    Fail(s);
    return s;
  }
  return std::unique_ptr<Node>(new Node(spec, std::move(args), std::move(tls)));
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
Node::ChannelCredentials() const {
  return ChannelCredentialsFor(tls_);
}

absl::Status Node::Serve(ServerOptions options, const Serving& serving) {
  auto credentials = ServerCredentialsFor(tls_);
  if (!credentials.ok()) return credentials.status();
  if (const std::string listen = absl::GetFlag(FLAGS_metrics_listen);
      !listen.empty()) {
    if (absl::Status s = metrics_.Serve(listen); !s.ok()) return s;
    spdlog::info("metrics on port {} (GET /metrics)", metrics_.port());
  }
  options.listen = absl::GetFlag(FLAGS_listen);
  if (options.listen.empty()) options.listen = spec_.default_listen;
  options.credentials = *credentials;
  if (!tls_.insecure) {
    options.auth_processor =
        std::make_shared<AccessGate>(serving.own_node_id, metrics_.registry());
  }
  // The undecodable-request interceptor first: the metrics interceptor then
  // counts the code it rewrote.
  options.interceptors.insert(
      options.interceptors.begin(),
      {NewUndecodableInterceptorFactory(metrics_.registry()),
       NewMetricsInterceptorFactory(metrics_.registry())});
  auto started = StartServer(options);
  if (!started.ok()) return started.status();
  server_ = std::move(started->server);
  port_ = started->port;
  if (tls_.insecure) {
    spdlog::warn(
        "serving gRPC on {} (port {}) over PLAINTEXT (--insecure): every "
        "caller is unidentified and may call everything. LOCAL DEVELOPMENT "
        "ONLY",
        options.listen, port_);
  } else {
    spdlog::info(
        "serving gRPC on {} (port {}) over mutual TLS: only clients with a "
        "certificate signed by {}, each method to the roles of the table "
        "(docs/OPERATIONS.md \"Roles\"):",
        options.listen, port_, tls_.ca_file);
  }
  std::vector<std::string> served = serving.services;
  served.push_back("grpc.health.v1.Health");
  served.push_back("grpc.reflection.v1alpha.ServerReflection");
  for (const AccessRule& rule : AccessTable()) {
    if (std::find(served.begin(), served.end(), rule.service) == served.end()) {
      continue;
    }
    spdlog::info("  {}{}{} to {}", rule.service, rule.method.empty() ? "" : "/",
                 rule.method,
                 tls_.insecure ? "anyone (--insecure)"
                               : DescribeAdmitted(rule, serving.own_node_id));
  }
  return absl::OkStatus();
}

void Node::WaitAndStop() {
  WaitForShutdownSignal();
  if (server_ == nullptr) return;
  const int grace_ms = absl::GetFlag(FLAGS_shutdown_grace_ms);
  StopServer(*server_, grace_ms > 0 ? absl::Milliseconds(grace_ms)
                                    : spec_.default_shutdown_grace);
}

}  // namespace reporting::services
