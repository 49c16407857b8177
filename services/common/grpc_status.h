// The one conversion between absl::Status and grpc::Status (STYLE.md:
// convert at the boundary, once), both ways: every service handler returns
// through ToGrpcStatus, every client of a gRPC call reads its answer
// through FromGrpcStatus.
//
// The code is carried over unchanged (absl's codes are gRPC's codes) and so
// is the message, which is written for the clerk who reads it.
#ifndef REPORTING_SERVICES_COMMON_GRPC_STATUS_H_
#define REPORTING_SERVICES_COMMON_GRPC_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace reporting::services {

grpc::Status ToGrpcStatus(const absl::Status& status);

// A gRPC call's status as an absl::Status (OK stays OK, message dropped).
absl::Status FromGrpcStatus(const grpc::Status& status);
// The same, the message prefixed with `where` ("where: message"), for a
// client that says which call failed.
absl::Status FromGrpcStatus(const grpc::Status& status,
                            absl::string_view where);
// A gRPC code as absl's (the same number).
absl::StatusCode FromGrpcCode(grpc::StatusCode code);

// "OK", "CANCELLED", ... as in the gRPC documentation ("CODE_17" for a
// number no code has).
std::string StatusCodeName(grpc::StatusCode code);

// "CODE: message" with the code's name, for log lines and status details
// ("RESOURCE_EXHAUSTED: ...", not gRPC's bare number "8: ...").
std::string GrpcStatusText(const grpc::Status& status);

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_GRPC_STATUS_H_
