// CommandServiceImpl: the node's gRPC CommandService, on gRPC's callback
// API. Every RPC hands its request to CommandHandlers (command_handlers.h)
// and finishes the call from the handler's `done`: a command that waits for
// its fsync parks no thread (the log answers it from the thread that wrote
// its group), so many concurrent commands share one sync without one
// blocked server thread each.
//
// Thread safety: all RPCs may run concurrently (see CommandHandlers).
#ifndef REPORTING_SERVICES_COUNTY_COMMAND_SERVICE_H_
#define REPORTING_SERVICES_COUNTY_COMMAND_SERVICE_H_

#include <utility>

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"
#include "reporting/v1/command.grpc.pb.h"
#include "services/county/command_handlers.h"

namespace reporting::county {

// Synchronous-server threads for a node (services::ServerOptions), for its
// synchronous services (clerk reads and imports, health): gRPC's default
// of 1..2 pollers creates and destroys a thread per blocked call. Measured
// in docs/PERFORMANCE.md.
inline constexpr int kServerMinPollers = 8;
inline constexpr int kServerMaxPollers = 256;

class CommandServiceImpl final : public v1::CommandService::CallbackService {
 public:
  // `env.log` must outlive the service.
  explicit CommandServiceImpl(NodeEnv env) : handlers_(std::move(env)) {}

  const CommandHandlers& handlers() const { return handlers_; }

  grpc::ServerUnaryReactor* RegisterNode(grpc::CallbackServerContext* context,
                                         const v1::RegisterNodeRequest* request,
                                         v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::RegisterNode, request, result);
  }
  grpc::ServerUnaryReactor* RegisterUnit(grpc::CallbackServerContext* context,
                                         const v1::RegisterUnitRequest* request,
                                         v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::RegisterUnit, request, result);
  }
  grpc::ServerUnaryReactor* RegisterBranch(
      grpc::CallbackServerContext* context,
      const v1::RegisterBranchRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::RegisterBranch, request, result);
  }
  grpc::ServerUnaryReactor* RegisterMember(
      grpc::CallbackServerContext* context,
      const v1::RegisterMemberRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::RegisterMember, request, result);
  }
  grpc::ServerUnaryReactor* RecordEvaluation(
      grpc::CallbackServerContext* context,
      const v1::RecordEvaluationRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::RecordEvaluation, request, result);
  }
  grpc::ServerUnaryReactor* ShowEvaluation(
      grpc::CallbackServerContext* context,
      const v1::ShowEvaluationRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::ShowEvaluation, request, result);
  }
  grpc::ServerUnaryReactor* SignEvaluation(
      grpc::CallbackServerContext* context,
      const v1::SignEvaluationRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::SignEvaluation, request, result);
  }
  grpc::ServerUnaryReactor* DisputeEvaluation(
      grpc::CallbackServerContext* context,
      const v1::DisputeEvaluationRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::DisputeEvaluation, request,
                  result);
  }
  grpc::ServerUnaryReactor* ReviseEvaluation(
      grpc::CallbackServerContext* context,
      const v1::ReviseEvaluationRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::ReviseEvaluation, request, result);
  }
  grpc::ServerUnaryReactor* GiveEvaluationFeedback(
      grpc::CallbackServerContext* context,
      const v1::GiveEvaluationFeedbackRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::GiveEvaluationFeedback, request,
                  result);
  }
  grpc::ServerUnaryReactor* AssignTransformationMeasure(
      grpc::CallbackServerContext* context,
      const v1::AssignTransformationMeasureRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::AssignTransformationMeasure,
                  request, result);
  }
  grpc::ServerUnaryReactor* CompleteTransformationMeasure(
      grpc::CallbackServerContext* context,
      const v1::CompleteTransformationMeasureRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::CompleteTransformationMeasure,
                  request, result);
  }
  grpc::ServerUnaryReactor* SubmitMaterial(
      grpc::CallbackServerContext* context,
      const v1::SubmitMaterialRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::SubmitMaterial, request, result);
  }
  grpc::ServerUnaryReactor* ReturnMaterial(
      grpc::CallbackServerContext* context,
      const v1::ReturnMaterialRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::ReturnMaterial, request, result);
  }
  grpc::ServerUnaryReactor* AcceptMaterial(
      grpc::CallbackServerContext* context,
      const v1::AcceptMaterialRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::AcceptMaterial, request, result);
  }
  grpc::ServerUnaryReactor* HoldSpecialMeeting(
      grpc::CallbackServerContext* context,
      const v1::HoldSpecialMeetingRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::HoldSpecialMeeting, request,
                  result);
  }
  grpc::ServerUnaryReactor* CirculateMeetingResults(
      grpc::CallbackServerContext* context,
      const v1::CirculateMeetingResultsRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::CirculateMeetingResults, request,
                  result);
  }
  grpc::ServerUnaryReactor* RecordSelfInspectionCheck(
      grpc::CallbackServerContext* context,
      const v1::RecordSelfInspectionCheckRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::RecordSelfInspectionCheck, request,
                  result);
  }
  grpc::ServerUnaryReactor* CompleteSelfInspection(
      grpc::CallbackServerContext* context,
      const v1::CompleteSelfInspectionRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::CompleteSelfInspection, request,
                  result);
  }
  grpc::ServerUnaryReactor* RecordSurvey(grpc::CallbackServerContext* context,
                                         const v1::RecordSurveyRequest* request,
                                         v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::RecordSurvey, request, result);
  }
  grpc::ServerUnaryReactor* RecordRemediation(
      grpc::CallbackServerContext* context,
      const v1::RecordRemediationRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::RecordRemediation, request,
                  result);
  }
  grpc::ServerUnaryReactor* SubmitTransitionReport(
      grpc::CallbackServerContext* context,
      const v1::SubmitTransitionReportRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::SubmitTransitionReport, request,
                  result);
  }
  grpc::ServerUnaryReactor* RecordSupervisoryReview(
      grpc::CallbackServerContext* context,
      const v1::RecordSupervisoryReviewRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::RecordSupervisoryReview, request,
                  result);
  }
  grpc::ServerUnaryReactor* RecordApproval(
      grpc::CallbackServerContext* context,
      const v1::RecordApprovalRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::RecordApproval, request, result);
  }
  grpc::ServerUnaryReactor* HoldTransitionMeeting(
      grpc::CallbackServerContext* context,
      const v1::HoldTransitionMeetingRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::HoldTransitionMeeting, request,
                  result);
  }
  grpc::ServerUnaryReactor* FileWorkSummary(
      grpc::CallbackServerContext* context,
      const v1::FileWorkSummaryRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::FileWorkSummary, request, result);
  }
  grpc::ServerUnaryReactor* IdentifyRectification(
      grpc::CallbackServerContext* context,
      const v1::IdentifyRectificationRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::IdentifyRectification, request,
                  result);
  }
  grpc::ServerUnaryReactor* PlanRectification(
      grpc::CallbackServerContext* context,
      const v1::PlanRectificationRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::PlanRectification, request,
                  result);
  }
  grpc::ServerUnaryReactor* ReportRectificationProgress(
      grpc::CallbackServerContext* context,
      const v1::ReportRectificationProgressRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::ReportRectificationProgress,
                  request, result);
  }
  grpc::ServerUnaryReactor* CompleteRectification(
      grpc::CallbackServerContext* context,
      const v1::CompleteRectificationRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::CompleteRectification, request,
                  result);
  }
  grpc::ServerUnaryReactor* PublishRectificationExplanation(
      grpc::CallbackServerContext* context,
      const v1::PublishRectificationExplanationRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::PublishRectificationExplanation,
                  request, result);
  }
  grpc::ServerUnaryReactor* ReportCensus(grpc::CallbackServerContext* context,
                                         const v1::ReportCensusRequest* request,
                                         v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::ReportCensus, request, result);
  }
  grpc::ServerUnaryReactor* ResolveCensusProblem(
      grpc::CallbackServerContext* context,
      const v1::ResolveCensusProblemRequest* request,
      v1::CommandResult* result) override {
    return Answer(context, &CommandHandlers::ResolveCensusProblem, request,
                  result);
  }

 private:
  template <typename Request>
  using Handler = void (CommandHandlers::*)(const Request*, v1::CommandResult*,
                                            CommandDone) const;

  // Runs the handler; the call finishes when its `done` is called.
  template <typename Request>
  grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* context,
                                   Handler<Request> handler,
                                   const Request* request,
                                   v1::CommandResult* result) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    (handlers_.*handler)(request, result, [reactor](grpc::Status status) {
      reactor->Finish(std::move(status));
    });
    return reactor;
  }

  const CommandHandlers handlers_;
};

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_COMMAND_SERVICE_H_
