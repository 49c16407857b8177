// RocksDb: the one wrapper that owns RocksDB for the event log: the DB, its
// column family handles and their options, and the only conversion of
// rocksdb::Status to absl::Status. Internal to storage/: never include it
// from a public header.
//
// Thread safety: all methods may be called concurrently, except Close(),
// Reopen() and the destructor, which must not race with any other call.
#ifndef REPORTING_STORAGE_ROCKS_DB_H_
#define REPORTING_STORAGE_ROCKS_DB_H_

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/db.h"
#include "rocksdb/file_system.h"
#include "rocksdb/write_batch.h"
#include "storage/disk_space.h"
#include "storage/disk_usage.h"

namespace reporting::storage {

// The column families. Their NAMES (kCfNames) are on disk: never rename or
// reuse one; add new ones at the end only. The numeric order is the order of
// the handles opened, also used as the index of kCfNames.
enum class Cf : int {
  kDefault = 0,      // RocksDB's own, unused (RocksDB requires it).
  kEvents = 1,       // be64(seq) -> hash envelope
  kStreams = 2,      // no longer written (storage/README.md)
  kStreamIndex = 3,  // stream_id 0x00 be64(version) -> be64(seq)
  kTypeIndex = 4,    // event_type 0x00 be64(ordered time) be64(seq) -> ""
  kCommands = 5,     // command_id -> be64(first) be64(last)
  kMeta = 6,         // "head" -> be64(seq) hash
  kReceivedAt = 7,   // be64(last) -> be64(first) be64(at); copies before
                     // receipts (read only to make their receipts)
  kReceipts = 8,     // be64(last) -> receipt (storage/receipt.h); copies
};
inline constexpr int kCfCount = 9;
inline constexpr std::array<const char*, kCfCount> kCfNames = {
    "default",  "events", "streams",     "stream_index", "type_index",
    "commands", "meta",   "received_at", "receipts"};

// What `db` occupies: SST, live data, WAL and memtable bytes summed over
// every column family.
absl::StatusOr<DiskUsage> DiskUsageOf(rocksdb::DB* db,
                                      absl::string_view context);

// rocksdb::Status -> absl::Status, prefixed "event_log: <context>: ". The
// only such conversion in the project.
absl::Status ToStatus(const rocksdb::Status& s, absl::string_view context);

// The DBOptions every RocksDB of the project starts from (event logs and
// read-model stores), for the database in `dir` (storage/README.md
// "RocksDB tuning" and "Full disks"):
// - the info log goes through spdlog (rocks_logger.h), never to a LOG file
//   on the data disk;
// - no preallocation (allow_fallocate = false): RocksDB would otherwise
//   reserve a WAL block of min(1.1 x the largest write buffer,
//   max_total_wal_size) = 64 MiB and a 4 MiB MANIFEST block per database,
//   whatever it holds;
// - the file system set by SetFileSystemForTesting, if any.
rocksdb::DBOptions BaseDbOptions(const std::string& dir);

// Creates `dir` and its missing parents, and fsyncs the parent of each
// directory it created, so that the new entries survive a power cut
// (RocksDB fsyncs the entries it makes inside its directory, never the
// directory's own entry).
absl::Status CreateDirectoriesDurably(const std::string& dir);

// Test seam (storage/testing/power_cut_fs.h): while set, every database
// opened afterwards uses this file system instead of the default one. Null
// (the default) outside tests.
void SetFileSystemForTesting(std::shared_ptr<rocksdb::FileSystem> fs);

// Test seam (storage/event_log_testing.h, WalSyncCounter): while set, every
// RocksDb::Open gives its DB this statistics object, so a test can read
// RocksDB's own counters for a log it opened with EventLog::Open. Null (the
// default) outside tests: statistics cost time on every write.
void SetStatisticsForTesting(std::shared_ptr<rocksdb::Statistics> statistics);

class RocksDb {
 public:
  // Opens the DB in dir, creating missing column families (and the DB when
  // create_if_missing). RESOURCE_EXHAUSTED when the disk is below the
  // reserve (disk_space.h): a node started on a full disk says so.
  static absl::StatusOr<std::unique_ptr<RocksDb>> Open(const std::string& dir,
                                                       bool create_if_missing);
  ~RocksDb();
  RocksDb(const RocksDb&) = delete;
  RocksDb& operator=(const RocksDb&) = delete;

  // One atomic write. sync=false leaves the WAL in the OS page cache.
  // Refused (nothing written) while WriteState() is not OK. A write that
  // fails makes the DB failed (below).
  absl::Status Write(rocksdb::WriteBatch* batch, bool sync);
  // fsyncs the WAL: everything written before the call is durable after it.
  // Refused, and failing, as Write.
  absl::Status SyncWal();

  // Whether writes are accepted now: OK; RESOURCE_EXHAUSTED naming the
  // directory, free and reserved bytes when the disk is below the reserve
  // (or a write failed for lack of space); UNAVAILABLE while the DB is
  // failed for another reason. Reads the free space at most every 50 ms.
  absl::Status WriteState();

  // Failed: a write or WAL sync returned an error. RocksDB's WAL writer may
  // then be unusable (Debian's librocksdb asserts on the next write to a
  // file whose write failed, and RocksDB's own recovery keeps that writer
  // when the memtables are empty), so nothing is written or synced again
  // until Reopen. Reads go on.
  bool failed() const;
  // Called once each time the DB becomes failed, with the error (set once,
  // before any write; runs on the failing thread, under its locks: it must
  // only note the failure).
  void set_on_failure(std::function<void(const absl::Status&)> on_failure) {
    on_failure_ = std::move(on_failure);
  }

  // Makes the DB failed with `error` (a caller that found it unusable);
  // returns the refusal writes get.
  absl::Status MarkFailed(const absl::Status& error) { return Fail(error); }

  // Recovers a failed DB: closes it without syncing or flushing, opens it
  // again (RocksDB replays the WAL: everything written is back; a torn
  // record at its end is cut) and flushes the memtables, so everything
  // written is durable; then it is no longer failed. If the open fails,
  // the DB stays failed and is opened read-only if it can be (reads go
  // on). Must not race with any other call.
  absl::Status Reopen();

  // Point read; false when the key is absent.
  absl::StatusOr<bool> Get(Cf cf, absl::string_view key,
                           std::string* value) const;

  // An iterator over cf. `options` (and its iterate_upper_bound) must
  // outlive the iterator.
  std::unique_ptr<rocksdb::Iterator> NewIterator(
      Cf cf, const rocksdb::ReadOptions& options) const;

  rocksdb::ColumnFamilyHandle* handle(Cf cf) const {
    return handles_[static_cast<int>(cf)];
  }

  const std::string& dir() const { return dir_; }

  // Online backup: a consistent copy of the DB in dir (hard links where
  // possible). dir must not exist.
  absl::Status Checkpoint(const std::string& dir) const;

  // See DiskUsageOf.
  absl::StatusOr<DiskUsage> GetDiskUsage() const;

  // Syncs the WAL and closes (a failed DB: closes only); idempotent.
  absl::Status Close();

 private:
  RocksDb(std::string dir, bool create_if_missing)
      : dir_(std::move(dir)),
        create_if_missing_(create_if_missing),
        disk_(dir_) {}

  // Opens db_ and handles_ (read_only: for reads while failed).
  absl::Status OpenDb(bool read_only);
  // Closes db_; `clean`: sync the WAL and flush first.
  absl::Status CloseDb(bool clean);
  // Records a failed write or sync (first error kept) and answers with
  // the refusal the caller returns.
  absl::Status Fail(const absl::Status& error);
  // The refusal of a write while failed with `error`.
  absl::Status Refusal(const absl::Status& error);

  // Constant after construction.
  const std::string dir_;
  const bool create_if_missing_;
  std::function<void(const absl::Status&)> on_failure_;

  DiskReserveCheck disk_;  // internally synchronized

  std::unique_ptr<rocksdb::DB> db_;  // null only when even a reopen failed
  std::array<rocksdb::ColumnFamilyHandle*, kCfCount> handles_{};

  mutable absl::Mutex mu_;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);  // OK unless failed
};

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_ROCKS_DB_H_
