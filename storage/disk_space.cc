#include "storage/disk_space.h"

#include <sys/statvfs.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace reporting::storage {
namespace {

std::atomic<uint64_t> reserve_bytes{0};

std::string Mib(uint64_t bytes) {
  return absl::StrFormat("%.1f MiB", static_cast<double>(bytes) / (1 << 20));
}

}  // namespace

void SetDiskReserveBytes(uint64_t bytes) { reserve_bytes = bytes; }

uint64_t DiskReserveBytes() { return reserve_bytes; }

absl::StatusOr<DiskSpace> GetDiskSpace(const std::string& dir) {
  // A directory not created yet will be on its nearest existing parent's
  // disk.
  std::filesystem::path path(dir);
  struct statvfs s;
  while (statvfs(path.c_str(), &s) != 0) {
    if (errno != ENOENT || !path.has_parent_path() ||
        path.parent_path() == path) {
      return absl::InternalError(absl::StrCat(
          "disk space of ", dir, ": statvfs: ", std::strerror(errno)));
    }
    path = path.parent_path();
  }
  DiskSpace space;
  space.free_bytes = static_cast<uint64_t>(s.f_bavail) * s.f_frsize;
  space.total_bytes = static_cast<uint64_t>(s.f_blocks) * s.f_frsize;
  return space;
}

absl::Status DiskFullError(const std::string& dir, uint64_t free_bytes,
                           uint64_t reserve_bytes, absl::string_view refused) {
  const std::string reserve =
      absl::StrCat(Mib(reserve_bytes), " (", reserve_bytes, " bytes)");
  return absl::ResourceExhaustedError(absl::StrCat(
      "disk full: the data directory ", dir, " has ", Mib(free_bytes),
      " free (", free_bytes, " bytes), ",
      free_bytes < reserve_bytes ? "below the reserve of " : "reserve ",
      reserve, ": ", refused,
      ". Reads go on. Free space on that disk (or move the data directory "
      "to a larger one, or lower --disk_reserve_mb); writing resumes by "
      "itself once the free space is above the reserve."));
}

absl::Status CheckDiskReserve(const std::string& dir,
                              absl::string_view refused) {
  const uint64_t reserve = DiskReserveBytes();
  if (reserve == 0) return absl::OkStatus();
  absl::StatusOr<DiskSpace> space = GetDiskSpace(dir);
  if (!space.ok() || space->free_bytes >= reserve) return absl::OkStatus();
  return DiskFullError(dir, space->free_bytes, reserve, refused);
}

absl::Status DiskReserveCheck::Check() {
  absl::MutexLock l(&mu_);
  const absl::Time now = absl::Now();
  if (now - checked_ < kRecheck) return last_;
  checked_ = now;
  last_ = CheckDiskReserve(dir_, "new events are refused");
  return last_;
}

absl::Status DiskReserveCheck::CheckNow() {
  absl::MutexLock l(&mu_);
  checked_ = absl::Now();
  last_ = CheckDiskReserve(dir_, "new events are refused");
  return last_;
}

}  // namespace reporting::storage
