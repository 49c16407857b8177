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
// The methods are implemented in one file per aggregate, named beside each
// group below.
//
// Thread safety: all methods may run concurrently; the class holds only
// constant state. Concurrent commands on the same streams are serialized by
// the log's optimistic concurrency (ABORTED for the loser).
#ifndef REPORTING_SERVICES_COUNTY_COMMAND_HANDLERS_H_
#define REPORTING_SERVICES_COUNTY_COMMAND_HANDLERS_H_

#include <utility>

#include "reporting/v1/command.pb.h"
#include "services/county/command_context.h"

namespace reporting::county {

class CommandHandlers {
 public:
  // `env.log` must outlive the handlers.
  explicit CommandHandlers(NodeEnv env) : env_(std::move(env)) {}

  // --- Registration: command_service_registration.cc
  void RegisterNode(const v1::RegisterNodeRequest* request,
                    v1::CommandResult* result, CommandDone done) const;
  void RegisterUnit(const v1::RegisterUnitRequest* request,
                    v1::CommandResult* result, CommandDone done) const;
  void RegisterBranch(const v1::RegisterBranchRequest* request,
                      v1::CommandResult* result, CommandDone done) const;
  void RegisterMember(const v1::RegisterMemberRequest* request,
                      v1::CommandResult* result, CommandDone done) const;
  // --- Member evaluation (评议意见): one per member per batch:
  // command_service_evaluation.cc
  void RecordEvaluation(const v1::RecordEvaluationRequest* request,
                        v1::CommandResult* result, CommandDone done) const;
  void ShowEvaluation(const v1::ShowEvaluationRequest* request,
                      v1::CommandResult* result, CommandDone done) const;
  void SignEvaluation(const v1::SignEvaluationRequest* request,
                      v1::CommandResult* result, CommandDone done) const;
  void DisputeEvaluation(const v1::DisputeEvaluationRequest* request,
                         v1::CommandResult* result, CommandDone done) const;
  void ReviseEvaluation(const v1::ReviseEvaluationRequest* request,
                        v1::CommandResult* result, CommandDone done) const;
  void GiveEvaluationFeedback(const v1::GiveEvaluationFeedbackRequest* request,
                              v1::CommandResult* result,
                              CommandDone done) const;
  void AssignTransformationMeasure(
      const v1::AssignTransformationMeasureRequest* request,
      v1::CommandResult* result, CommandDone done) const;
  void CompleteTransformationMeasure(
      const v1::CompleteTransformationMeasureRequest* request,
      v1::CommandResult* result, CommandDone done) const;
  // --- Party-spirit analysis material (党性分析材料): one per member:
  // command_service_material.cc
  void SubmitMaterial(const v1::SubmitMaterialRequest* request,
                      v1::CommandResult* result, CommandDone done) const;
  void ReturnMaterial(const v1::ReturnMaterialRequest* request,
                      v1::CommandResult* result, CommandDone done) const;
  void AcceptMaterial(const v1::AcceptMaterialRequest* request,
                      v1::CommandResult* result, CommandDone done) const;
  // --- Special meetings (专题民主生活会 / 专题组织生活会):
  // command_service_meeting.cc
  void HoldSpecialMeeting(const v1::HoldSpecialMeetingRequest* request,
                          v1::CommandResult* result, CommandDone done) const;
  void CirculateMeetingResults(
      const v1::CirculateMeetingResultsRequest* request,
      v1::CommandResult* result, CommandDone done) const;
  // --- Stage transition (转段): six steps, strictly in order:
  // command_service_unit.cc
  void RecordSelfInspectionCheck(
      const v1::RecordSelfInspectionCheckRequest* request,
      v1::CommandResult* result, CommandDone done) const;
  void CompleteSelfInspection(const v1::CompleteSelfInspectionRequest* request,
                              v1::CommandResult* result,
                              CommandDone done) const;
  void RecordSurvey(const v1::RecordSurveyRequest* request,
                    v1::CommandResult* result, CommandDone done) const;
  void RecordRemediation(const v1::RecordRemediationRequest* request,
                         v1::CommandResult* result, CommandDone done) const;
  void SubmitTransitionReport(const v1::SubmitTransitionReportRequest* request,
                              v1::CommandResult* result,
                              CommandDone done) const;
  void RecordSupervisoryReview(
      const v1::RecordSupervisoryReviewRequest* request,
      v1::CommandResult* result, CommandDone done) const;
  void RecordApproval(const v1::RecordApprovalRequest* request,
                      v1::CommandResult* result, CommandDone done) const;
  void HoldTransitionMeeting(const v1::HoldTransitionMeetingRequest* request,
                             v1::CommandResult* result, CommandDone done) const;
  // --- Stage work summary (工作总结): command_service_unit.cc
  void FileWorkSummary(const v1::FileWorkSummaryRequest* request,
                       v1::CommandResult* result, CommandDone done) const;
  // --- Rectification (整改): one item per problem:
  // command_service_rectification.cc
  void IdentifyRectification(const v1::IdentifyRectificationRequest* request,
                             v1::CommandResult* result, CommandDone done) const;
  void PlanRectification(const v1::PlanRectificationRequest* request,
                         v1::CommandResult* result, CommandDone done) const;
  void ReportRectificationProgress(
      const v1::ReportRectificationProgressRequest* request,
      v1::CommandResult* result, CommandDone done) const;
  void CompleteRectification(const v1::CompleteRectificationRequest* request,
                             v1::CommandResult* result, CommandDone done) const;
  void PublishRectificationExplanation(
      const v1::PublishRectificationExplanationRequest* request,
      v1::CommandResult* result, CommandDone done) const;
  // --- Organisation census (排查摸底) for the next batch:
  // command_service_census.cc
  void ReportCensus(const v1::ReportCensusRequest* request,
                    v1::CommandResult* result, CommandDone done) const;
  void ResolveCensusProblem(const v1::ResolveCensusProblemRequest* request,
                            v1::CommandResult* result, CommandDone done) const;

 private:
  const NodeEnv env_;
};

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_COMMAND_HANDLERS_H_
