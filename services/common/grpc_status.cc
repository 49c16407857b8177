#include "services/common/grpc_status.h"

#include <string>

namespace reporting::services {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl::StatusCode and grpc::StatusCode share their numeric values
  // (both follow google.rpc.Code), so the cast keeps the retry meaning.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace reporting::services
