// CommandService: member evaluation (评议意见). Each command reads the
// member's unit stream (is the member registered, which branch and batch)
// and the member's evaluation stream for that batch (the main stream).
#include "services/county/command_handlers.h"
#include "services/county/member_command.h"
#include "services/domain/evaluation.h"

namespace reporting::county {
namespace {

using Loaded = MemberStream<domain::EvaluationState>;

template <typename Request, typename Decide>
void Run(const NodeEnv& env, const Request& request,
         const std::string& member_id, v1::CommandResult* result,
         CommandDone done, Decide decide) {
  RunMemberCommand<domain::EvaluationState>(
      env, request, member_id, result, std::move(done),
      [](const domain::RosterMember& m) {
        return domain::EvaluationStream(m.member_id,
                                        domain::BatchNumber(m.batch));
      },
      [](const std::vector<v1::EventEnvelope>& events) {
        return domain::FoldEvaluation(events);
      },
      decide);
}

}  // namespace

void CommandHandlers::RecordEvaluation(
    const v1::RecordEvaluationRequest* request, v1::CommandResult* result,
    CommandDone done) const {
  Run(env_, *request, request->body().member_id(), result, std::move(done),
      [&](const Loaded& l) {
        return domain::DecideRecordEvaluation(l.state, l.member,
                                              request->body());
      });
}

void CommandHandlers::ShowEvaluation(const v1::ShowEvaluationRequest* request,
                                     v1::CommandResult* result,
                                     CommandDone done) const {
  Run(env_, *request, request->body().member_id(), result, std::move(done),
      [&](const Loaded& l) {
        return domain::DecideShowEvaluation(l.state, request->body());
      });
}

void CommandHandlers::SignEvaluation(const v1::SignEvaluationRequest* request,
                                     v1::CommandResult* result,
                                     CommandDone done) const {
  Run(env_, *request, request->body().member_id(), result, std::move(done),
      [&](const Loaded& l) {
        return domain::DecideSignEvaluation(l.state, request->body());
      });
}

void CommandHandlers::DisputeEvaluation(
    const v1::DisputeEvaluationRequest* request, v1::CommandResult* result,
    CommandDone done) const {
  Run(env_, *request, request->body().member_id(), result, std::move(done),
      [&](const Loaded& l) {
        return domain::DecideDisputeEvaluation(l.state, request->body());
      });
}

void CommandHandlers::ReviseEvaluation(
    const v1::ReviseEvaluationRequest* request, v1::CommandResult* result,
    CommandDone done) const {
  Run(env_, *request, request->body().member_id(), result, std::move(done),
      [&](const Loaded& l) {
        return domain::DecideReviseEvaluation(l.state, request->body());
      });
}

void CommandHandlers::GiveEvaluationFeedback(
    const v1::GiveEvaluationFeedbackRequest* request, v1::CommandResult* result,
    CommandDone done) const {
  Run(env_, *request, request->body().member_id(), result, std::move(done),
      [&](const Loaded& l) {
        return domain::DecideGiveFeedback(l.state, request->body());
      });
}

void CommandHandlers::AssignTransformationMeasure(
    const v1::AssignTransformationMeasureRequest* request,
    v1::CommandResult* result, CommandDone done) const {
  Run(env_, *request, request->body().member_id(), result, std::move(done),
      [&](const Loaded& l) {
        return domain::DecideAssignMeasure(l.state, request->body());
      });
}

void CommandHandlers::CompleteTransformationMeasure(
    const v1::CompleteTransformationMeasureRequest* request,
    v1::CommandResult* result, CommandDone done) const {
  Run(env_, *request, request->body().member_id(), result, std::move(done),
      [&](const Loaded& l) {
        return domain::DecideCompleteMeasure(l.state, request->body());
      });
}

}  // namespace reporting::county
