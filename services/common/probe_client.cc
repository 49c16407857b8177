#include "services/common/probe_client.h"

#include <chrono>

#include "absl/status/status.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "services/common/grpc_status.h"
#include "src/proto/grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace reporting::services {
namespace {

void SetDeadline(grpc::ClientContext& ctx) {
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

}  // namespace

absl::StatusOr<std::string> CheckHealth(std::shared_ptr<grpc::Channel> channel,
                                        const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status s = stub->Check(&ctx, request, &response);
  if (!s.ok()) return FromGrpcStatus(s);
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
      response.status());
}

absl::StatusOr<std::vector<std::string>> ListServices(
    std::shared_ptr<grpc::Channel> channel) {
  namespace refl = grpc::reflection::v1alpha;
  auto stub = refl::ServerReflection::NewStub(channel);
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  auto stream = stub->ServerReflectionInfo(&ctx);
  refl::ServerReflectionRequest request;
  request.set_list_services("*");
  if (!stream->Write(request))
    return absl::UnavailableError("reflection: write failed");
  stream->WritesDone();
  refl::ServerReflectionResponse response;
  std::vector<std::string> names;
  while (stream->Read(&response)) {
    for (const auto& service : response.list_services_response().service()) {
      names.push_back(service.name());
    }
  }
  grpc::Status s = stream->Finish();
  if (!s.ok()) return FromGrpcStatus(s);
  return names;
}

}  // namespace reporting::services
