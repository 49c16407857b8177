// PowerCutFileSystem: a RocksDB FileSystem that passes every call to the
// real one and journals what decides durability (the journal's lines and
// their meaning: power_cut.h). Test-only; internal to storage/testing.
//
// Thread safety: RocksDB calls it from many threads (writers, the WAL
// sync, flushes, compactions). Journal lines are written under one mutex;
// the set of entries waiting for a directory fsync is guarded by it too.
#ifndef REPORTING_STORAGE_TESTING_POWER_CUT_FS_H_
#define REPORTING_STORAGE_TESTING_POWER_CUT_FS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/file_system.h"

namespace reporting::storage::testing {

class PowerCutFileSystem : public rocksdb::FileSystemWrapper {
 public:
  // Journals into `journal` (appended to, created when missing).
  static absl::StatusOr<std::shared_ptr<PowerCutFileSystem>> Open(
      std::shared_ptr<rocksdb::FileSystem> base, const std::string& journal);
  ~PowerCutFileSystem() override;

  const char* Name() const override { return "PowerCutFileSystem"; }

  rocksdb::IOStatus NewWritableFile(
      const std::string& path, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(
      const std::string& path, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;
  // Not journaled, so refused: recycling WAL files (recycle_log_file_num)
  // and random read-write files are not used by this project.
  rocksdb::IOStatus ReuseWritableFile(
      const std::string& path, const std::string& old_path,
      const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomRWFile(
      const std::string& path, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSRandomRWFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& path,
                                 const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* result,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LinkFile(const std::string& from, const std::string& to,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& path,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus Truncate(const std::string& path, size_t size,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;

  // From the files and directories it hands out:
  // `bytes` of `path` are durable (a Sync or Fsync returned OK).
  void Synced(const std::string& path, uint64_t bytes);
  // An entry waiting for an fsync of its directory: its path, and which
  // creation, rename or link of that path made it.
  using Pending = std::pair<std::string, uint64_t>;
  // The entries waiting for an fsync of directory `dir` (taken before the
  // fsync starts: an entry made during it is not covered).
  std::vector<Pending> PendingIn(const std::string& dir);
  // An fsync of their directory returned OK: these entries are durable
  // (unless the path was made again since).
  void EntriesDurable(const std::vector<Pending>& entries);

 private:
  PowerCutFileSystem(std::shared_ptr<rocksdb::FileSystem> base, int fd,
                     std::string journal);
  // Appends one line (fields joined by TAB) with one write(2).
  void Journal(const std::vector<std::string>& fields)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A new writable file whose first `size` bytes exist already.
  void WrapWritable(const std::string& path, uint64_t size,
                    std::unique_ptr<rocksdb::FSWritableFile>* result);

  // Constant after construction.
  const int fd_;
  const std::string journal_;

  absl::Mutex mu_;
  // Entries created, renamed or linked, not yet covered by an fsync of
  // their directory: path -> which making of it.
  std::map<std::string, uint64_t> pending_ ABSL_GUARDED_BY(mu_);
  uint64_t made_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t saved_copies_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace reporting::storage::testing

#endif  // REPORTING_STORAGE_TESTING_POWER_CUT_FS_H_
