#include "services/common/admin_service.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/grpc_status.h"
#include "services/common/tls.h"
#include "spdlog/spdlog.h"

namespace reporting::services {
namespace {

absl::Status CheckOperator(const grpc::ServerContext& context, bool enforce) {
  if (!enforce) return absl::OkStatus();
  const std::string role = PeerRole(context);
  if (role == kOperatorRole) return absl::OkStatus();
  const std::string cn = PeerCommonName(context);
  if (cn.empty() && role.empty()) {
    return absl::UnauthenticatedError(
        "admin: this service needs a client certificate with OU=operator");
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "admin: this service needs a client certificate with OU=operator; the "
      "caller's certificate (CN=",
      cn, ") has OU=", role.empty() ? "(none)" : role));
}

absl::Status CheckDir(const std::string& dir) {
  const std::filesystem::path path(dir);
  if (dir.empty() || !path.is_absolute()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "backup: dir must be an absolute path on the server, got \"", dir,
        "\""));
  }
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("backup: ", dir, " exists; name a new directory"));
  }
  const std::filesystem::path parent = path.parent_path();
  if (!std::filesystem::is_directory(parent, ec)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "backup: the parent directory ", parent.string(), " does not exist"));
  }
  return absl::OkStatus();
}

}  // namespace

AdminServiceImpl::AdminServiceImpl(AdminServiceOptions options)
    : options_(std::move(options)) {}

grpc::Status AdminServiceImpl::Backup(grpc::ServerContext* context,
                                      const v1::BackupRequest* request,
                                      v1::BackupResponse* response) {
  if (absl::Status s = CheckOperator(*context, options_.enforce_roles);
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  // Normalized, so "/backups/x/" and "/backups/x" are the same directory.
  std::string dir =
      std::filesystem::path(request->dir()).lexically_normal().string();
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (absl::Status s = CheckDir(request->dir().empty() ? "" : dir); !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (running_.exchange(true)) {
    return ToGrpcStatus(absl::FailedPreconditionError(
        "backup: another backup is running; retry when it has finished"));
  }
  const int64_t started = absl::ToUnixMicros(absl::Now());
  spdlog::info("backup to {} started", dir);
  absl::StatusOr<v1::BackupResponse> result = options_.backup(dir);
  running_ = false;
  if (!result.ok()) {
    spdlog::error("backup to {} failed: {}", dir, result.status().ToString());
    return ToGrpcStatus(result.status());
  }
  *response = std::move(*result);
  response->set_dir(dir);
  response->set_started_at_us(started);
  response->set_finished_at_us(absl::ToUnixMicros(absl::Now()));
  spdlog::info("backup to {} done: {} database(s) in {} ms", dir,
               response->databases_size(),
               (response->finished_at_us() - started) / 1000);
  return grpc::Status::OK;
}

}  // namespace reporting::services
