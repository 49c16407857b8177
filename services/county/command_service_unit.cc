// CommandService: the stage transition (转段, six steps) and the stage work
// summary (工作总结). Rules: domain/unit.h.
//
// Every command reads the unit's stream as its main stream. The transition
// commands that the analysis-and-evaluation gate applies to (all but
// RecordSelfInspectionCheck) also read every registered member's evaluation
// stream while the unit is in that stage, so a concurrent change to an
// opinion makes the command ABORTED rather than decided on stale facts.
#include "services/county/command_handlers.h"
#include "services/county/node_today.h"
#include "services/domain/ids.h"
#include "services/domain/unit.h"
#include "services/domain/unit_loader.h"
#include "storage/status_macros.h"

namespace reporting::county {
namespace {

// Runs one unit command: checks the unit id, loads the unit (and its
// members' evaluations when `with_evaluations`), asks `decide` for the
// event and emits it on the unit's stream.
template <typename Request, typename Decide>
void RunUnitCommand(const NodeEnv& env, const Request& request,
                    v1::CommandResult* result, CommandDone done,
                    bool with_evaluations, Decide decide) {
  RunCommand(env, request, result, std::move(done), [&](CommandContext& ctx) {
    ASSIGN_OR_RETURN(std::string unit_id,
                     domain::CheckId(domain::IdKind::kUnit, "unit_id",
                                     request.body().unit_id(), ctx.node_id()));
    ASSIGN_OR_RETURN(domain::LoadedUnit unit,
                     domain::LoadUnit(
                         unit_id, with_evaluations,
                         [&](absl::string_view id) { return ctx.ReadMain(id); },
                         [&](absl::string_view id) { return ctx.Read(id); }));
    ASSIGN_OR_RETURN(auto event, decide(ctx, unit));
    ctx.Emit(unit.stream_id, event);
    return absl::OkStatus();
  });
}

}  // namespace

void CommandHandlers::RecordSelfInspectionCheck(
    const v1::RecordSelfInspectionCheckRequest* request,
    v1::CommandResult* result, CommandDone done) const {
  RunUnitCommand(env_, *request, result, std::move(done),
                 /*with_evaluations=*/false,
                 [&](CommandContext&, const domain::LoadedUnit& unit) {
                   return domain::DecideRecordSelfInspectionCheck(
                       unit.state, request->body());
                 });
}

void CommandHandlers::CompleteSelfInspection(
    const v1::CompleteSelfInspectionRequest* request, v1::CommandResult* result,
    CommandDone done) const {
  RunUnitCommand(env_, *request, result, std::move(done),
                 /*with_evaluations=*/true,
                 [&](CommandContext&, const domain::LoadedUnit& unit) {
                   return domain::DecideCompleteSelfInspection(
                       unit.state, unit.evaluations, request->body());
                 });
}

void CommandHandlers::RecordSurvey(const v1::RecordSurveyRequest* request,
                                   v1::CommandResult* result,
                                   CommandDone done) const {
  RunUnitCommand(env_, *request, result, std::move(done),
                 /*with_evaluations=*/true,
                 [&](CommandContext&, const domain::LoadedUnit& unit) {
                   return domain::DecideRecordSurvey(
                       unit.state, unit.evaluations, request->body());
                 });
}

void CommandHandlers::RecordRemediation(
    const v1::RecordRemediationRequest* request, v1::CommandResult* result,
    CommandDone done) const {
  RunUnitCommand(env_, *request, result, std::move(done),
                 /*with_evaluations=*/true,
                 [&](CommandContext&, const domain::LoadedUnit& unit) {
                   return domain::DecideRecordRemediation(
                       unit.state, unit.evaluations, request->body());
                 });
}

void CommandHandlers::SubmitTransitionReport(
    const v1::SubmitTransitionReportRequest* request, v1::CommandResult* result,
    CommandDone done) const {
  RunUnitCommand(env_, *request, result, std::move(done),
                 /*with_evaluations=*/true,
                 [&](CommandContext&, const domain::LoadedUnit& unit) {
                   return domain::DecideSubmitTransitionReport(
                       unit.state, unit.evaluations, request->body());
                 });
}

void CommandHandlers::RecordSupervisoryReview(
    const v1::RecordSupervisoryReviewRequest* request,
    v1::CommandResult* result, CommandDone done) const {
  RunUnitCommand(env_, *request, result, std::move(done),
                 /*with_evaluations=*/true,
                 [&](CommandContext&, const domain::LoadedUnit& unit) {
                   return domain::DecideRecordSupervisoryReview(
                       unit.state, unit.evaluations, request->body());
                 });
}

void CommandHandlers::RecordApproval(const v1::RecordApprovalRequest* request,
                                     v1::CommandResult* result,
                                     CommandDone done) const {
  RunUnitCommand(env_, *request, result, std::move(done),
                 /*with_evaluations=*/true,
                 [&](CommandContext&, const domain::LoadedUnit& unit) {
                   return domain::DecideRecordApproval(
                       unit.state, unit.evaluations, request->body());
                 });
}

void CommandHandlers::HoldTransitionMeeting(
    const v1::HoldTransitionMeetingRequest* request, v1::CommandResult* result,
    CommandDone done) const {
  RunUnitCommand(env_, *request, result, std::move(done),
                 /*with_evaluations=*/true,
                 [&](CommandContext& ctx, const domain::LoadedUnit& unit) {
                   return domain::DecideHoldTransitionMeeting(
                       unit.state, unit.evaluations, request->body(),
                       NodeToday(ctx.env()));
                 });
}

void CommandHandlers::FileWorkSummary(const v1::FileWorkSummaryRequest* request,
                                      v1::CommandResult* result,
                                      CommandDone done) const {
  RunUnitCommand(env_, *request, result, std::move(done),
                 /*with_evaluations=*/false,
                 [&](CommandContext&, const domain::LoadedUnit& unit) {
                   return domain::DecideFileWorkSummary(unit.state,
                                                        request->body());
                 });
}

}  // namespace reporting::county
