// AuditServiceImpl: AuditService of proto/reporting/v1/audit.proto over a
// LogSource (a county's own log, or the city's copies). Start here for
// services/audit/.
//
// Who may call is decided before any handler runs, by the one role table
// (services/common/roles.h: OU=auditor). Every handler: check the request
// alone (INVALID_ARGUMENT /
// FAILED_PRECONDITION, nothing read yet), resolve the log (NOT_FOUND for a
// node not held), do the work (replay.h, state_as_of.h, verify.h), and
// convert the absl::Status once (services/common/grpc_status.h).
//
// Synchronous service: Replay's Write blocks on HTTP/2 flow control, which
// is what bounds a slow reader's cost to the server (replay.h).
//
// Thread safety: handlers run concurrently on gRPC's threads; the service
// holds only constant state.
#ifndef REPORTING_SERVICES_AUDIT_AUDIT_SERVICE_H_
#define REPORTING_SERVICES_AUDIT_AUDIT_SERVICE_H_

#include "reporting/v1/audit.grpc.pb.h"
#include "services/audit/export_signer.h"
#include "services/audit/log_source.h"
#include "services/audit/replay.h"
#include "services/audit/replay_slots.h"

namespace reporting::audit {

struct AuditServiceOptions {
  ReplayLimits replay;
  // Replay streams one caller may have open at once (replay_slots.h); 0:
  // --audit_replays_per_caller.
  int replays_per_caller = 0;
  // Seals exports and answers Keys (export_signer.h). Not owned; must
  // outlive the service. Null: sealed replays and Keys are
  // FAILED_PRECONDITION (a server without a signing key).
  const ExportSigner* signer = nullptr;
};

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  // `source` must outlive the service.
  AuditServiceImpl(const LogSource* source, AuditServiceOptions options);

  grpc::Status ListLogs(grpc::ServerContext* context,
                        const v1::ListLogsRequest* request,
                        v1::ListLogsResponse* response) override;
  grpc::Status Replay(grpc::ServerContext* context,
                      const v1::ReplayRequest* request,
                      grpc::ServerWriter<v1::ReplayBatch>* writer) override;
  grpc::Status StateAsOf(grpc::ServerContext* context,
                         const v1::StateAsOfRequest* request,
                         v1::StateAsOfResponse* response) override;
  grpc::Status Verify(grpc::ServerContext* context,
                      const v1::VerifyRequest* request,
                      v1::VerifyResponse* response) override;
  grpc::Status ChainHash(grpc::ServerContext* context,
                         const v1::ChainHashRequest* request,
                         v1::ChainHashResponse* response) override;
  grpc::Status Keys(grpc::ServerContext* context,
                    const v1::KeysRequest* request,
                    v1::KeysResponse* response) override;

 private:
  const LogSource* const source_;
  const AuditServiceOptions options_;
  ReplaySlots replays_;
};

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_AUDIT_AUDIT_SERVICE_H_
