// Placeholder so the build links; the unit engineer replaces this file.
#include "services/county/clerk_service.h"

namespace reporting::county {

grpc::Status ClerkServiceImpl::GetUnit(grpc::ServerContext*,
                                       const v1::GetUnitRequest*,
                                       v1::UnitView*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "GetUnit is not available yet");
}

grpc::Status ClerkServiceImpl::GetRectification(grpc::ServerContext*,
                                                const v1::GetRectificationRequest*,
                                                v1::RectificationView*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                      "GetRectification is not available yet");
}

grpc::Status ClerkServiceImpl::GetBlockingReasons(
    grpc::ServerContext*, const v1::GetBlockingReasonsRequest*,
    v1::GetBlockingReasonsResponse*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                      "GetBlockingReasons is not available yet");
}

}  // namespace reporting::county
