#include "services/county/command_kinds.h"

#include <utility>

#include "services/county/command_list.h"

namespace reporting::county {
namespace {

#define REPORTING_COMMAND_KIND(Method)                                         \
  CommandKind{#Method, v1::Method##Request::descriptor(),                      \
              [](const CommandHandlers& handlers,                              \
                 const google::protobuf::Message& request,                     \
                 v1::CommandResult* result, CommandDone done) {                \
                handlers.Method(                                               \
                    static_cast<const v1::Method##Request*>(&request), result, \
                    std::move(done));                                          \
              }},

}  // namespace

const std::vector<CommandKind>& CommandKinds() {
  static const auto* kinds =
      new std::vector<CommandKind>{REPORTING_COMMANDS(REPORTING_COMMAND_KIND)};
  return *kinds;
}

#undef REPORTING_COMMAND_KIND

const CommandKind* FindCommandKind(absl::string_view method) {
  for (const CommandKind& kind : CommandKinds()) {
    if (method == kind.method) return &kind;
  }
  return nullptr;
}

const CommandKind* FindCommandKind(
    const google::protobuf::Descriptor* request_type) {
  for (const CommandKind& kind : CommandKinds()) {
    if (kind.request_type == request_type) return &kind;
  }
  return nullptr;
}

}  // namespace reporting::county
