// One start-up for both binaries (county-node, city-aggregator): the flags
// every node has, the transport-security policy, logging, metrics, the gRPC
// server, signals and graceful shutdown. A binary's main parses its own
// flags (ABSL_FLAG in its main.cc), builds its parts and wires them:
//
//   auto node = services::Node::Start(
//       {"county-node", "county-node --node_id=...", "127.0.0.1:7100",
//        absl::Seconds(10)}, argc, argv);     // first: signals, flags, logs
//   if (!node.ok()) return services::kStartFailed;
//   ... open storage, build services, (*node)->metrics() ...
//   if (!(*node)->Serve(server_options).ok()) return services::kStartFailed;
//   (*node)->WaitAndStop();                    // SIGTERM / SIGINT, drain
//   ... close storage; return 0 ...
//
// Flags owned here (node.cc), the same in both binaries:
//   --listen             host:port of the gRPC server (default per binary)
//   --tls_cert/_key/_ca  mutual TLS: this node's certificate and key, and
//                        the CA that signs every peer's certificate
//   --insecure           plaintext, no identities: LOCAL DEVELOPMENT ONLY
//   --log_level, --log_format, --metrics_listen, --shutdown_grace_ms
//   --config=FILE        a file of flags, one per line (absl's --flagfile)
//   --data_dir, --sync   the node's data directory and whether its logs
//                        sync before acknowledging (DataDirFromFlags)
//
// Transport policy (ARCHITECTURE.md decision 7): the three TLS flags, or
// --insecure, exactly one of the two; anything else refuses to start with a
// message naming the flags (tls.h CheckTlsConfig). Over TLS every call
// passes the one role table (roles.h) through the access gate
// (access_gate.h) before any handler runs; requests gRPC cannot decode are
// answered INVALID_ARGUMENT (undecodable_interceptor.h).
//
// Thread safety: Start, Serve and WaitAndStop are called from main's thread
// in that order; metrics() is thread-safe once returned.
#ifndef REPORTING_SERVICES_COMMON_NODE_H_
#define REPORTING_SERVICES_COMMON_NODE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "services/common/metrics.h"
#include "services/common/server.h"
#include "services/common/tls.h"

namespace reporting::services {

// The exit code of a binary that could not start (a usage or set-up error).
inline constexpr int kStartFailed = 2;

// What a server serves: the full names of its services
// ("reporting.v1.CommandService"; health and reflection are always added)
// and, on a county node, its node id (a clerk writes to its own node only).
struct Serving {
  std::vector<std::string> services;
  std::string own_node_id;
};

struct NodeSpec {
  std::string program;  // logger name and prefix of start-up messages
  std::string usage;    // the first line of --help
  std::string default_listen;
  absl::Duration default_shutdown_grace;
  // Sub-commands that work on local files and serve nothing ("restore",
  // "rebuild"): they need no transport flags.
  std::vector<std::string> offline_commands;
};

// The node's data on disk, from --data_dir and --sync.
struct DataDir {
  std::string path;  // the county's log, or the city's copies and models
  bool sync = true;  // sync the WAL before acknowledging a write
};

// --data_dir and --sync; INVALID_ARGUMENT "--data_dir is required" when
// --data_dir is empty. Read after Node::Start (which parses the flags).
absl::StatusOr<DataDir> DataDirFromFlags();

// A node started on a full disk says so and exits (docs/OPERATIONS.md
// "Full disks"): storage's reserve check (storage::CheckDiskReserve) on
// `data_dir`'s disk, refusing with "the node cannot start". Call after
// ApplyDiskReserveFlag (disk_health.h), before opening any database.
absl::Status CheckDiskAtStart(const std::string& data_dir);

class Node {
 public:
  // Blocks the shutdown signals (threads started later inherit the mask),
  // turns off absl's lock-order checks (tests keep them), parses the command
  // line, installs logging and checks the transport policy (unless the first
  // positional argument is one of spec.offline_commands). A refusal is
  // logged (critical) and returned.
  static absl::StatusOr<std::unique_ptr<Node>> Start(const NodeSpec& spec,
                                                     int argc, char** argv);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Positional arguments after the program name ("restore", "rebuild").
  const std::vector<std::string>& args() const { return args_; }
  const TlsConfig& tls() const { return tls_; }
  bool insecure() const { return tls_.insecure; }
  Metrics& metrics() { return metrics_; }

  // Credentials towards another node (the county's replicator to the city):
  // the same certificate and CA, or plaintext with --insecure.
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentials()
      const;

  // Serves metrics on --metrics_listen (when given), then the gRPC server
  // on --listen: `options` gives services and tuning; listen, credentials,
  // the access gate and the interceptors (undecodable requests, metrics)
  // are filled in here. Logs what is served, where, over which transport,
  // and to whom (the role table's rows for `serving.services`).
  absl::Status Serve(ServerOptions options, const Serving& serving);
  int port() const { return port_; }
  // The gRPC server once Serve returned OK (its health service), else null.
  grpc::Server* server() const { return server_.get(); }

  // Waits for SIGTERM or SIGINT, then stops the server: in-flight calls get
  // --shutdown_grace_ms to finish.
  void WaitAndStop();

  // Logs `status` as a start-up refusal and returns kStartFailed.
  static int Fail(const absl::Status& status);

 private:
  Node(NodeSpec spec, std::vector<std::string> args, TlsConfig tls);

  const NodeSpec spec_;
  const std::vector<std::string> args_;
  const TlsConfig tls_;
  Metrics metrics_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_NODE_H_
