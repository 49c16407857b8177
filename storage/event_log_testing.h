// Test-only access to a log's RocksDB: tampering with a stored log, for
// tests that prove damage is found (audit Verify), and RocksDB's own count
// of WAL syncs, for tests that acknowledged appends were synced.
// storage/ is the only place that may include RocksDB headers, so the raw
// access lives here; nothing in a binary links it.
//
// FlipEnvelopeByte, RewriteTail, DeleteEvent, SetHead, SetStoredHash and
// StoreEventPastHead: the log in `dir` must be CLOSED (no EventLog open on
// it): they open the RocksDB directly, rewrite values and close it again.
//
// Note EventLog::Open's tail check recomputes the last
// EventLogOptions::verify_tail_on_open events (1024 by default) and the
// event before them, and compares the head record with the last event:
// damage there makes Open fail with DATA_LOSS, damage further back is found
// only by a full verification.
#ifndef REPORTING_STORAGE_EVENT_LOG_TESTING_H_
#define REPORTING_STORAGE_EVENT_LOG_TESTING_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/receipt.h"

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

// Removes event `sequence` from the events column family and nothing else
// (its index entries and the head record stay): an event lost or deleted
// behind the log's back. NOT_FOUND for a missing event.
absl::Status DeleteEvent(const std::string& dir, uint64_t sequence);

// Overwrites the head record (meta "head") with `sequence` and `hash`,
// whatever events are stored: a head that no longer describes the last
// event. INVALID_ARGUMENT unless `hash` is kHashBytes bytes.
absl::Status SetHead(const std::string& dir, uint64_t sequence,
                     absl::string_view hash);

// Replaces event `sequence`'s stored hash with `hash`, leaving its envelope
// as it was (the damage FlipEnvelopeByte does, from the other side).
// NOT_FOUND for a missing event, INVALID_ARGUMENT unless `hash` is
// kHashBytes bytes.
absl::Status SetStoredHash(const std::string& dir, uint64_t sequence,
                           absl::string_view hash);

// Stores one more event at head + 1 without moving the head record: the
// head event's envelope with the next sequence, a new event id and the
// head's hash as prev_hash, correctly hashed, so only its place past the
// head is wrong (every append writes its events and the new head in one
// batch, so no crash leaves this). Returns its sequence; FAILED_PRECONDITION
// for a log without events.
absl::StatusOr<uint64_t> StoreEventPastHead(const std::string& dir);

// Receipts of a copy (storage/receipt.h). The log in `dir` must be CLOSED.
//
// Rewrites stored receipt `number` with `edit` applied to it; with
// `rehash` its hash is recomputed from the edited fields (the chain past
// it then no longer links), otherwise its hash is left as it was.
// NOT_FOUND for a missing receipt.
absl::Status EditReceipt(const std::string& dir, uint64_t number,
                         const std::function<void(Receipt&)>& edit,
                         bool rehash = false);

// Removes stored receipt `number` and nothing else.
absl::Status DeleteReceipt(const std::string& dir, uint64_t number);

// Replaces every receipt with the receive time entry an earlier version
// wrote for the same write (received_at: be64(last) -> be64(first)
// be64(received_at_us)): a copy as written before receipts existed.
absl::Status ReceiptsToReceiveTimes(const std::string& dir);

// While it lives, every log opened (EventLog::Open) writes type_index
// entries with its events and no meta "type_indexed", as every version
// before lazy type indexing did (storage/README.md "Types, lazily"): a log
// written by the old code path, for tests of such logs and append_bench's
// baseline. One at a time.
class EagerTypeIndexForTesting {
 public:
  EagerTypeIndexForTesting();
  ~EagerTypeIndexForTesting();
  EagerTypeIndexForTesting(const EagerTypeIndexForTesting&) = delete;
  EagerTypeIndexForTesting& operator=(const EagerTypeIndexForTesting&) = delete;
};

// What the type index of the CLOSED log in `dir` holds: the sequence of
// each type_index entry, in key order, and meta "type_indexed" (absent:
// has_cursor false).
struct TypeIndexContents {
  std::vector<uint64_t> sequences;
  bool has_cursor = false;
  uint64_t cursor = 0;
};
absl::StatusOr<TypeIndexContents> ReadTypeIndex(const std::string& dir);

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
