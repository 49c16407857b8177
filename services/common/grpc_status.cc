#include "services/common/grpc_status.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace reporting::services {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl::StatusCode and grpc::StatusCode share their numeric values
  // (both follow google.rpc.Code), so the cast keeps the retry meaning.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

absl::StatusCode FromGrpcCode(grpc::StatusCode code) {
  // The same numbers both ways (google.rpc.Code), as in ToGrpcStatus.
  return static_cast<absl::StatusCode>(code);
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(FromGrpcCode(status.error_code()),
                      status.error_message());
}

absl::Status FromGrpcStatus(const grpc::Status& status,
                            absl::string_view where) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(FromGrpcCode(status.error_code()),
                      absl::StrCat(where, ": ", status.error_message()));
}

std::string StatusCodeName(grpc::StatusCode code) {
  std::string name = absl::StatusCodeToString(FromGrpcCode(code));
  if (name.empty()) return absl::StrCat("CODE_", static_cast<int>(code));
  return name;
}

std::string GrpcStatusText(const grpc::Status& status) {
  return absl::StrCat(StatusCodeName(status.error_code()), ": ",
                      status.error_message());
}

}  // namespace reporting::services
