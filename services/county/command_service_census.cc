// Placeholder so the build links; the unit engineer replaces this file.
#include "services/county/command_service.h"

namespace reporting::county {

grpc::Status CommandServiceImpl::ReportCensus(grpc::ServerContext*,
    const v1::ReportCensusRequest*, v1::CommandResult*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "ReportCensus is not available yet");
}

grpc::Status CommandServiceImpl::ResolveCensusProblem(grpc::ServerContext*,
    const v1::ResolveCensusProblemRequest*, v1::CommandResult*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "ResolveCensusProblem is not available yet");
}

}  // namespace reporting::county
