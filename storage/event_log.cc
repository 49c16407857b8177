// EventLog::Open and the write side of EventLogImpl: append, close.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "reporting/v1/envelope.pb.h"
#include "rocksdb/write_batch.h"
#include "spdlog/spdlog.h"
#include "storage/append_validation.h"
#include "storage/chain_check.h"
#include "storage/envelope.h"
#include "storage/event_log_impl.h"
#include "storage/hash_chain.h"
#include "storage/keys.h"
#include "storage/status_macros.h"

namespace reporting::storage {
namespace {

// Reads the head record and checks it against the last stored event and
// the chain's tail (options.verify_tail_on_open events).
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
    const uint64_t from = head.sequence > n ? head.sequence - n + 1 : 1;
    std::string prev = ZeroHash();
    if (from > 1) {
      ASSIGN_OR_RETURN(bool found,
                       db.Get(Cf::kEvents, keys::EventKey(from - 1), &value));
      absl::string_view hash, envelope;
      if (!found || !keys::DecodeEventValue(value, &hash, &envelope)) {
        return absl::DataLossError(
            absl::StrCat("event_log: open node=", options.node_id, " sequence ",
                         from - 1, ": missing or malformed"));
      }
      prev.assign(hash.data(), hash.size());
    }
    ASSIGN_OR_RETURN(std::string last_hash,
                     CheckChain(db, "open", options.node_id, from,
                                head.sequence, std::move(prev), nullptr));
    if (last_hash != head.hash) {
      return absl::DataLossError(absl::StrCat(
          "event_log: open node=", options.node_id, " sequence ", head.sequence,
          ": head record's hash does not match the event's"));
    }
  }
  // The log must be this node's.
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
  if (env.node_id() != options.node_id) {
    return absl::FailedPreconditionError(
        absl::StrCat(where, "this log belongs to node ", env.node_id(),
                     "; open it with that node id"));
  }
  return head;
}

}  // namespace

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(
    const std::string& dir, EventLogOptions options) {
  if (options.node_id.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("event_log: open dir=", dir, ": node id is empty"));
  }
  if (!options.now_us) {
    options.now_us = [] { return absl::ToUnixMicros(absl::Now()); };
  }
  ASSIGN_OR_RETURN(std::unique_ptr<RocksDb> db,
                   RocksDb::Open(dir, options.create_if_missing));
  ASSIGN_OR_RETURN(Head head, CheckTail(*db, dir, options));
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
      new EventLogImpl(std::move(options), std::move(db), std::move(head)));
}

EventLogImpl::EventLogImpl(EventLogOptions options, std::unique_ptr<RocksDb> db,
                           Head head)
    : options_(std::move(options)),
      db_(std::move(db)),
      commit_(
          head,
          [this] {
            absl::MutexLock l(&append_mu_);
            return written_;
          },
          [this]() -> absl::Status {
            if (!options_.sync) return absl::OkStatus();
            return db_->SyncWal();
          }),
      written_(head) {}

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

absl::StatusOr<AppendResult> EventLogImpl::Append(
    const AppendRequest& request) {
  RETURN_IF_ERROR(ValidateAppendRequest(options_.node_id, request));
  absl::ReaderMutexLock life(&lifecycle_);
  RETURN_IF_ERROR(CheckOpen("append"));

  AppendResult result;
  Range range;
  bool duplicate = false;
  {
    absl::MutexLock l(&append_mu_);
    // After a failed write or sync, what is durable is unknown: refuse.
    RETURN_IF_ERROR(write_error_);
    RETURN_IF_ERROR(commit_.status());
    auto it = in_flight_.find(request.command_id);
    if (it != in_flight_.end()) {
      range = it->second;
      duplicate = true;
    } else {
      ASSIGN_OR_RETURN(duplicate,
                       LookupCommandLocked(request.command_id, &range));
    }
    if (!duplicate) {
      ASSIGN_OR_RETURN(result, WriteLocked(request));
      range = {result.first_sequence, result.last_sequence};
      in_flight_.emplace(request.command_id, range);
    }
  }
  // Acknowledge only once durable; a duplicate waits for its original.
  absl::Status durable = commit_.AwaitDurable(range.second);
  if (!duplicate) {
    absl::MutexLock l(&append_mu_);
    in_flight_.erase(request.command_id);
  }
  RETURN_IF_ERROR(durable);
  if (duplicate) {
    ASSIGN_OR_RETURN(result, ResultFromEventsLocked(range));
    result.duplicate = true;
  }
  return result;
}

absl::StatusOr<uint64_t> EventLogImpl::WrittenVersionLocked(
    absl::string_view stream_id) const {
  auto cached = version_cache_.find(stream_id);
  if (cached != version_cache_.end()) return cached->second;
  std::string value;
  ASSIGN_OR_RETURN(bool found, db_->Get(Cf::kStreams, stream_id, &value));
  if (!found) return kNoStream;
  if (value.size() != 8) {
    return absl::DataLossError(
        absl::StrCat("event_log: node=", options_.node_id,
                     " stream=", stream_id, ": malformed version record"));
  }
  return keys::GetBe64(value);
}

void EventLogImpl::CacheVersionsLocked(
    const std::map<std::string, uint64_t>& versions) {
  if (version_cache_.size() + versions.size() > kMaxCachedStreams) {
    version_cache_.clear();
  }
  for (const auto& [stream, version] : versions) {
    version_cache_[stream] = version;
  }
}

absl::StatusOr<AppendResult> EventLogImpl::WriteLocked(
    const AppendRequest& request) {
  // Versions as written so far (appends are serialized by append_mu_, so
  // an earlier append that is not durable yet is counted), keyed by views
  // of the request's strings. `written` marks streams this append writes.
  struct Version {
    uint64_t version;
    bool written;
  };
  absl::flat_hash_map<absl::string_view, Version> versions;
  auto version_of = [&](absl::string_view stream) -> absl::StatusOr<Version*> {
    auto [it, inserted] = versions.try_emplace(stream, Version{0, false});
    if (inserted) {
      ASSIGN_OR_RETURN(it->second.version, WrittenVersionLocked(stream));
    }
    return &it->second;
  };
  for (const auto& [stream, expected] : request.expected_versions) {
    ASSIGN_OR_RETURN(Version * found, version_of(stream));
    if (found->version != expected) {
      return absl::AbortedError(absl::StrCat(
          "event_log: append node=", options_.node_id, " stream=", stream,
          ": expected version ", expected, ", found ", found->version,
          " (it changed since it was read; read it again and retry)"));
    }
  }

  const int64_t recorded_at =
      request.recorded_at_us != 0 ? request.recorded_at_us : options_.now_us();
  AppendResult result;
  result.first_sequence = written_.sequence + 1;
  uint64_t seq = written_.sequence;
  std::string prev = written_.hash;
  rocksdb::WriteBatch batch;
  const EnvelopeEncoder encoder(options_.node_id, recorded_at, request.actor,
                                request.command_id);
  std::string value, stream_key, type_key;
  for (const NewEvent& e : request.events) {
    ASSIGN_OR_RETURN(Version * v, version_of(e.stream_id));
    const uint64_t version = ++v->version;
    v->written = true;
    ++seq;

    // value := hash[32] envelope; the envelope is encoded once, in place,
    // then hashed where it lies.
    value.assign(kHashBytes, '\0');
    encoder.Append(seq, e.stream_id, version, NewEventId(), e.event_type,
                   e.payload, prev, &value);
    std::string hash =
        ChainHash(prev, absl::string_view(value).substr(kHashBytes));
    value.replace(0, kHashBytes, hash);

    stream_key = keys::StreamIndexKey(e.stream_id, version);
    type_key = keys::TypeIndexKey(e.event_type, recorded_at, seq);
    batch.Put(db_->handle(Cf::kEvents), keys::EventKey(seq), value);
    batch.Put(db_->handle(Cf::kStreamIndex), stream_key, keys::Be64(seq));
    batch.Put(db_->handle(Cf::kTypeIndex), type_key, rocksdb::Slice());
    prev = std::move(hash);
  }
  for (const auto& [stream, v] : versions) {
    if (v.written)
      result.stream_versions.emplace(std::string(stream), v.version);
  }
  // In key order: consecutive memtable inserts then reuse the skiplist
  // position (hash order made each a random insert, ~25% of the write).
  for (const auto& [stream, version] : result.stream_versions) {
    batch.Put(db_->handle(Cf::kStreams), stream, keys::Be64(version));
  }
  result.last_sequence = seq;
  batch.Put(db_->handle(Cf::kCommands), request.command_id,
            keys::CommandValue(result.first_sequence, seq));
  batch.Put(db_->handle(Cf::kMeta),
            rocksdb::Slice(keys::kHeadKey.data(), keys::kHeadKey.size()),
            keys::HeadValue(seq, prev));

  // Not synced here: GroupCommit syncs once for every append written
  // meanwhile. The WAL holds batches in sequence order (we hold append_mu_),
  // so a crash leaves a gapless prefix.
  absl::Status s = db_->Write(&batch, /*sync=*/false);
  if (!s.ok()) {
    write_error_ = s;
    spdlog::error(
        "event_log: node={}: write failed; refusing appends until "
        "the log is reopened: {}",
        options_.node_id, s.ToString());
    return s;
  }
  written_ = Head{seq, std::move(prev)};
  CacheVersionsLocked(result.stream_versions);
  return result;
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
