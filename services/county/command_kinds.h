// CommandKinds: every CommandService command, listed once: its RPC name,
// its request message type and how to run it on CommandHandlers. The
// command stream (command_stream.h) finds a command by the request type in
// a CommandStreamRequest (command_stream.proto), the clerk's batch import
// (clerk_service_import.cc) by the method name of an ImportCommand; both
// then run the same handler as the unary RPC. command_kinds_test checks
// the list against the protos: one kind per RPC of CommandService, and
// one per field of CommandStreamRequest's oneof.
//
// Thread safety: the list is built once and immutable.
#ifndef REPORTING_SERVICES_COUNTY_COMMAND_KINDS_H_
#define REPORTING_SERVICES_COUNTY_COMMAND_KINDS_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "reporting/v1/command.pb.h"
#include "services/county/command_context.h"
#include "services/county/command_handlers.h"

namespace reporting::county {

struct CommandKind {
  const char* method;  // the RPC's name, e.g. "RecordEvaluation"
  // Its request message, e.g. reporting.v1.RecordEvaluationRequest.
  const google::protobuf::Descriptor* request_type;
  // Runs the RPC's handler (command_handlers.h) on `request`, which must
  // be a `request_type` and, like `result`, stay valid until `done`.
  void (*run)(const CommandHandlers& handlers,
              const google::protobuf::Message& request,
              v1::CommandResult* result, CommandDone done);
};

// Every command, in command.proto's order.
const std::vector<CommandKind>& CommandKinds();

// The kind of the RPC named `method`, or of request messages of type
// `request_type`; nullptr when there is none.
const CommandKind* FindCommandKind(absl::string_view method);
const CommandKind* FindCommandKind(
    const google::protobuf::Descriptor* request_type);

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_COMMAND_KINDS_H_
