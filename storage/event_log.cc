// EventLog::Open, and EventLogImpl's lifecycle (construction, close,
// checkpoint) and version lookups. The append path is event_log_append.cc.
#include <pthread.h>

#include <algorithm>
#include <limits>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "reporting/v1/envelope.pb.h"
#include "spdlog/spdlog.h"
#include "storage/chain_check.h"
#include "storage/disk_space.h"
#include "storage/event_log_impl.h"
#include "storage/hash_chain.h"
#include "storage/keys.h"
#include "storage/status_macros.h"

namespace reporting::storage {
namespace {

// Reads the head record and checks it against the last stored event (its
// sequence and stored hash) and the chain's tail
// (options.verify_tail_on_open events and the one before them).
absl::StatusOr<Head> CheckTail(const RocksDb& db, const std::string& dir,
                               const EventLogOptions& options) {
  const std::string where = absl::StrCat(
      "event_log: open node=", options.node_id, " dir=", dir, ": ");
  Head head{0, ZeroHash()};
  std::string value;
  ASSIGN_OR_RETURN(bool has_head, db.Get(Cf::kMeta, keys::kHeadKey, &value));
  if (has_head && !keys::DecodeHeadValue(value, &head.sequence, &head.hash)) {
    return absl::DataLossError(absl::StrCat(where, "malformed head record"));
  }
  uint64_t last = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it =
        db.NewIterator(Cf::kEvents, rocksdb::ReadOptions());
    it->SeekToLast();
    if (it->Valid() &&
        !keys::DecodeEventKey(
            absl::string_view(it->key().data(), it->key().size()), &last)) {
      return absl::DataLossError(
          absl::StrCat(where, "malformed key in the events column family"));
    }
    RETURN_IF_ERROR(ToStatus(it->status(), "open: find last event"));
  }
  if (last != head.sequence) {
    return absl::DataLossError(
        absl::StrCat(where, "head record says sequence ", head.sequence,
                     " but the last stored event is sequence ", last));
  }
  if (head.sequence == 0) return head;

  const uint64_t n = options.verify_tail_on_open;
  if (n > 0) {
    // The tail (the last n events) chains on from the hash stored with the
    // event before it, so that event is checked too, against the prev_hash
    // its own envelope claims (all that is known of it without reading
    // further back): damage to its stored hash is then named as its own,
    // not as the next event's, whose bytes are intact.
    const uint64_t from = head.sequence > n ? head.sequence - n : 1;
    std::string prev = ZeroHash();
    if (from > 1) {
      ASSIGN_OR_RETURN(bool found,
                       db.Get(Cf::kEvents, keys::EventKey(from), &value));
      absl::string_view hash, envelope;
      v1::EventEnvelope env;
      // Missing or malformed: CheckChain names what is wrong with it.
      if (found && keys::DecodeEventValue(value, &hash, &envelope) &&
          env.ParseFromArray(envelope.data(),
                             static_cast<int>(envelope.size()))) {
        prev = env.prev_hash();
      }
    }
    RETURN_IF_ERROR(CheckChain(db, "open", options.node_id, from, head.sequence,
                               std::move(prev), nullptr)
                        .status());
  }
  // The head event: its stored hash must be the head record's, and the
  // log must be this node's.
  ASSIGN_OR_RETURN(bool found,
                   db.Get(Cf::kEvents, keys::EventKey(head.sequence), &value));
  absl::string_view hash, envelope;
  v1::EventEnvelope env;
  if (!found || !keys::DecodeEventValue(value, &hash, &envelope) ||
      !env.ParseFromArray(envelope.data(), static_cast<int>(envelope.size()))) {
    return absl::DataLossError(
        absl::StrCat("event_log: open node=", options.node_id, " sequence ",
                     head.sequence, ": malformed"));
  }
  // Compared even when no hash was recomputed (n == 0): one read, and
  // appends would otherwise chain onto a hash the log does not hold.
  if (hash != head.hash) {
    return absl::DataLossError(absl::StrCat(
        "event_log: open node=", options.node_id, " sequence ", head.sequence,
        ": head record's hash does not match the event's"));
  }
  if (env.node_id() != options.node_id) {
    return absl::FailedPreconditionError(
        absl::StrCat(where, "this log belongs to node ", env.node_id(),
                     "; open it with that node id"));
  }
  return head;
}

}  // namespace

std::atomic<bool>& EagerTypeIndexSeam() {
  static std::atomic<bool> eager{false};
  return eager;
}

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(
    const std::string& dir, EventLogOptions options) {
  if (options.node_id.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("event_log: open dir=", dir, ": node id is empty"));
  }
  if (options.node_id.size() > kMaxNodeIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "event_log: open dir=", dir, ": node id has ", options.node_id.size(),
        " bytes; the limit is ", kMaxNodeIdBytes));
  }
  if (!options.now_us) {
    options.now_us = [] { return absl::ToUnixMicros(absl::Now()); };
  }
  ASSIGN_OR_RETURN(std::unique_ptr<RocksDb> db,
                   RocksDb::Open(dir, options.create_if_missing));
  ASSIGN_OR_RETURN(Head head, CheckTail(*db, dir, options));
  ASSIGN_OR_RETURN(Receipt receipt_head, OpenReceipts(*db, options, head));
  if (!options.sync) {
    spdlog::warn(
        "event_log: node={} dir={}: WAL SYNC IS OFF. Appends are acknowledged "
        "before they are durable; an OS crash or power loss can lose "
        "acknowledged events. Use this for benchmarks and bulk loads only.",
        options.node_id, dir);
  }
  spdlog::info("event_log: opened node={} dir={} head={} (tail of {} checked)",
               options.node_id, dir, head.sequence,
               std::min(head.sequence, options.verify_tail_on_open));
  return std::unique_ptr<EventLog>(
      new EventLogImpl(std::move(options), std::move(db), std::move(head),
                       std::move(receipt_head)));
}

EventLogImpl::EventLogImpl(EventLogOptions options, std::unique_ptr<RocksDb> db,
                           Head head, Receipt receipt_head)
    : options_(std::move(options)),
      db_(std::move(db)),
      commit_(
          head,
          [this] {
            absl::MutexLock l(&written_mu_);
            return written_published_;
          },
          // Without sync there is nothing to run (and no sync to count).
          options_.sync ? GroupCommit::SyncFn([this] { return db_->SyncWal(); })
                        : nullptr),
      written_(head),
      written_published_(head),
      receipt_head_(std::move(receipt_head)),
      eager_type_index_(EagerTypeIndexSeam().load()) {
  db_->set_on_failure([this](const absl::Status&) { StartRecovery(); });
}

void EventLogImpl::StartRecovery() {
  absl::MutexLock l(&recovery_mu_);
  if (recovering_ || recovery_stop_) return;
  // A thread that recovered earlier has ended (it clears recovering_
  // last, holding nothing else).
  if (recovery_.joinable()) recovery_.join();
  recovering_ = true;
  recovery_ = std::thread([this] { RecoveryLoop(); });
}

void EventLogImpl::RecoveryLoop() {
  pthread_setname_np(pthread_self(), "log-recovery");
  absl::Duration wait = absl::Milliseconds(200);
  for (;;) {
    {
      absl::MutexLock l(&recovery_mu_);
      auto stop = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(recovery_mu_) {
        return recovery_stop_;
      };
      if (recovery_mu_.AwaitWithTimeout(absl::Condition(&stop), wait)) {
        recovering_ = false;
        return;
      }
    }
    // Reopening writes (a MANIFEST, the replayed WAL's tables): only once
    // the disk is above its reserve again.
    if (!CheckDiskReserve(db_->dir(), "").ok()) continue;
    absl::Status s;
    {
      absl::WriterMutexLock life(&lifecycle_);
      if (closed_) break;
      s = ReopenLocked();
    }
    if (s.ok()) break;
    spdlog::warn("event_log: node={}: reopen after a failed write: {}",
                 options_.node_id, s.ToString());
    wait = std::min(wait * 2, absl::Seconds(5));
  }
  absl::MutexLock l(&recovery_mu_);
  recovering_ = false;
}

absl::Status EventLogImpl::ReopenLocked() {
  RETURN_IF_ERROR(db_->Reopen());
  absl::StatusOr<Head> tail = CheckTail(*db_, db_->dir(), options_);
  if (!tail.ok()) {
    // Not served for writing (as Open would not serve it at all).
    db_->MarkFailed(tail.status()).IgnoreError();
    return tail.status();
  }
  const Head head = *std::move(tail);
  // The receipts as the reopened database holds them (a failed write's
  // receipt may be gone with it).
  absl::StatusOr<Receipt> receipts = OpenReceipts(*db_, options_, head);
  if (!receipts.ok()) {
    db_->MarkFailed(receipts.status()).IgnoreError();
    return receipts.status();
  }
  Receipt receipt_head = *std::move(receipts);
  {
    absl::MutexLock l(&append_mu_);
    // Written and durable alike: the reopen flushed what the WAL held.
    SetWrittenLocked(head);
    receipt_head_ = std::move(receipt_head);
    version_cache_.clear();
    // A failed write's type cursor may be gone with it: read it again.
    type_cursor_on_disk_ = TypeCursorOnDisk::kUnknown;
  }
  {
    absl::MutexLock l(&index_mu_);
    copy_cursor_ = IndexCursor{};  // read meta "indexed" again
    type_cursor_ = IndexCursor{};  // and "type_indexed"
  }
  {
    absl::MutexLock l(&receipt_cache_mu_);
    receipt_cache_ = Receipt{};
  }
  commit_.Restart(head);
  spdlog::warn(
      "event_log: node={} dir={}: reopened after a failed write; appends "
      "resume at sequence {}",
      options_.node_id, db_->dir(), head.sequence + 1);
  return absl::OkStatus();
}

absl::Status EventLogImpl::WriteHealth() {
  absl::Status s = db_->WriteState();
  if (db_->failed()) StartRecovery();  // in case no write noticed it yet
  return s;
}

EventLogImpl::~EventLogImpl() {
  bool closed;
  {
    absl::ReaderMutexLock l(&lifecycle_);
    closed = closed_;
  }
  if (!closed) {
    absl::Status s = Close();
    if (!s.ok()) spdlog::error("{}", s.ToString());
  }
}

absl::Status EventLogImpl::CheckOpen(absl::string_view op) const {
  if (closed_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "event_log: ", op, " node=", options_.node_id, ": the log is closed"));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> EventLogImpl::WrittenVersionLocked(
    absl::string_view stream_id, uint64_t** cached) {
  auto it = version_cache_.find(stream_id);
  if (it != version_cache_.end()) {
    *cached = &it->second;
    return it->second;
  }
  *cached = nullptr;
  // Written events are all in RocksDB (durable or not): the newest entry.
  return NewestVersionLocked(stream_id, std::numeric_limits<uint64_t>::max(),
                             "append");
}

absl::Status EventLogImpl::Checkpoint(const std::string& dir) const {
  absl::ReaderMutexLock life(&lifecycle_);
  RETURN_IF_ERROR(CheckOpen("checkpoint"));
  return db_->Checkpoint(dir);
}

absl::StatusOr<DiskUsage> EventLogImpl::GetDiskUsage() const {
  absl::ReaderMutexLock life(&lifecycle_);
  RETURN_IF_ERROR(CheckOpen("disk usage"));
  return db_->GetDiskUsage();
}

absl::Status EventLogImpl::Close() {
  // Answers every queued AppendAsync first (they hold no lock meanwhile).
  DrainAsync();
  std::thread recovery;
  {
    // No recovery after this; a reopen under way finishes first.
    absl::MutexLock l(&recovery_mu_);
    recovery_stop_ = true;
    recovery = std::move(recovery_);
  }
  if (recovery.joinable()) recovery.join();
  // Waits for in-flight appends and reads: they hold lifecycle_ shared.
  absl::WriterMutexLock life(&lifecycle_);
  RETURN_IF_ERROR(CheckOpen("close"));
  closed_ = true;
  commit_.Shutdown();
  absl::Status s = db_->Close();
  spdlog::info("event_log: closed node={} head={}", options_.node_id,
               commit_.durable().sequence);
  return s;
}

}  // namespace reporting::storage
