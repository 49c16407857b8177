// CommandServiceImpl: the node's CommandService (proto/reporting/v1/
// command.proto). Handlers are thin: each runs RunCommand (validation,
// idempotency, read set, commit; command_context.h), and inside it checks
// ids, reads the streams it needs, asks the pure domain code in domain/ to
// decide, and emits the resulting events.
//
// The RPCs are implemented in one file per aggregate, named beside each
// group below.
//
// Thread safety: all RPCs may run concurrently; the class holds only
// constant state. Concurrent commands on the same streams are serialized by
// the log's optimistic concurrency (ABORTED for the loser).
#ifndef REPORTING_SERVICES_COUNTY_COMMAND_SERVICE_H_
#define REPORTING_SERVICES_COUNTY_COMMAND_SERVICE_H_

#include <utility>

#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"
#include "reporting/v1/command.grpc.pb.h"
#include "services/county/command_context.h"

namespace reporting::county {

// Synchronous-server threads for a node (services::ServerOptions): every
// command blocks until its append is durable, and group commit can only
// share an fsync among commands that wait at the same time, so the server
// keeps enough threads alive (gRPC's default of 1..2 pollers creates and
// destroys a thread per blocked call). Measured in docs/PERFORMANCE.md.
inline constexpr int kServerMinPollers = 8;
inline constexpr int kServerMaxPollers = 256;

class CommandServiceImpl final : public v1::CommandService::Service {
 public:
  // `env.log` must outlive the service.
  explicit CommandServiceImpl(NodeEnv env) : env_(std::move(env)) {}

  // --- Registration: command_service_registration.cc
  grpc::Status RegisterNode(grpc::ServerContext* context,
      const v1::RegisterNodeRequest* request, v1::CommandResult* result) override;
  grpc::Status RegisterUnit(grpc::ServerContext* context,
      const v1::RegisterUnitRequest* request, v1::CommandResult* result) override;
  grpc::Status RegisterBranch(grpc::ServerContext* context,
      const v1::RegisterBranchRequest* request, v1::CommandResult* result) override;
  grpc::Status RegisterMember(grpc::ServerContext* context,
      const v1::RegisterMemberRequest* request, v1::CommandResult* result) override;
  // --- Member evaluation (评议意见): one per member per batch: command_service_evaluation.cc
  grpc::Status RecordEvaluation(grpc::ServerContext* context,
      const v1::RecordEvaluationRequest* request, v1::CommandResult* result) override;
  grpc::Status ShowEvaluation(grpc::ServerContext* context,
      const v1::ShowEvaluationRequest* request, v1::CommandResult* result) override;
  grpc::Status SignEvaluation(grpc::ServerContext* context,
      const v1::SignEvaluationRequest* request, v1::CommandResult* result) override;
  grpc::Status DisputeEvaluation(grpc::ServerContext* context,
      const v1::DisputeEvaluationRequest* request, v1::CommandResult* result) override;
  grpc::Status ReviseEvaluation(grpc::ServerContext* context,
      const v1::ReviseEvaluationRequest* request, v1::CommandResult* result) override;
  grpc::Status GiveEvaluationFeedback(grpc::ServerContext* context,
      const v1::GiveEvaluationFeedbackRequest* request, v1::CommandResult* result) override;
  grpc::Status AssignTransformationMeasure(grpc::ServerContext* context,
      const v1::AssignTransformationMeasureRequest* request, v1::CommandResult* result) override;
  grpc::Status CompleteTransformationMeasure(grpc::ServerContext* context,
      const v1::CompleteTransformationMeasureRequest* request, v1::CommandResult* result) override;
  // --- Party-spirit analysis material (党性分析材料): one per member: command_service_material.cc
  grpc::Status SubmitMaterial(grpc::ServerContext* context,
      const v1::SubmitMaterialRequest* request, v1::CommandResult* result) override;
  grpc::Status ReturnMaterial(grpc::ServerContext* context,
      const v1::ReturnMaterialRequest* request, v1::CommandResult* result) override;
  grpc::Status AcceptMaterial(grpc::ServerContext* context,
      const v1::AcceptMaterialRequest* request, v1::CommandResult* result) override;
  // --- Special meetings (专题民主生活会 / 专题组织生活会): command_service_meeting.cc
  grpc::Status HoldSpecialMeeting(grpc::ServerContext* context,
      const v1::HoldSpecialMeetingRequest* request, v1::CommandResult* result) override;
  grpc::Status CirculateMeetingResults(grpc::ServerContext* context,
      const v1::CirculateMeetingResultsRequest* request, v1::CommandResult* result) override;
  // --- Stage transition (转段): six steps, strictly in order: command_service_unit.cc
  grpc::Status RecordSelfInspectionCheck(grpc::ServerContext* context,
      const v1::RecordSelfInspectionCheckRequest* request, v1::CommandResult* result) override;
  grpc::Status CompleteSelfInspection(grpc::ServerContext* context,
      const v1::CompleteSelfInspectionRequest* request, v1::CommandResult* result) override;
  grpc::Status RecordSurvey(grpc::ServerContext* context,
      const v1::RecordSurveyRequest* request, v1::CommandResult* result) override;
  grpc::Status RecordRemediation(grpc::ServerContext* context,
      const v1::RecordRemediationRequest* request, v1::CommandResult* result) override;
  grpc::Status SubmitTransitionReport(grpc::ServerContext* context,
      const v1::SubmitTransitionReportRequest* request, v1::CommandResult* result) override;
  grpc::Status RecordSupervisoryReview(grpc::ServerContext* context,
      const v1::RecordSupervisoryReviewRequest* request, v1::CommandResult* result) override;
  grpc::Status RecordApproval(grpc::ServerContext* context,
      const v1::RecordApprovalRequest* request, v1::CommandResult* result) override;
  grpc::Status HoldTransitionMeeting(grpc::ServerContext* context,
      const v1::HoldTransitionMeetingRequest* request, v1::CommandResult* result) override;
  // --- Stage work summary (工作总结): command_service_unit.cc
  grpc::Status FileWorkSummary(grpc::ServerContext* context,
      const v1::FileWorkSummaryRequest* request, v1::CommandResult* result) override;
  // --- Rectification (整改): one item per problem: command_service_rectification.cc
  grpc::Status IdentifyRectification(grpc::ServerContext* context,
      const v1::IdentifyRectificationRequest* request, v1::CommandResult* result) override;
  grpc::Status PlanRectification(grpc::ServerContext* context,
      const v1::PlanRectificationRequest* request, v1::CommandResult* result) override;
  grpc::Status ReportRectificationProgress(grpc::ServerContext* context,
      const v1::ReportRectificationProgressRequest* request, v1::CommandResult* result) override;
  grpc::Status CompleteRectification(grpc::ServerContext* context,
      const v1::CompleteRectificationRequest* request, v1::CommandResult* result) override;
  grpc::Status PublishRectificationExplanation(grpc::ServerContext* context,
      const v1::PublishRectificationExplanationRequest* request, v1::CommandResult* result) override;
  // --- Organisation census (排查摸底) for the next batch: command_service_census.cc
  grpc::Status ReportCensus(grpc::ServerContext* context,
      const v1::ReportCensusRequest* request, v1::CommandResult* result) override;
  grpc::Status ResolveCensusProblem(grpc::ServerContext* context,
      const v1::ResolveCensusProblemRequest* request, v1::CommandResult* result) override;

 private:
  const NodeEnv env_;
};

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_COMMAND_SERVICE_H_
