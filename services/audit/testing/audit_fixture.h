// Test helpers for services/audit/: logs filled with realistic histories
// (projector::HistoryGenerator, i.e. made by the county's own decisions)
// and an AuditService on a loopback port.
//
// Thread compatibility: one test thread.
#ifndef REPORTING_SERVICES_AUDIT_TESTING_AUDIT_FIXTURE_H_
#define REPORTING_SERVICES_AUDIT_TESTING_AUDIT_FIXTURE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/server.h"
#include "reporting/v1/audit.grpc.pb.h"
#include "services/audit/audit_service.h"
#include "services/projector/history_generator.h"
#include "storage/event_log.h"

namespace reporting::audit::testing {

// Appends the generator's next n events to `log`, `per_append` events per
// append (each append's recorded_at is its first event's). The actor is
// "clerk:a", "clerk:b" or "clerk:c" by the append's last sequence mod 3,
// so actor filters have something to tell apart.
absl::Status FillLog(storage::EventLog& log, projector::HistoryGenerator& gen,
                     uint64_t n, size_t per_append = 1);

// Every stored event of the log, in order.
std::vector<storage::StoredEvent> ReadAll(const storage::EventLog& log);

// Copies events from..to of `from` into the replica `to` as replication
// would (AppendReplicated), received at `received_at_us`.
absl::Status CopyToReplica(const storage::EventLog& from, storage::EventLog& to,
                           uint64_t first, uint64_t last,
                           int64_t received_at_us);

// AuditServiceImpl over `source`, plaintext on 127.0.0.1 (roles are the
// TLS server's business: services/common/roles.h, access_gate.h).
class AuditServer {
 public:
  explicit AuditServer(const LogSource* source,
                       AuditServiceOptions options = Plaintext());
  ~AuditServer();
  static AuditServiceOptions Plaintext() { return AuditServiceOptions(); }
  v1::AuditService::Stub& stub() { return *stub_; }

  // Runs a whole Replay call; its batches, or the call's status.
  absl::StatusOr<std::vector<v1::ReplayBatch>> Replay(
      const v1::ReplayRequest& request);

 private:
  AuditServiceImpl service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::AuditService::Stub> stub_;
};

}  // namespace reporting::audit::testing

#endif  // REPORTING_SERVICES_AUDIT_TESTING_AUDIT_FIXTURE_H_
