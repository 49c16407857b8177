// Placeholder so the build links; the unit engineer replaces this file.
#include "services/county/command_service.h"

namespace reporting::county {

grpc::Status CommandServiceImpl::IdentifyRectification(grpc::ServerContext*,
    const v1::IdentifyRectificationRequest*, v1::CommandResult*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "IdentifyRectification is not available yet");
}

grpc::Status CommandServiceImpl::PlanRectification(grpc::ServerContext*,
    const v1::PlanRectificationRequest*, v1::CommandResult*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "PlanRectification is not available yet");
}

grpc::Status CommandServiceImpl::ReportRectificationProgress(grpc::ServerContext*,
    const v1::ReportRectificationProgressRequest*, v1::CommandResult*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "ReportRectificationProgress is not available yet");
}

grpc::Status CommandServiceImpl::CompleteRectification(grpc::ServerContext*,
    const v1::CompleteRectificationRequest*, v1::CommandResult*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "CompleteRectification is not available yet");
}

grpc::Status CommandServiceImpl::PublishRectificationExplanation(grpc::ServerContext*,
    const v1::PublishRectificationExplanationRequest*, v1::CommandResult*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "PublishRectificationExplanation is not available yet");
}

}  // namespace reporting::county
