// AdminService (proto/reporting/v1/admin.proto) for both binaries: checks
// the request, runs one backup at a time, and converts the outcome to a
// gRPC status. Who may call it (operators) is the role table's business
// (roles.h), decided before the handler runs. What a backup copies is the
// binary's business (BackupFn: services/county/backup.h,
// services/city/backup.h).
//
// Thread safety: handlers run on gRPC threads; a second Backup while one
// runs is refused (FAILED_PRECONDITION), not queued.
#ifndef REPORTING_SERVICES_COMMON_ADMIN_SERVICE_H_
#define REPORTING_SERVICES_COMMON_ADMIN_SERVICE_H_

#include <atomic>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "reporting/v1/admin.grpc.pb.h"

namespace reporting::services {

// Writes a backup into `dir` (absolute, checked not to exist) and
// describes it (dir, databases); the service fills the times.
using BackupFn =
    std::function<absl::StatusOr<v1::BackupResponse>(const std::string& dir)>;

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  explicit AdminServiceImpl(BackupFn backup);

  grpc::Status Backup(grpc::ServerContext* context,
                      const v1::BackupRequest* request,
                      v1::BackupResponse* response) override;

 private:
  const BackupFn backup_;
  std::atomic<bool> running_{false};
};

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_ADMIN_SERVICE_H_
