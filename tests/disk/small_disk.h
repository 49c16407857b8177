// SmallDisk: a small tmpfs mounted for one test (CI runs as root), that
// the test fills and frees at the moments it picks, and unmounts when done.
//
//   SmallDisk disk(dir.Sub("disk"), 64 << 20);  // mounts, or fails the test
//   disk.FillUntilFree(4 << 20);   // a filler file leaves 4 MiB free
//   disk.Free();                   // removes the filler
//
// Thread compatibility: one thread at a time.
#ifndef REPORTING_TESTS_DISK_SMALL_DISK_H_
#define REPORTING_TESTS_DISK_SMALL_DISK_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace reporting::disk_test {

class SmallDisk {
 public:
  // Creates `path` and mounts a tmpfs of `bytes` on it; ok() says whether
  // it worked (mount needs root), error() why not.
  SmallDisk(std::string path, uint64_t bytes);
  ~SmallDisk();  // unmounts (lazily, so a process still inside cannot keep
                 // it) and removes the mount point
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  bool ok() const { return mounted_; }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }

  // Free bytes now (statvfs f_bavail).
  absl::StatusOr<uint64_t> FreeBytes() const;
  // Grows the filler file until at most `free` bytes are left (0: the disk
  // is full); whatever the node writes meanwhile counts too.
  absl::Status FillUntilFree(uint64_t free);
  // Removes the filler file.
  absl::Status Free();

 private:
  const std::string path_;
  const std::string filler_;
  bool mounted_ = false;
  std::string error_;
};

}  // namespace reporting::disk_test

#endif  // REPORTING_TESTS_DISK_SMALL_DISK_H_
