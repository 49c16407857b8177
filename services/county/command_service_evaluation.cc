// CommandService: member evaluation (评议意见). Each command reads the
// member's unit stream (is the member registered, which branch and batch)
// and the member's evaluation stream for that batch (the main stream).
#include "absl/strings/str_cat.h"
#include "services/county/command_service.h"
#include "services/county/domain/evaluation.h"
#include "services/county/domain/registration.h"
#include "services/county/ids.h"
#include "storage/status_macros.h"

namespace reporting::county {
namespace {

struct Loaded {
  RosterMember member;
  Stream stream;
  EvaluationState state;
};

absl::StatusOr<Loaded> Load(CommandContext& ctx, const std::string& member_id) {
  ASSIGN_OR_RETURN(std::string unit_id,
                   CheckId(IdKind::kMember, "member_id", member_id,
                           ctx.node_id()));
  ASSIGN_OR_RETURN(Stream unit, ctx.Read(UnitStream(unit_id)));
  ASSIGN_OR_RETURN(Roster roster, FoldRoster(unit.events));
  Loaded loaded;
  ASSIGN_OR_RETURN(loaded.member, RequireMember(roster, unit_id, member_id));
  ASSIGN_OR_RETURN(loaded.stream,
                   ctx.ReadMain(EvaluationStream(
                       member_id, BatchNumber(loaded.member.batch))));
  ASSIGN_OR_RETURN(loaded.state, FoldEvaluation(loaded.stream.events));
  return loaded;
}

// The common shape: load, decide, emit onto the evaluation stream.
template <typename Body, typename Decide>
grpc::Status Run(const NodeEnv& env, const v1::CommandMeta& meta,
                 const Body& body, v1::CommandResult* result, Decide decide) {
  return RunCommand(env, meta, result, [&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(Loaded loaded, Load(ctx, body.member_id()));
    ASSIGN_OR_RETURN(auto event, decide(loaded));
    ctx.Emit(loaded.stream.id, event);
    return absl::OkStatus();
  });
}

}  // namespace

grpc::Status CommandServiceImpl::RecordEvaluation(
    grpc::ServerContext*, const v1::RecordEvaluationRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body(), result,
             [&](const Loaded& l) {
               return DecideRecordEvaluation(l.state, l.member, request->body());
             });
}

grpc::Status CommandServiceImpl::ShowEvaluation(
    grpc::ServerContext*, const v1::ShowEvaluationRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body(), result,
             [&](const Loaded& l) {
               return DecideShowEvaluation(l.state, request->body());
             });
}

grpc::Status CommandServiceImpl::SignEvaluation(
    grpc::ServerContext*, const v1::SignEvaluationRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body(), result,
             [&](const Loaded& l) {
               return DecideSignEvaluation(l.state, request->body());
             });
}

grpc::Status CommandServiceImpl::DisputeEvaluation(
    grpc::ServerContext*, const v1::DisputeEvaluationRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body(), result,
             [&](const Loaded& l) {
               return DecideDisputeEvaluation(l.state, request->body());
             });
}

grpc::Status CommandServiceImpl::ReviseEvaluation(
    grpc::ServerContext*, const v1::ReviseEvaluationRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body(), result,
             [&](const Loaded& l) {
               return DecideReviseEvaluation(l.state, request->body());
             });
}

grpc::Status CommandServiceImpl::GiveEvaluationFeedback(
    grpc::ServerContext*, const v1::GiveEvaluationFeedbackRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body(), result,
             [&](const Loaded& l) {
               return DecideGiveFeedback(l.state, request->body());
             });
}

grpc::Status CommandServiceImpl::AssignTransformationMeasure(
    grpc::ServerContext*, const v1::AssignTransformationMeasureRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body(), result,
             [&](const Loaded& l) {
               return DecideAssignMeasure(l.state, request->body());
             });
}

grpc::Status CommandServiceImpl::CompleteTransformationMeasure(
    grpc::ServerContext*,
    const v1::CompleteTransformationMeasureRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body(), result,
             [&](const Loaded& l) {
               return DecideCompleteMeasure(l.state, request->body());
             });
}

}  // namespace reporting::county
