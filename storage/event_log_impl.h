// EventLogImpl: the RocksDB-backed EventLog (see event_log.h for the
// contract, storage/README.md for the formats). Internal to storage/.
//
// Locking, in acquisition order:
//   lifecycle_ (reader: every public call but WaitForAppend; writer: Close)
//   queue_mu_  (the writer queue of Append; held only to queue and pop)
//   append_mu_ (the append critical section: idempotency, versions,
//               sequence assignment, hashing, the RocksDB write)
//   written_mu_ (held only to read or change one field, so a thread
//               settling a group never waits for a write)
//   GroupCommit's own mutex (durable head)
// A public method takes lifecycle_ once; private *Locked helpers never take
// it again (a reader lock is not re-entrant while Close waits).
#ifndef REPORTING_STORAGE_EVENT_LOG_IMPL_H_
#define REPORTING_STORAGE_EVENT_LOG_IMPL_H_

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "reporting/v1/envelope.pb.h"
#include "rocksdb/write_batch.h"
#include "storage/command_filter.h"
#include "storage/envelope.h"
#include "storage/envelope_view.h"
#include "storage/event_log.h"
#include "storage/group_commit.h"
#include "storage/rocks_db.h"
#include "storage/staged_streams.h"

namespace reporting::storage {

// A copy's receipts at open (event_log_receipts.cc): makes the receipts of
// a copy written before receipts existed from its stored receive times
// (README.md "Receipts"), then returns the last receipt (number 0: none).
// DATA_LOSS when the last receipt is past the head or its hash does not
// hold.
absl::StatusOr<Receipt> OpenReceipts(RocksDb& db,
                                     const EventLogOptions& options,
                                     const Head& head);

// Test seam (event_log_testing.h, EagerTypeIndexForTesting): while true,
// logs opened write type_index entries with their events and no type
// index cursor, as every version before lazy type indexing did. False
// outside tests.
std::atomic<bool>& EagerTypeIndexSeam();

class EventLogImpl : public EventLog {
 public:
  // Takes an open DB whose tail has been checked; head is its last event,
  // receipt_head its last receipt (number 0: none; OpenReceipts).
  EventLogImpl(EventLogOptions options, std::unique_ptr<RocksDb> db, Head head,
               Receipt receipt_head);
  ~EventLogImpl() override;

  absl::StatusOr<AppendResult> Append(const AppendRequest& request) override;
  void AppendAsync(AppendRequest request, AppendCallback done) override;
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
  absl::StatusOr<CommandRecord> FindCommand(
      absl::string_view command_id) const override;
  Head WaitForAppend(uint64_t after_sequence, absl::Duration timeout,
                     uint64_t wake_generation) const override;
  uint64_t WakeGeneration() const override;
  void WakeWaiters() const override;
  absl::StatusOr<Head> AppendReplicated(const std::vector<StoredEvent>& events,
                                        int64_t received_at_us) override;
  absl::StatusOr<Head> WriteReplicated(const std::vector<StoredEvent>& events,
                                       int64_t received_at_us) override;
  absl::Status AwaitDurable(uint64_t sequence) override;
  absl::StatusOr<Head> AppendRestored(
      const std::vector<StoredEvent>& events) override;
  absl::StatusOr<int64_t> ReceivedAt(uint64_t sequence) const override;
  absl::StatusOr<Receipt> ReceiptFor(uint64_t sequence) const override;
  absl::StatusOr<std::vector<Receipt>> ReadReceipts(
      uint64_t from_sequence, size_t max_receipts) const override;
  absl::Status Verify(const ProgressFn& progress) const override;
  absl::Status Checkpoint(const std::string& dir) const override;
  absl::StatusOr<DiskUsage> GetDiskUsage() const override;
  absl::Status WriteHealth() override;
  absl::Status Close() override;

  // For tests and metrics: WAL syncs run so far.
  uint64_t sync_count() const { return commit_.sync_count(); }
  // For tests: RocksDB writes made by Append (one per group).
  uint64_t append_write_count() const {
    absl::MutexLock l(&append_mu_);
    return append_writes_;
  }

 private:
  // First and last sequence of an append.
  using Range = std::pair<uint64_t, uint64_t>;
  // A command index entry as held (storage/README.md, "commands").
  struct HeldCommand {
    bool refused = false;
    Range range{0, 0};     // accepted: its events
    absl::Status refusal;  // refused: the recorded answer
    std::string digest;    // empty or kDigestBytes
  };

  // The append path (event_log_append.cc).
  struct Writer;  // one Append call in the writer queue
  // What a group's leader has staged so far (WriteGroup, StageLocked).
  struct Staging {
    using Stream = StagedStreams::Stream;
    Head head;  // last event staged
    // Every stream an append of the group looked at, in order. Ids view
    // the requests' strings, which live until the group is answered (all
    // is reset before the next group, never read after).
    StagedStreams streams;
    // Command ids staged in this group (groups of two or more appends),
    // with the member that staged each (its events or its refusal): a
    // repeat later in the group is answered as that one, which the command
    // index cannot show yet. Once written, the index shows it (RocksDB
    // reads see a write as soon as it returns, durable or not).
    absl::flat_hash_map<absl::string_view, const Writer*> commands;
  };
  // AppendAsync writers answered, with their outcomes, callbacks not yet
  // called (the writers are owned: deleted by FinishAsync).
  using Answered =
      std::vector<std::pair<Writer*, absl::StatusOr<AppendResult>>>;
  // A group holds at most this many events (one RocksDB write).
  static constexpr size_t kMaxGroupEvents = kMaxEventsPerAppend;
  // The leader thread writes at most this many appends per group, so the
  // first groups of a burst sync while it writes the rest (one group of 64
  // single-event appends was written, then synced, then answered, in
  // series; docs/PERFORMANCE.md has the measurements).
  static constexpr size_t kMaxAsyncGroupAppends = 16;
  // A leader leads at most this many groups in a row (bounds its latency).
  static constexpr int kMaxLeadRounds = 8;

  absl::Status CheckOpen(absl::string_view op) const
      ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // Queues w; returns once a group's leader (maybe w itself) has written
  // it and made it durable, or refused it (w->status).
  // AppendAsync members answered on this thread are added to `answered`,
  // for FinishAsync once lifecycle_ is released.
  void RunInGroup(Writer* w, Answered* answered)
      ABSL_LOCKS_EXCLUDED(queue_mu_, append_mu_)
          ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // Writes groups from the front of the queue until it is empty or the
  // lead passes on. `self`: the leading Append's writer, or nullptr on the
  // async leader thread.
  void LeadGroups(const Writer* self, Answered* answered)
      ABSL_LOCKS_EXCLUDED(queue_mu_, append_mu_)
          ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // After SettleGroup: wakes the group's Append members and adds its
  // AppendAsync members, with their outcomes, to `answered`. `leader`: the
  // Append leading, if any.
  void Answer(const std::vector<Writer*>& group, const Writer* leader,
              Answered* answered) ABSL_LOCKS_EXCLUDED(queue_mu_, append_mu_)
      ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // The answerer thread: settles and answers the groups the async leader
  // thread wrote, in order, until Close stops it.
  void AnswerLoop() ABSL_LOCKS_EXCLUDED(queue_mu_, lifecycle_);
  // Marks the group's waiting members (not the leader, not async ones)
  // done and wakes them.
  static void WakeMembers(const std::vector<Writer*>& group,
                          const Writer* leader);
  // Calls the answered AppendAsync members' callbacks, holding none of the
  // log's locks (a callback may append again), and frees them.
  void FinishAsync(Answered answered)
      ABSL_LOCKS_EXCLUDED(queue_mu_, append_mu_, lifecycle_);
  // An answered writer's outcome, as Append returns it.
  absl::StatusOr<AppendResult> OutcomeLocked(Writer& w) const
      ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // The async leader thread: leads whenever an AppendAsync finds nobody
  // leading, until Close stops it.
  void AsyncLeaderLoop() ABSL_LOCKS_EXCLUDED(queue_mu_, lifecycle_);
  // Close's first step: refuses new AppendAsync calls, waits until every
  // queued one is answered, stops the async leader thread.
  void DrainAsync() ABSL_LOCKS_EXCLUDED(queue_mu_, lifecycle_);
  // After WriteGroup: waits until the group is durable; sets each
  // member's final status.
  void SettleGroup(const std::vector<Writer*>& group)
      ABSL_LOCKS_EXCLUDED(append_mu_) ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // Stages every member of a group and writes them in one batch; sets
  // each member's answer. With `sync` (and the log's sync on) the write
  // syncs the WAL itself; else SettleGroup's GroupCommit syncs it.
  void WriteGroup(const std::vector<Writer*>& group, bool sync)
      ABSL_LOCKS_EXCLUDED(append_mu_) ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // Checks one append's versions, assigns its sequences and puts its
  // events into batch_; on a refusal batch_ and staging are unchanged.
  absl::Status StageLocked(const AppendRequest& request, Staging* staging,
                           AppendResult* result)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_)
          ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  static constexpr size_t kMaxCachedStreams = 1 << 20;

  // The stream's version as written (durable or not): from
  // version_cache_ (and *cached points at the entry), else its newest
  // stream_index entry (*cached null).
  absl::StatusOr<uint64_t> WrittenVersionLocked(absl::string_view stream_id,
                                                uint64_t** cached)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_)
          ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // Records versions just written (by Append or AppendReplicated): pairs
  // of stream id (a string or a view) and version.
  template <typename Pairs>
  void CacheVersionsLocked(const Pairs& versions)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_) {
    if (version_cache_.size() + versions.size() > kMaxCachedStreams) {
      version_cache_.clear();
    }
    for (const auto& [stream, version] : versions) {
      auto it = version_cache_.find(stream);
      if (it != version_cache_.end()) {
        it->second = version;
      } else {
        version_cache_.emplace(std::string(stream), version);
      }
    }
  }
  // The version of the stream's newest stream_index entry whose event's
  // sequence is <= max_sequence (kNoStream: none); `op` names the caller
  // in a DATA_LOSS message. A copy must be indexed up to max_sequence.
  absl::StatusOr<uint64_t> NewestVersionLocked(absl::string_view stream_id,
                                               uint64_t max_sequence,
                                               absl::string_view op) const
      ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
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
      const std::vector<EnvelopeView>& envelopes, int64_t received_at_us)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_)
          ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // Lazy indexes (event_log_lazy_index.cc): brings the indexes a read
  // uses up to `head` (a durable sequence) before it reads them: a copy's
  // stream_index and type_index (meta "indexed"), and for kTypes also an
  // own log's type_index (meta "type_indexed"). Does nothing for an index
  // written as the log writes.
  enum class IndexUse { kStreams, kTypes };
  absl::Status IndexUpTo(uint64_t head, IndexUse use) const
      ABSL_LOCKS_EXCLUDED(index_mu_) ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // When IndexUpTo is refused (a full disk, a failed write): how far the
  // type index is complete (<= head), and the events past it, up to `head`,
  // of `event_type` whose (recorded_at_us, sequence) is at or after
  // `lower` and whose time is before `to_us`, in that order, read from the
  // events column. ReadByType answers from both, so reads go on.
  using TypeHit = std::pair<int64_t, uint64_t>;  // recorded_at_us, sequence
  absl::StatusOr<uint64_t> TypesIndexedUpTo(uint64_t head) const
      ABSL_LOCKS_EXCLUDED(index_mu_) ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  absl::StatusOr<std::vector<TypeHit>> UnindexedOfTypeLocked(
      absl::string_view event_type, TypeHit lower, int64_t to_us,
      uint64_t indexed, uint64_t head) const
      ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // A lazily written index's cursor: kEager while its meta key is absent
  // (the index is complete up to the written head), kLazy once present
  // (events up to `indexed` are indexed).
  enum class IndexState { kUnknown, kEager, kLazy };
  struct IndexCursor {
    IndexState state = IndexState::kUnknown;
    uint64_t indexed = 0;
  };
  // Reads the cursor's meta `key` once (kUnknown -> kEager or kLazy).
  absl::Status LoadCursorLocked(absl::string_view key,
                                IndexCursor* cursor) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(index_mu_)
          ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // Indexes the events past a kLazy cursor up to `head`: type_index
  // entries, and stream_index entries too when `streams`; each chunk's
  // entries and the new cursor (meta `key`) in one write.
  absl::Status CatchUpLocked(absl::string_view key, bool streams, uint64_t head,
                             IndexCursor* cursor) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(index_mu_)
          ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // An own log's writes of events (Append's groups, AppendRestored) carry
  // no type_index entries. The first one after the log was written with
  // them (no meta "type_indexed": an earlier version's log, or a new one)
  // puts the cursor = `head`, the head before it, into `batch`; true when
  // it did. Reads the key once per open.
  absl::StatusOr<bool> StageTypeCursorLocked(rocksdb::WriteBatch* batch,
                                             uint64_t head)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_)
          ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // After the write that StageTypeCursorLocked's cursor went into.
  void TypeCursorWrittenLocked(uint64_t head)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_) ABSL_LOCKS_EXCLUDED(index_mu_);
  // The command index entry of `command_id` (written, durable or not);
  // false when there is none.
  absl::StatusOr<bool> LookupCommandLocked(absl::string_view command_id,
                                           HeldCommand* held) const
      ABSL_SHARED_LOCKS_REQUIRED(lifecycle_);
  // LookupCommandLocked for the append path: skips the lookup for an id
  // the command filter has never seen (building the filter on first use),
  // and records the id there (the caller stages it next).
  absl::StatusOr<bool> KnownCommandLocked(absl::string_view command_id,
                                          HeldCommand* held)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);

  // Recovery from a failed write or sync (storage/README.md "Full
  // disks"): RocksDb refuses every write once one failed; a recovery
  // thread waits until the disk has room and reopens the log.
  // Starts the recovery thread unless it runs or the log is closing.
  void StartRecovery() ABSL_LOCKS_EXCLUDED(recovery_mu_);
  // The recovery thread: until the reopen succeeds or Close stops it.
  void RecoveryLoop() ABSL_LOCKS_EXCLUDED(recovery_mu_, lifecycle_);
  // Reopens the RocksDB and takes its head as written and durable
  // (event_log.cc).
  absl::Status ReopenLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(lifecycle_);

  // Constant after construction.
  const EventLogOptions options_;
  const std::unique_ptr<RocksDb> db_;  // closed (not freed) by Close()

  GroupCommit commit_;  // internally synchronized

  mutable absl::Mutex lifecycle_;
  bool closed_ ABSL_GUARDED_BY(lifecycle_) = false;

  // The writer queue: Append calls waiting for a group's leader; the
  // front one leads (event_log_append.cc).
  absl::Mutex queue_mu_ ABSL_ACQUIRED_AFTER(lifecycle_)
      ABSL_ACQUIRED_BEFORE(append_mu_);
  std::deque<Writer*> writers_ ABSL_GUARDED_BY(queue_mu_);
  // AppendAsync: writers queued and not yet answered; the leader thread
  // (started by the first call) and what it is asked to do.
  size_t async_pending_ ABSL_GUARDED_BY(queue_mu_) = 0;
  bool async_lead_wanted_ ABSL_GUARDED_BY(queue_mu_) = false;
  // An AppendAsync made by a callback FinishAsync is running found the
  // queue empty: the leader thread is woken when the callbacks are done
  // (or by the next Append).
  bool wake_deferred_ ABSL_GUARDED_BY(queue_mu_) = false;
  bool async_leading_ ABSL_GUARDED_BY(queue_mu_) = false;
  bool async_closing_ ABSL_GUARDED_BY(queue_mu_) = false;
  std::thread async_leader_ ABSL_GUARDED_BY(queue_mu_);
  // Groups the async leader thread wrote, for the answerer thread (in
  // write order), and whether it is answering one.
  std::deque<std::vector<Writer*>> written_groups_ ABSL_GUARDED_BY(queue_mu_);
  bool answering_ ABSL_GUARDED_BY(queue_mu_) = false;
  std::thread async_answerer_ ABSL_GUARDED_BY(queue_mu_);

  mutable absl::Mutex append_mu_ ABSL_ACQUIRED_AFTER(lifecycle_);
  // The group's batch, value and key buffers, reused (keep their capacity).
  rocksdb::WriteBatch batch_ ABSL_GUARDED_BY(append_mu_);
  std::string value_buffer_ ABSL_GUARDED_BY(append_mu_);
  std::string stream_key_buffer_ ABSL_GUARDED_BY(append_mu_);
  // WriteGroup's staging (reused: its tables and head keep their memory),
  // the streams it wrote that the version cache did not hold, and the
  // command and head records' bytes.
  Staging staging_ ABSL_GUARDED_BY(append_mu_);
  std::vector<std::pair<absl::string_view, uint64_t>> staged_buffer_
      ABSL_GUARDED_BY(append_mu_);
  std::string record_buffer_ ABSL_GUARDED_BY(append_mu_);
  // StageLocked: the position in Staging::streams of each event's stream.
  std::vector<uint32_t> event_streams_ ABSL_GUARDED_BY(append_mu_);
  // StageLocked's list of an append's streams (id, staged version).
  std::vector<std::pair<absl::string_view, const uint64_t*>> touched_buffer_
      ABSL_GUARDED_BY(append_mu_);
  std::string type_key_buffer_ ABSL_GUARDED_BY(append_mu_);
  EnvelopeEncoder encoder_ ABSL_GUARDED_BY(append_mu_);
  // Which command ids the command index may hold (storage/command_filter.h).
  CommandFilter command_filter_ ABSL_GUARDED_BY(append_mu_);
  // Last event written to RocksDB (durable or not).
  Head written_ ABSL_GUARDED_BY(append_mu_);
  // A copy of written_ for GroupCommit: a sync reads it before it starts,
  // and must not wait for the write under way (it would start only once
  // that write ended, and the writer would have to wake it).
  mutable absl::Mutex written_mu_ ABSL_ACQUIRED_AFTER(append_mu_);
  Head written_published_ ABSL_GUARDED_BY(written_mu_);
  // Sets written_ and its published copy.
  // (Copies: assigning into the held heads reuses their hash strings.)
  void SetWrittenLocked(const Head& head)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_)
          ABSL_LOCKS_EXCLUDED(written_mu_) {
    absl::MutexLock l(&written_mu_);
    written_published_ = head;
    written_ = head;
  }
  // Written version of recently appended streams, so an append need not
  // seek stream_index; cleared when it reaches kMaxCachedStreams entries
  // (it is only a cache of the streams' newest index entries).
  absl::flat_hash_map<std::string, uint64_t> version_cache_
      ABSL_GUARDED_BY(append_mu_);
  uint64_t append_writes_ ABSL_GUARDED_BY(append_mu_) = 0;

  // A copy's last receipt written (durable or not; number 0: none yet).
  Receipt receipt_head_ ABSL_GUARDED_BY(append_mu_);
  // The receipt ReceiptFor found last (an audit replay asks for
  // consecutive sequences; receipts never change once durable).
  mutable absl::Mutex receipt_cache_mu_;
  mutable Receipt receipt_cache_ ABSL_GUARDED_BY(receipt_cache_mu_);

  // The recovery thread (StartRecovery). Taken on its own, or under
  // lifecycle_ and append_mu_ by the thread whose write failed.
  absl::Mutex recovery_mu_;
  std::thread recovery_ ABSL_GUARDED_BY(recovery_mu_);
  bool recovering_ ABSL_GUARDED_BY(recovery_mu_) = false;
  bool recovery_stop_ ABSL_GUARDED_BY(recovery_mu_) = false;

  // Lazy indexes (storage/README.md "Replicas", "Types, lazily"): a write
  // leaves them out, and the first read that needs them indexes what is
  // missing. copy_cursor_: meta "indexed", a copy's stream_index and
  // type_index (kEager: a node's own log, a copy from before lazy
  // indexing). type_cursor_: meta "type_indexed", an own log's type_index
  // (kEager: a copy, an own log not written since it was eagerly indexed).
  mutable absl::Mutex index_mu_ ABSL_ACQUIRED_AFTER(append_mu_);
  mutable IndexCursor copy_cursor_ ABSL_GUARDED_BY(index_mu_);
  mutable IndexCursor type_cursor_ ABSL_GUARDED_BY(index_mu_);
  // The append side's knowledge of meta "type_indexed" (written: later
  // writes need not put it), read once per open by StageTypeCursorLocked.
  enum class TypeCursorOnDisk { kUnknown, kAbsent, kPresent };
  TypeCursorOnDisk type_cursor_on_disk_ ABSL_GUARDED_BY(append_mu_) =
      TypeCursorOnDisk::kUnknown;
  // Test seam (event_log_testing.h, EagerTypeIndexForTesting): this log
  // writes type_index entries with its events and no cursor, as every
  // version before lazy type indexing did.
  const bool eager_type_index_;
};

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_EVENT_LOG_IMPL_H_
