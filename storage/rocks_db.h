// RocksDb: the one wrapper that owns RocksDB for the event log: the DB, its
// column family handles and their options, and the only conversion of
// rocksdb::Status to absl::Status. Internal to storage/: never include it
// from a public header.
//
// Thread safety: all methods may be called concurrently, except Close() and
// the destructor, which must not race with any other call.
#ifndef REPORTING_STORAGE_ROCKS_DB_H_
#define REPORTING_STORAGE_ROCKS_DB_H_

#include <array>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
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

// Test seam (storage/event_log_testing.h, WalSyncCounter): while set, every
// RocksDb::Open gives its DB this statistics object, so a test can read
// RocksDB's own counters for a log it opened with EventLog::Open. Null (the
// default) outside tests: statistics cost time on every write.
void SetStatisticsForTesting(std::shared_ptr<rocksdb::Statistics> statistics);

class RocksDb {
 public:
  // Opens the DB in dir, creating missing column families (and the DB when
  // create_if_missing).
  static absl::StatusOr<std::unique_ptr<RocksDb>> Open(const std::string& dir,
                                                       bool create_if_missing);
  ~RocksDb();
  RocksDb(const RocksDb&) = delete;
  RocksDb& operator=(const RocksDb&) = delete;

  // One atomic write. sync=false leaves the WAL in the OS page cache.
  absl::Status Write(rocksdb::WriteBatch* batch, bool sync);
  // fsyncs the WAL: everything written before the call is durable after it.
  absl::Status SyncWal();

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

  // Online backup: a consistent copy of the DB in dir (hard links where
  // possible). dir must not exist.
  absl::Status Checkpoint(const std::string& dir) const;

  // See DiskUsageOf.
  absl::StatusOr<DiskUsage> GetDiskUsage() const;

  // Syncs the WAL and closes; idempotent.
  absl::Status Close();

 private:
  RocksDb() = default;

  std::unique_ptr<rocksdb::DB> db_;
  std::array<rocksdb::ColumnFamilyHandle*, kCfCount> handles_{};
};

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_ROCKS_DB_H_
