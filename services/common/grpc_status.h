// The one conversion from absl::Status to grpc::Status (STYLE.md: convert
// at the boundary, once). Every service handler returns through it.
//
// The code is carried over unchanged (absl's codes are gRPC's codes) and so
// is the message, which is written for the clerk who reads it.
#ifndef REPORTING_SERVICES_COMMON_GRPC_STATUS_H_
#define REPORTING_SERVICES_COMMON_GRPC_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace reporting::services {

grpc::Status ToGrpcStatus(const absl::Status& status);

// "CODE: message" with the code's name, for log lines and status details
// ("RESOURCE_EXHAUSTED: ...", not gRPC's bare number "8: ...").
std::string GrpcStatusText(const grpc::Status& status);

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_GRPC_STATUS_H_
