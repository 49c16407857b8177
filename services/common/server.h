// Server start-up shared by the binaries: a gRPC server with the health
// service and server reflection on (so generic clients such as grpcurl and
// grpc_health_probe work), and a graceful stop on SIGTERM / SIGINT.
//
// Usage in main (order matters):
//   services::BlockShutdownSignals();          // before any thread starts
//   ... open storage, build services ...
//   auto server = services::StartServer(listen, {&commands, &clerk});
//   services::WaitForShutdownSignal();         // blocks until TERM / INT
//   services::StopServer(*server, absl::Seconds(10));
//
// Signals are taken synchronously with sigwait(): they are blocked in every
// thread (threads inherit the mask of the thread that created them), so no
// handler runs at an arbitrary point; the waiting thread receives them as
// ordinary return values. Nothing async-signal-unsafe can happen.
#ifndef REPORTING_SERVICES_COMMON_SERVER_H_
#define REPORTING_SERVICES_COMMON_SERVER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "grpcpp/security/auth_metadata_processor.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/support/server_interceptor.h"

namespace reporting::services {

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread and, through
// inheritance, in every thread it starts afterwards. Call first in main.
void BlockShutdownSignals();

// Waits for SIGTERM or SIGINT (SIGHUP is swallowed and logged: reload is not
// supported) and returns the signal number.
int WaitForShutdownSignal();

struct ServerOptions {
  // "host:port"; port 0 picks a free port (see StartedServer::port).
  std::string listen = "127.0.0.1:0";
  // Services to register; not owned, must outlive the server.
  std::vector<grpc::Service*> services;
  // Transport security (services/common/tls.h); null means plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Checks each call's peer before any handler runs (TLS credentials only).
  std::shared_ptr<grpc::AuthMetadataProcessor> auth_processor;
  // Largest request message accepted (gRPC's default is 4 MiB); a service
  // that refuses large messages with its own message sets this above its
  // limit. 0 keeps the default.
  int max_receive_message_bytes = 0;
  // Extra integer channel arguments, e.g. keepalive policy
  // (GRPC_ARG_KEEPALIVE_TIME_MS, GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_...).
  std::vector<std::pair<std::string, int>> int_args;
  // Threads of the synchronous server kept waiting for calls. gRPC's
  // default (1..2) lets a thread that finished a call exit whenever two
  // others are polling, so handlers that block (a command waiting for its
  // fsync) make the server create and destroy a thread per call. Keeping up
  // to max_pollers threads alive lets many blocked handlers overlap, which
  // is what group commit needs. 0 keeps gRPC's default.
  int min_pollers = 0;
  int max_pollers = 0;
  // Server interceptors, run on every call in this order (e.g. metrics,
  // services/common/metrics_interceptor.h). Shared: the server keeps them.
  std::vector<
      std::shared_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
};

struct StartedServer {
  std::unique_ptr<grpc::Server> server;
  int port = 0;  // the bound port
};

// Builds and starts the server with health checking (every service reported
// SERVING) and reflection. UNAVAILABLE when the address cannot be bound.
absl::StatusOr<StartedServer> StartServer(const ServerOptions& options);

// Marks the server NOT_SERVING, stops accepting calls, lets in-flight calls
// finish for up to `grace` (then cancels them), and waits for the server's
// threads.
void StopServer(grpc::Server& server, absl::Duration grace);

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_SERVER_H_
