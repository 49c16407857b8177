#include "services/common/server.h"

#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "spdlog/spdlog.h"

namespace reporting::services {
namespace {

// ServerBuilder takes interceptor factories by unique_ptr; this one forwards
// to a shared factory, so ServerOptions stays copyable.
class SharedInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit SharedInterceptorFactory(
      std::shared_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
          factory)
      : factory_(std::move(factory)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return factory_->CreateServerInterceptor(info);
  }

 private:
  const std::shared_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
      factory_;
};

sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockShutdownSignals() {
  sigset_t set = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownSignal() {
  sigset_t set = ShutdownSignals();
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGHUP) {
      spdlog::warn("SIGHUP ignored: configuration reload is not supported");
      continue;
    }
    spdlog::info("received {}, shutting down",
                 sig == SIGTERM ? "SIGTERM" : "SIGINT");
    return sig;
  }
}

absl::StatusOr<StartedServer> StartServer(const ServerOptions& options) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  StartedServer started;
  if (options.credentials != nullptr && options.auth_processor != nullptr) {
    options.credentials->SetAuthMetadataProcessor(options.auth_processor);
  }
  builder.AddListeningPort(options.listen,
                           options.credentials != nullptr
                               ? options.credentials
                               : grpc::InsecureServerCredentials(),
                           &started.port);
  if (options.max_receive_message_bytes > 0) {
    builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  }
  for (const auto& [name, value] : options.int_args) {
    builder.AddChannelArgument(name, value);
  }
  if (options.min_pollers > 0) {
    builder.SetSyncServerOption(
        grpc::ServerBuilder::SyncServerOption::MIN_POLLERS,
        options.min_pollers);
  }
  if (options.max_pollers > 0) {
    builder.SetSyncServerOption(
        grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
        options.max_pollers);
  }
  // No SO_REUSEPORT: a second server on a busy port must fail loudly, not
  // silently share the port's traffic with the first.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  if (!options.interceptors.empty()) {
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        creators;
    for (const auto& factory : options.interceptors) {
      creators.push_back(std::make_unique<SharedInterceptorFactory>(factory));
    }
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  for (grpc::Service* service : options.services) {
    builder.RegisterService(service);
  }
  started.server = builder.BuildAndStart();
  if (started.server == nullptr || started.port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen,
                     ": address in use or not a valid host:port"));
  }
  // The overall status ("") is SERVING by default; the default service
  // reports the per-service status of every registered name only once set.
  grpc::HealthCheckServiceInterface* health =
      started.server->GetHealthCheckService();
  if (health != nullptr) health->SetServingStatus(true);
  return started;
}

void StopServer(grpc::Server& server, absl::Duration grace) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  // Tell load balancers and probes first, then drain.
  if (health != nullptr) health->Shutdown();
  server.Shutdown(std::chrono::system_clock::now() +
                  absl::ToChronoMilliseconds(grace));
  server.Wait();
}

}  // namespace reporting::services
