// Test-only access to a log's RocksDB: tampering with a stored log, for
// tests that prove damage is found (audit Verify), and RocksDB's own count
// of WAL syncs, for tests that acknowledged appends were synced.
// storage/ is the only place that may include RocksDB headers, so the raw
// access lives here; nothing in a binary links it.
//
// FlipEnvelopeByte and RewriteTail: the log in `dir` must be CLOSED (no
// EventLog open on it): they open the RocksDB directly, rewrite values and
// close it again.
//
// Note EventLog::Open's tail check recomputes the last
// EventLogOptions::verify_tail_on_open events (1024 by default): damage
// there makes Open fail with DATA_LOSS, damage further back is found only
// by a full verification.
#ifndef REPORTING_STORAGE_EVENT_LOG_TESTING_H_
#define REPORTING_STORAGE_EVENT_LOG_TESTING_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace rocksdb {
class Statistics;
}  // namespace rocksdb

namespace reporting::storage::testing {

// XORs byte `offset` of event `sequence`'s stored envelope with `mask`
// (the stored hash is left as it was, so the two no longer agree).
// NOT_FOUND for a missing event, OUT_OF_RANGE for an offset past the
// envelope.
absl::Status FlipEnvelopeByte(const std::string& dir, uint64_t sequence,
                              size_t offset, uint8_t mask = 0x01);

// Gives event `from` (> 1) another actor and re-chains it and every later
// event and the head: the log stays internally consistent (it opens and
// verifies) but differs, from `from` on, from every copy made before, as a
// log rewritten behind the node's back would.
absl::Status RewriteTail(const std::string& dir, uint64_t from,
                         absl::string_view actor);

// Counts RocksDB's own WAL syncs of every log opened (EventLog::Open) while
// it lives: construct it before opening the log. Its count is RocksDB's
// WAL_FILE_SYNCED ticker, which counts both kinds of sync the log makes: a
// write with sync=true (an Append leading its group) and DB::SyncWAL()
// (GroupCommit: AppendAsync, replicas). The "syncs" of the rocksdb.dbstats
// property count only the first kind (checked on RocksDB 7.8). Closing a
// log syncs too: read the count before Close. One counter at a time.
class WalSyncCounter {
 public:
  WalSyncCounter();
  ~WalSyncCounter();
  WalSyncCounter(const WalSyncCounter&) = delete;
  WalSyncCounter& operator=(const WalSyncCounter&) = delete;

  uint64_t syncs() const;

 private:
  std::shared_ptr<rocksdb::Statistics> statistics_;
};

}  // namespace reporting::storage::testing

#endif  // REPORTING_STORAGE_EVENT_LOG_TESTING_H_
