// ClerkServiceImpl: the clerk's read API (proto/reporting/v1/clerk.proto).
// Reads the streams a view needs on demand and folds them with the same
// domain code the commands use, so a view and a refusal never disagree.
//
//   GetEvaluation                           clerk_service.cc
//   GetUnit, GetRectification,
//   GetBlockingReasons                      clerk_service_unit.cc
//   GetReplicationStatus                    clerk_service_replication.cc
//   ImportBatch                             clerk_service_import.cc
//
// Ids are checked as for commands (ids.h): malformed -> INVALID_ARGUMENT,
// another node's -> PERMISSION_DENIED; unknown -> NOT_FOUND.
// Thread safety: all RPCs may run concurrently; only constant state.
#ifndef REPORTING_SERVICES_COUNTY_CLERK_SERVICE_H_
#define REPORTING_SERVICES_COUNTY_CLERK_SERVICE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"
#include "reporting/v1/clerk.grpc.pb.h"
#include "services/county/command_context.h"

namespace reporting::county {

// The replicator's status as GetReplicationStatus reports it (kept apart
// from replicator.h so the read API does not depend on the replicator).
struct ReplicationProbeResult {
  std::string city;   // host:port
  std::string state;  // ReplicatorStateName
  uint64_t acked_sequence = 0;
  std::string detail;
};
using ReplicationProbe = std::function<ReplicationProbeResult()>;

class ClerkServiceImpl final : public v1::ClerkService::Service {
 public:
  // `env.log` must outlive the service.
  explicit ClerkServiceImpl(NodeEnv env) : env_(std::move(env)) {}

  // Where GetReplicationStatus reads the replicator's state; unset: the
  // node does not replicate. Call before serving.
  void set_replication_probe(ReplicationProbe probe) {
    replication_probe_ = std::move(probe);
  }

  grpc::Status GetUnit(grpc::ServerContext* context,
                       const v1::GetUnitRequest* request,
                       v1::UnitView* response) override;
  grpc::Status GetEvaluation(grpc::ServerContext* context,
                             const v1::GetEvaluationRequest* request,
                             v1::EvaluationView* response) override;
  grpc::Status GetRectification(grpc::ServerContext* context,
                                const v1::GetRectificationRequest* request,
                                v1::RectificationView* response) override;
  grpc::Status GetBlockingReasons(
      grpc::ServerContext* context,
      const v1::GetBlockingReasonsRequest* request,
      v1::GetBlockingReasonsResponse* response) override;
  grpc::Status GetReplicationStatus(
      grpc::ServerContext* context,
      const v1::GetReplicationStatusRequest* request,
      v1::ReplicationStatusView* response) override;
  grpc::Status ImportBatch(grpc::ServerContext* context,
                           const v1::ImportBatchRequest* request,
                           v1::ImportBatchResponse* response) override;

 private:
  const NodeEnv env_;
  ReplicationProbe replication_probe_;  // set before serving; then constant
};

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_CLERK_SERVICE_H_
