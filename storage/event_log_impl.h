// EventLogImpl: the RocksDB-backed EventLog (see event_log.h for the
// contract, storage/README.md for the formats). Internal to storage/.
//
// Locking, in acquisition order:
//   lifecycle_ (reader: every public call but WaitForAppend; writer: Close)
//   append_mu_ (the append critical section: idempotency, versions,
//               sequence assignment, hashing, the RocksDB write)
//   GroupCommit's own mutex (durable head)
// A public method takes lifecycle_ once; private *Locked helpers never take
// it again (a reader lock is not re-entrant while Close waits).
#ifndef REPORTING_STORAGE_EVENT_LOG_IMPL_H_
#define REPORTING_STORAGE_EVENT_LOG_IMPL_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "reporting/v1/envelope.pb.h"
#include "storage/event_log.h"
#include "storage/group_commit.h"
#include "storage/rocks_db.h"

namespace reporting::storage {

class EventLogImpl : public EventLog {
 public:
  // Takes an open DB whose tail has been checked; head is its last event.
  EventLogImpl(EventLogOptions options, std::unique_ptr<RocksDb> db,
               Head head);
  ~EventLogImpl() override;

  absl::StatusOr<AppendResult> Append(const AppendRequest& request) override;
  Head GetHead() const override;
  absl::StatusOr<std::vector<StoredEvent>> Read(
      uint64_t from, ReadLimits limits) const override;
  absl::StatusOr<StoredEvent> ReadOne(uint64_t sequence) const override;
  absl::StatusOr<std::vector<StoredEvent>> ReadStream(
      absl::string_view stream_id, uint64_t from_version,
      ReadLimits limits) const override;
  absl::StatusOr<uint64_t> StreamVersion(
      absl::string_view stream_id) const override;
  absl::StatusOr<std::vector<StoredEvent>> ReadByType(
      absl::string_view event_type, int64_t from_us, int64_t to_us,
      uint64_t after_sequence, ReadLimits limits) const override;
  absl::StatusOr<AppendResult> LookupCommand(
      absl::string_view command_id) const override;
  Head WaitForAppend(uint64_t after_sequence,
                     absl::Duration timeout) const override;
  absl::StatusOr<Head> AppendReplicated(const std::vector<StoredEvent>& events,
                                        int64_t received_at_us) override;
  absl::StatusOr<Head> WriteReplicated(const std::vector<StoredEvent>& events,
                                       int64_t received_at_us) override;
  absl::Status AwaitDurable(uint64_t sequence) override;
  absl::StatusOr<Head> AppendRestored(
      const std::vector<StoredEvent>& events) override;
  absl::StatusOr<int64_t> ReceivedAt(uint64_t sequence) const override;
  absl::Status Verify(const ProgressFn& progress) const override;
  absl::Status Checkpoint(const std::string& dir) const override;
  absl::StatusOr<DiskUsage> GetDiskUsage() const override;
  absl::Status Close() override;

  // For tests and metrics: WAL syncs run so far.
  uint64_t sync_count() const { return commit_.sync_count(); }

 private:
  // First and last sequence of an append.
  using Range = std::pair<uint64_t, uint64_t>;

  absl::Status CheckOpen(absl::string_view op) const
      ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // Checks versions, assigns sequences, writes the batch (not yet synced).
  absl::StatusOr<AppendResult> WriteLocked(const AppendRequest& request)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_)
          ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  static constexpr size_t kMaxCachedStreams = 1 << 20;

  // The stream's version as written (durable or not): from
  // version_cache_, else the streams column family.
  absl::StatusOr<uint64_t> WrittenVersionLocked(absl::string_view stream_id)
      const ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_)
          ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // Records versions just written (by Append or AppendReplicated).
  void CacheVersionsLocked(const std::map<std::string, uint64_t>& versions)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  // The stored event; DATA_LOSS when it is missing or malformed.
  absl::StatusOr<StoredEvent> GetEventLocked(uint64_t sequence) const
      ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // An append's result rebuilt from its stored events.
  absl::StatusOr<AppendResult> ResultFromEventsLocked(Range range) const
      ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // AppendReplicated's checks against what is held, and its write
  // (event_log_replica.cc). Returns the head written.
  // received_at_us < 0: a restore of the node's own log (AppendRestored):
  // command index entries instead of receive times.
  absl::StatusOr<Head> WriteReplicatedLocked(
      const std::vector<StoredEvent>& events,
      const std::vector<v1::EventEnvelope>& envelopes, int64_t received_at_us)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_)
          ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  absl::StatusOr<bool> LookupCommandLocked(absl::string_view command_id,
                                           Range* range) const
      ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);

  // Constant after construction.
  const EventLogOptions options_;
  const std::unique_ptr<RocksDb> db_;  // closed (not freed) by Close()

  GroupCommit commit_;  // internally synchronized

  mutable absl::Mutex lifecycle_;
  bool closed_ ABSL_GUARDED_BY(lifecycle_) = false;

  mutable absl::Mutex append_mu_ ABSL_ACQUIRED_AFTER(lifecycle_);
  // Last event written to RocksDB (durable or not).
  Head written_ ABSL_GUARDED_BY(append_mu_);
  // Command ids written but not yet durable -> their sequences.
  std::map<std::string, Range, std::less<>> in_flight_
      ABSL_GUARDED_BY(append_mu_);
  // Written version of recently appended streams, so an append need not
  // read the streams column family; cleared when it reaches
  // kMaxCachedStreams entries (it is only a cache of that column family).
  absl::flat_hash_map<std::string, uint64_t> version_cache_
      ABSL_GUARDED_BY(append_mu_);
  // A failed write leaves RocksDB's state unknown: refuse further appends.
  absl::Status write_error_ ABSL_GUARDED_BY(append_mu_);
};

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_EVENT_LOG_IMPL_H_
