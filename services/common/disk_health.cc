#include "services/common/disk_health.h"

#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/health_check_service_interface.h"
#include "spdlog/spdlog.h"
#include "storage/disk_space.h"

ABSL_FLAG(int64_t, disk_reserve_mb, 256,
          "Free space (MiB) kept on the data directory's disk: below it the "
          "node refuses new events (RESOURCE_EXHAUSTED) and keeps serving "
          "reads, and resumes by itself once there is more. It leaves room "
          "for RocksDB to finish its flushes and compactions (each database "
          "holds up to 64 MiB of WAL before it flushes). 0: no reserve");

namespace reporting::services {

void ApplyDiskReserveFlag() {
  const int64_t mb = absl::GetFlag(FLAGS_disk_reserve_mb);
  storage::SetDiskReserveBytes(mb > 0 ? static_cast<uint64_t>(mb) << 20 : 0);
}

DiskHealth::DiskHealth(DiskHealthOptions options,
                       std::function<std::vector<storage::EventLog*>()> logs)
    : options_(std::move(options)), logs_(std::move(logs)) {}

DiskHealth::~DiskHealth() { Stop(); }

void DiskHealth::Start(grpc::Server* server) {
  CheckNow(server);
  thread_ = std::thread([this, server] {
    for (;;) {
      {
        absl::MutexLock l(&mu_);
        auto stopped = [this]()
                           ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_; };
        if (mu_.AwaitWithTimeout(absl::Condition(&stopped), options_.period))
          return;
      }
      CheckNow(server);
    }
  });
}

void DiskHealth::Stop() {
  {
    absl::MutexLock l(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void DiskHealth::CheckNow(grpc::Server* server) {
  DiskState next;
  next.reserve_bytes = storage::DiskReserveBytes();
  if (auto space = storage::GetDiskSpace(options_.data_dir); space.ok()) {
    next.free_bytes = space->free_bytes;
  }
  for (storage::EventLog* log : logs_()) {
    absl::Status s = log->WriteHealth();
    if (!s.ok()) {
      next.writes = s;
      break;
    }
  }
  bool changed;
  {
    absl::MutexLock l(&mu_);
    changed = !reported_ || state_.writes.ok() != next.writes.ok();
    reported_ = true;
    state_ = next;
  }
  if (!changed) return;
  if (!next.writes.ok()) {
    spdlog::error("writes refused: {}", std::string(next.writes.message()));
  } else {
    spdlog::info("writes accepted: {} MiB free on {} (reserve {} MiB)",
                 next.free_bytes >> 20, options_.data_dir,
                 next.reserve_bytes >> 20);
  }
  grpc::HealthCheckServiceInterface* health =
      server == nullptr ? nullptr : server->GetHealthCheckService();
  if (health == nullptr) return;
  for (const std::string& service : options_.write_services) {
    health->SetServingStatus(service, next.writes.ok());
  }
}

DiskState DiskHealth::Current() const {
  absl::MutexLock l(&mu_);
  return state_;
}

GaugeFn DiskHealth::Gauges() const {
  return [this] {
    const DiskState s = Current();
    const std::map<std::string, std::string> labels = {
        {"dir", options_.data_dir}};
    return std::vector<GaugeSample>{
        {"reporting_disk_full",
         "1 while new events are refused for lack of disk space (below "
         "--disk_reserve_mb, or a write ran out of space)",
         labels, s.disk_full() ? 1.0 : 0.0},
        {"reporting_writes_refused",
         "1 while new events are refused for any reason (a full disk, or a "
         "failed write the store is recovering from)",
         labels, s.writes.ok() ? 0.0 : 1.0},
        {"reporting_disk_free_bytes", "Free bytes on the data directory's disk",
         labels, static_cast<double>(s.free_bytes)},
        {"reporting_disk_reserve_bytes",
         "Free bytes the node keeps (--disk_reserve_mb): below, writes stop",
         labels, static_cast<double>(s.reserve_bytes)},
    };
  };
}

}  // namespace reporting::services
