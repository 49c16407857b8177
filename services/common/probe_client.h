// Test-side clients of the standard gRPC services every binary serves:
// health (grpc.health.v1.Health) and reflection
// (grpc.reflection.v1alpha.ServerReflection). Used by tests to prove a
// generic gRPC client can reach a server.
#ifndef REPORTING_SERVICES_COMMON_PROBE_CLIENT_H_
#define REPORTING_SERVICES_COMMON_PROBE_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"

namespace reporting::services {

// Health Check for `service` ("" = the server as a whole); returns the
// status name, e.g. "SERVING".
absl::StatusOr<std::string> CheckHealth(std::shared_ptr<grpc::Channel> channel,
                                        const std::string& service);

// The full service names the server lists through reflection.
absl::StatusOr<std::vector<std::string>> ListServices(
    std::shared_ptr<grpc::Channel> channel);

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_PROBE_CLIENT_H_
