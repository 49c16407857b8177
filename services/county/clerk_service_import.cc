// ClerkService: ImportBatch, a clerk's bulk import applied all or nothing.
//
// The batch's commands run, in order, through the ordinary CommandService
// handlers over a StagedLog (staged_log.h): each is checked by the same
// rules as a single command and sees what the commands before it staged.
// Only when every command is accepted are the staged events appended, in
// ONE append of the node's log under the batch id (so a batch id seen
// before appends nothing). A refused command writes no event; the others
// are still checked so the clerk sees every bad row at once. The batch's
// answer is final like a command's (command_context.h): a refusal made of
// final refusals only is recorded under the batch id with the request's
// digest (request_digest.h), and a resend of the batch gets it again.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/grpc_status.h"
#include "services/county/clerk_service.h"
#include "services/county/command_handlers.h"
#include "services/county/command_kinds.h"
#include "services/county/request_digest.h"
#include "services/county/request_form.h"
#include "services/county/staged_log.h"

namespace reporting::county {
namespace {

// Refusals listed in one status message at most.
constexpr size_t kMaxListedRefusals = 50;

// Runs one row: its request parsed as the method's request type, through
// the same handler as the unary RPC (command_kinds.h), and waits for it.
grpc::Status RunRow(const CommandHandlers& handlers,
                    const v1::ImportCommand& command,
                    v1::CommandResult* result) {
  const CommandKind* kind = FindCommandKind(command.method());
  if (kind == nullptr) {
    return grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        absl::StrCat("no CommandService method \"", command.method(), "\""));
  }
  std::unique_ptr<google::protobuf::Message> request(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(kind->request_type)
          ->New());
  if (!request->ParseFromString(command.request())) {
    return grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        absl::StrCat("request does not parse as ", kind->request_type->name()));
  }
  return AwaitCommand([&](CommandDone done) {
    kind->run(handlers, *request, result, std::move(done));
  });
}

}  // namespace

namespace {

// The batch's refusal, or its append's outcome (the batch's commands run
// over a StagedLog, then land in one append). `final`: whether a refusal
// is final (every command's refusal is; IsFinalRefusal).
absl::StatusOr<storage::AppendResult> RunBatch(
    const NodeEnv& env, const v1::ImportBatchRequest& request,
    const std::string& digest, bool* final) {
  *final = true;
  if (request.commands().empty()) {
    return absl::InvalidArgumentError("import batch: no commands");
  }
  const int64_t now_us = env.now_us();
  StagedLog staged(env.log, env.node_id, now_us);
  NodeEnv staged_env = env;
  staged_env.log = &staged;
  const CommandHandlers commands(staged_env);
  std::vector<std::string> refusals;
  grpc::StatusCode first_code = grpc::StatusCode::OK;
  for (const v1::ImportCommand& command : request.commands()) {
    v1::CommandResult ignored;
    const grpc::Status status = RunRow(commands, command, &ignored);
    if (status.ok()) continue;
    if (first_code == grpc::StatusCode::OK) first_code = status.error_code();
    *final =
        *final && IsFinalRefusal(services::FromGrpcCode(status.error_code()));
    refusals.push_back(
        absl::StrCat(command.label(), ": ", status.error_message()));
    // An overflow of the one append ends the batch: nothing later fits.
    if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) break;
  }
  if (!refusals.empty()) {
    const size_t total = refusals.size();
    if (total > kMaxListedRefusals) {
      refusals.resize(kMaxListedRefusals);
      refusals.push_back(
          absl::StrCat("... and ", total - kMaxListedRefusals, " more"));
    }
    return absl::Status(
        services::FromGrpcCode(first_code),
        absl::StrCat("import batch ", request.batch_id(), ": ", total, " of ",
                     request.commands_size(),
                     " commands refused; nothing was recorded\n",
                     absl::StrJoin(refusals, "\n")));
  }
  if (env.clock_watch != nullptr) env.clock_watch->Observe(now_us);
  absl::StatusOr<storage::AppendResult> appended =
      staged.Commit(request.batch_id(), request.actor(), digest);
  *final = !appended.ok() && IsFinalRefusal(appended.status().code());
  return appended;
}

}  // namespace

grpc::Status ClerkServiceImpl::ImportBatch(
    grpc::ServerContext*, const v1::ImportBatchRequest* request,
    v1::ImportBatchResponse* response) {
  v1::CommandMeta batch_meta;
  batch_meta.set_command_id(request->batch_id());
  batch_meta.set_actor(request->actor());
  absl::Status form = ValidateMeta(batch_meta);
  // The rows' own requests are checked as commands (request_form.h).
  if (form.ok()) form = RefuseUnknownFields(*request);
  if (absl::Status s = form; !s.ok()) {
    return services::ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("import batch: ", s.message())));
  }
  const std::string digest = ImportDigest(*request);
  // The first answer to a batch id is final, as for a command: its result
  // (duplicate), or its recorded refusal; a different batch under the same
  // id is ALREADY_EXISTS.
  absl::StatusOr<storage::AppendResult> answer;
  absl::StatusOr<storage::CommandRecord> earlier =
      env_.log->FindCommand(request->batch_id());
  if (earlier.ok()) {
    answer = storage::AnswerRepeat(*earlier, request->batch_id(), digest);
  } else if (earlier.status().code() != absl::StatusCode::kNotFound) {
    return services::ToGrpcStatus(earlier.status());
  } else {
    bool final = false;
    answer = RunBatch(env_, *request, digest, &final);
    if (final) {
      // Recorded under the batch id and answered once durable (or the
      // first answer, if the batch id was answered meanwhile).
      storage::AppendRequest refusal;
      refusal.command_id = request->batch_id();
      refusal.actor = request->actor();
      refusal.request_digest = digest;
      refusal.refusal = answer.status();
      answer = env_.log->Append(refusal);
    }
  }
  if (!answer.ok()) return services::ToGrpcStatus(answer.status());
  ToCommandResult(*answer, response->mutable_result());
  response->set_commands(request->commands_size());
  return grpc::Status::OK;
}

}  // namespace reporting::county
