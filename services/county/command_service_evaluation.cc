// CommandService: member evaluation (评议意见). Each command reads the
// member's unit stream (is the member registered, which branch and batch)
// and the member's evaluation stream for that batch (the main stream).
#include "services/county/command_service.h"
#include "services/county/domain/evaluation.h"
#include "services/county/member_command.h"

namespace reporting::county {
namespace {

using Loaded = MemberStream<EvaluationState>;

template <typename Decide>
grpc::Status Run(const NodeEnv& env, const v1::CommandMeta& meta,
                 const std::string& member_id, v1::CommandResult* result,
                 Decide decide) {
  return RunMemberCommand<EvaluationState>(
      env, meta, member_id, result,
      [](const RosterMember& m) {
        return EvaluationStream(m.member_id, BatchNumber(m.batch));
      },
      [](const std::vector<v1::EventEnvelope>& events) {
        return FoldEvaluation(events);
      },
      decide);
}

}  // namespace

grpc::Status CommandServiceImpl::RecordEvaluation(
    grpc::ServerContext*, const v1::RecordEvaluationRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body().member_id(), result,
             [&](const Loaded& l) {
               return DecideRecordEvaluation(l.state, l.member,
                                             request->body());
             });
}

grpc::Status CommandServiceImpl::ShowEvaluation(
    grpc::ServerContext*, const v1::ShowEvaluationRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body().member_id(), result,
             [&](const Loaded& l) {
               return DecideShowEvaluation(l.state, request->body());
             });
}

grpc::Status CommandServiceImpl::SignEvaluation(
    grpc::ServerContext*, const v1::SignEvaluationRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body().member_id(), result,
             [&](const Loaded& l) {
               return DecideSignEvaluation(l.state, request->body());
             });
}

grpc::Status CommandServiceImpl::DisputeEvaluation(
    grpc::ServerContext*, const v1::DisputeEvaluationRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body().member_id(), result,
             [&](const Loaded& l) {
               return DecideDisputeEvaluation(l.state, request->body());
             });
}

grpc::Status CommandServiceImpl::ReviseEvaluation(
    grpc::ServerContext*, const v1::ReviseEvaluationRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body().member_id(), result,
             [&](const Loaded& l) {
               return DecideReviseEvaluation(l.state, request->body());
             });
}

grpc::Status CommandServiceImpl::GiveEvaluationFeedback(
    grpc::ServerContext*, const v1::GiveEvaluationFeedbackRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body().member_id(), result,
             [&](const Loaded& l) {
               return DecideGiveFeedback(l.state, request->body());
             });
}

grpc::Status CommandServiceImpl::AssignTransformationMeasure(
    grpc::ServerContext*, const v1::AssignTransformationMeasureRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body().member_id(), result,
             [&](const Loaded& l) {
               return DecideAssignMeasure(l.state, request->body());
             });
}

grpc::Status CommandServiceImpl::CompleteTransformationMeasure(
    grpc::ServerContext*,
    const v1::CompleteTransformationMeasureRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body().member_id(), result,
             [&](const Loaded& l) {
               return DecideCompleteMeasure(l.state, request->body());
             });
}

}  // namespace reporting::county
