// CommandHandlers: the node's commands (proto/reporting/v1/command.proto),
// one method per RPC, independent of gRPC's call machinery so that the
// service (command_service.h) and the clerk's batch import
// (clerk_service_import.cc) run the same code. Each method runs
// RunCommand (validation, idempotency, read set, commit; command_context.h):
// it checks ids, reads the streams it needs, asks the pure domain code in
// domain/ to decide, and emits the resulting events. The outcome goes to
// `done`, once the append is durable or the command is refused; `result`
// must stay valid until then.
//
// The methods are generated from the one list of commands (command_list.h)
// and implemented in one file per aggregate, named there beside each group.
//
// Thread safety: all methods may run concurrently; the class holds only
// constant state. Concurrent commands on the same streams are serialized by
// the log's optimistic concurrency (ABORTED for the loser).
#ifndef REPORTING_SERVICES_COUNTY_COMMAND_HANDLERS_H_
#define REPORTING_SERVICES_COUNTY_COMMAND_HANDLERS_H_

#include <utility>

#include "reporting/v1/command.pb.h"
#include "services/county/command_context.h"
#include "services/county/command_list.h"

namespace reporting::county {

class CommandHandlers {
 public:
  // `env.log` must outlive the handlers.
  explicit CommandHandlers(NodeEnv env) : env_(std::move(env)) {}

  // One method per command of command_list.h, defined in the
  // command_service_<aggregate>.cc the list names beside its group:
  //   void Method(const v1::MethodRequest* request,
  //               v1::CommandResult* result, CommandDone done) const;
#define REPORTING_DECLARE_HANDLER(Method)                                    \
  void Method(const v1::Method##Request* request, v1::CommandResult* result, \
              CommandDone done) const;
  REPORTING_COMMANDS(REPORTING_DECLARE_HANDLER)
#undef REPORTING_DECLARE_HANDLER

 private:
  const NodeEnv env_;
};

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_COMMAND_HANDLERS_H_
