// ClerkServiceImpl: the clerk's read API (proto/reporting/v1/clerk.proto).
// Reads the streams a view needs on demand and folds them with the same
// domain code the commands use, so a view and a refusal never disagree.
//
//   GetEvaluation                           clerk_service.cc
//   GetUnit, GetRectification,
//   GetBlockingReasons                      clerk_service_unit.cc
//
// Ids are checked as for commands (ids.h): malformed -> INVALID_ARGUMENT,
// another node's -> PERMISSION_DENIED; unknown -> NOT_FOUND.
// Thread safety: all RPCs may run concurrently; only constant state.
#ifndef REPORTING_SERVICES_COUNTY_CLERK_SERVICE_H_
#define REPORTING_SERVICES_COUNTY_CLERK_SERVICE_H_

#include <utility>

#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"
#include "reporting/v1/clerk.grpc.pb.h"
#include "services/county/command_context.h"

namespace reporting::county {

class ClerkServiceImpl final : public v1::ClerkService::Service {
 public:
  // `env.log` must outlive the service.
  explicit ClerkServiceImpl(NodeEnv env) : env_(std::move(env)) {}

  grpc::Status GetUnit(grpc::ServerContext* context,
                       const v1::GetUnitRequest* request,
                       v1::UnitView* response) override;
  grpc::Status GetEvaluation(grpc::ServerContext* context,
                             const v1::GetEvaluationRequest* request,
                             v1::EvaluationView* response) override;
  grpc::Status GetRectification(grpc::ServerContext* context,
                                const v1::GetRectificationRequest* request,
                                v1::RectificationView* response) override;
  grpc::Status GetBlockingReasons(grpc::ServerContext* context,
                                  const v1::GetBlockingReasonsRequest* request,
                                  v1::GetBlockingReasonsResponse* response) override;

 private:
  const NodeEnv env_;
};

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_CLERK_SERVICE_H_
