// Placeholder so the build links; the unit engineer replaces this file.
#include "services/county/command_service.h"

namespace reporting::county {

grpc::Status CommandServiceImpl::RecordSelfInspectionCheck(grpc::ServerContext*,
    const v1::RecordSelfInspectionCheckRequest*, v1::CommandResult*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "RecordSelfInspectionCheck is not available yet");
}

grpc::Status CommandServiceImpl::CompleteSelfInspection(grpc::ServerContext*,
    const v1::CompleteSelfInspectionRequest*, v1::CommandResult*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "CompleteSelfInspection is not available yet");
}

grpc::Status CommandServiceImpl::RecordSurvey(grpc::ServerContext*,
    const v1::RecordSurveyRequest*, v1::CommandResult*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "RecordSurvey is not available yet");
}

grpc::Status CommandServiceImpl::RecordRemediation(grpc::ServerContext*,
    const v1::RecordRemediationRequest*, v1::CommandResult*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "RecordRemediation is not available yet");
}

grpc::Status CommandServiceImpl::SubmitTransitionReport(grpc::ServerContext*,
    const v1::SubmitTransitionReportRequest*, v1::CommandResult*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "SubmitTransitionReport is not available yet");
}

grpc::Status CommandServiceImpl::RecordSupervisoryReview(grpc::ServerContext*,
    const v1::RecordSupervisoryReviewRequest*, v1::CommandResult*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "RecordSupervisoryReview is not available yet");
}

grpc::Status CommandServiceImpl::RecordApproval(grpc::ServerContext*,
    const v1::RecordApprovalRequest*, v1::CommandResult*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "RecordApproval is not available yet");
}

grpc::Status CommandServiceImpl::HoldTransitionMeeting(grpc::ServerContext*,
    const v1::HoldTransitionMeetingRequest*, v1::CommandResult*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "HoldTransitionMeeting is not available yet");
}

grpc::Status CommandServiceImpl::FileWorkSummary(grpc::ServerContext*,
    const v1::FileWorkSummaryRequest*, v1::CommandResult*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "FileWorkSummary is not available yet");
}

}  // namespace reporting::county
