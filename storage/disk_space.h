// Free space on the disk of a data directory, and the reserve below which
// storage refuses to write (storage/README.md "Full disks"). Public: the
// services report it in health, metrics and status.
//
// The reserve is process-wide (every database of a process shares its
// disk): set once at start-up (services/common/disk_health.cc,
// --disk_reserve_mb); 0 (no reserve) until then, as in tests that do not
// set it.
//
// Thread safety: all functions may be called from any thread.
#ifndef REPORTING_STORAGE_DISK_SPACE_H_
#define REPORTING_STORAGE_DISK_SPACE_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace reporting::storage {

void SetDiskReserveBytes(uint64_t bytes);
uint64_t DiskReserveBytes();

struct DiskSpace {
  uint64_t free_bytes = 0;   // available to this process (statvfs f_bavail)
  uint64_t total_bytes = 0;  // size of the file system
};

// The file system holding `dir` (or, while `dir` does not exist, its
// nearest existing parent).
absl::StatusOr<DiskSpace> GetDiskSpace(const std::string& dir);

// RESOURCE_EXHAUSTED for a disk below the reserve (or out of space),
// naming the directory, the free and reserved bytes, what is refused
// (`refused`, e.g. "new events are refused") and what to do.
absl::Status DiskFullError(const std::string& dir, uint64_t free_bytes,
                           uint64_t reserve_bytes, absl::string_view refused);

// OK when `dir`'s disk has at least the reserve free, else DiskFullError
// (with `refused`). A disk whose free space cannot be read is not refused
// (the write that follows says what is wrong).
absl::Status CheckDiskReserve(const std::string& dir,
                              absl::string_view refused);

// CheckDiskReserve for one directory on every write: reads the free space
// again only when the last reading is older than kRecheck (a statvfs per
// write group would cost more than the check is worth; the reserve
// absorbs what is written in between).
class DiskReserveCheck {
 public:
  static constexpr absl::Duration kRecheck = absl::Milliseconds(50);

  explicit DiskReserveCheck(std::string dir) : dir_(std::move(dir)) {}

  // CheckDiskReserve(dir, "new events are refused"), at most kRecheck old.
  absl::Status Check();
  // The same, reading the free space now.
  absl::Status CheckNow();

 private:
  const std::string dir_;
  absl::Mutex mu_;
  absl::Time checked_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Status last_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_DISK_SPACE_H_
