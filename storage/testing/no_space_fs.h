// NoSpaceFileSystem: a RocksDB FileSystem on which, while set_full(true),
// every write fails as on a full disk (IOStatus::NoSpace: new files,
// appends, syncs), so a test can make RocksDB meet ENOSPC at a moment it
// picks, in process, without root or a real small disk. Test-only.
//
// Thread safety: set_full may be called from any thread.
#ifndef REPORTING_STORAGE_TESTING_NO_SPACE_FS_H_
#define REPORTING_STORAGE_TESTING_NO_SPACE_FS_H_

#include <atomic>
#include <memory>
#include <string>

#include "rocksdb/file_system.h"

namespace reporting::storage::testing {

class NoSpaceFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit NoSpaceFileSystem(std::shared_ptr<rocksdb::FileSystem> base)
      : FileSystemWrapper(std::move(base)) {}

  const char* Name() const override { return "NoSpaceFileSystem"; }

  void set_full(bool full) { full_ = full; }
  bool full() const { return full_; }
  // Writes refused so far.
  uint64_t refusals() const { return refusals_; }

  rocksdb::IOStatus NewWritableFile(
      const std::string& path, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(
      const std::string& path, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;

  // NoSpace while full (counted), else OK.
  rocksdb::IOStatus Refuse();

 private:
  std::atomic<bool> full_{false};
  std::atomic<uint64_t> refusals_{0};
};

}  // namespace reporting::storage::testing

#endif  // REPORTING_STORAGE_TESTING_NO_SPACE_FS_H_
