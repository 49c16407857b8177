// CommandServiceImpl: the node's gRPC CommandService, on gRPC's callback
// API. Every RPC hands its request to CommandHandlers (command_handlers.h)
// and finishes the call from the handler's `done`: a command that waits for
// its fsync parks no thread (the log answers it from the thread that wrote
// its group), so many concurrent commands share one sync without one
// blocked server thread each.
//
// Thread safety: all RPCs may run concurrently (see CommandHandlers).
#ifndef REPORTING_SERVICES_COUNTY_COMMAND_SERVICE_H_
#define REPORTING_SERVICES_COUNTY_COMMAND_SERVICE_H_

#include <utility>

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"
#include "reporting/v1/command.grpc.pb.h"
#include "services/county/command_handlers.h"
#include "services/county/command_list.h"

namespace reporting::county {

// Synchronous-server threads for a node (services::ServerOptions), for its
// synchronous services (clerk reads and imports, health): gRPC's default
// of 1..2 pollers creates and destroys a thread per blocked call. Measured
// in docs/PERFORMANCE.md.
inline constexpr int kServerMinPollers = 8;
inline constexpr int kServerMaxPollers = 256;

class CommandServiceImpl final : public v1::CommandService::CallbackService {
 public:
  // `env.log` must outlive the service.
  explicit CommandServiceImpl(NodeEnv env) : handlers_(std::move(env)) {}

  const CommandHandlers& handlers() const { return handlers_; }

  // One RPC per command of command_list.h, each handed to its handler.
#define REPORTING_FORWARD_RPC(Method)                                    \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* context, \
                                   const v1::Method##Request* request,   \
                                   v1::CommandResult* result) override { \
    return Answer(context, &CommandHandlers::Method, request, result);   \
  }
  REPORTING_COMMANDS(REPORTING_FORWARD_RPC)
#undef REPORTING_FORWARD_RPC

 private:
  template <typename Request>
  using Handler = void (CommandHandlers::*)(const Request*, v1::CommandResult*,
                                            CommandDone) const;

  // Runs the handler; the call finishes when its `done` is called.
  template <typename Request>
  grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* context,
                                   Handler<Request> handler,
                                   const Request* request,
                                   v1::CommandResult* result) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    (handlers_.*handler)(request, result, [reactor](grpc::Status status) {
      reactor->Finish(std::move(status));
    });
    return reactor;
  }

  const CommandHandlers handlers_;
};

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_COMMAND_SERVICE_H_
