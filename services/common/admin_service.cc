#include "services/common/admin_service.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/grpc_status.h"
#include "spdlog/spdlog.h"

namespace reporting::services {
namespace {

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

AdminServiceImpl::AdminServiceImpl(BackupFn backup)
    : backup_(std::move(backup)) {}

grpc::Status AdminServiceImpl::Backup(grpc::ServerContext*,
                                      const v1::BackupRequest* request,
                                      v1::BackupResponse* response) {
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
  absl::StatusOr<v1::BackupResponse> result = backup_(dir);
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
