#include "services/common/access_gate.h"

#include <utility>

#include "absl/strings/strip.h"
#include "services/common/grpc_status.h"
#include "services/common/identity.h"
#include "services/common/metrics_interceptor.h"
#include "services/common/roles.h"
#include "spdlog/spdlog.h"

namespace reporting::services {

AccessGate::AccessGate(std::string own_node_id, prometheus::Registry& registry)
    : own_node_id_(std::move(own_node_id)),
      denied_(prometheus::BuildCounter()
                  .Name("reporting_grpc_server_denied_total")
                  .Help("Calls refused by the role table before any handler "
                        "ran, by service and code (PERMISSION_DENIED, "
                        "UNAUTHENTICATED)")
                  .Register(registry)) {}

grpc::Status AccessGate::Process(const InputMetadata& auth_metadata,
                                 grpc::AuthContext* context, OutputMetadata*,
                                 OutputMetadata*) {
  auto path = auth_metadata.find(":path");
  const std::string method =
      path == auth_metadata.end()
          ? std::string()
          : std::string(path->second.data(), path->second.size());
  const absl::Status decision =
      Authorize(method, IdentityOf(*context), own_node_id_);
  if (decision.ok()) return grpc::Status::OK;
  const grpc::Status status = ToGrpcStatus(decision);
  // The label is the service when the table knows it: a caller must not
  // grow the registry by sending made-up method names.
  absl::string_view service = method;
  absl::ConsumePrefix(&service, "/");
  service = service.substr(0, service.find('/'));
  denied_
      .Add({{"service", InTable(service) ? std::string(service) : "(unknown)"},
            {"code", StatusCodeName(status.error_code())}})
      .Increment();
  spdlog::warn("access denied: {}", status.error_message());
  return status;
}

}  // namespace reporting::services
