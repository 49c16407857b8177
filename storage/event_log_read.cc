// The read side of EventLogImpl: reads by sequence, stream, type and
// command, head, waiting and verification. Readers see durable events only:
// every read is bounded by GroupCommit's durable head.
#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "proto/event_types.h"
#include "reporting/v1/envelope.pb.h"
#include "storage/append_validation.h"
#include "storage/chain_check.h"
#include "storage/event_log_impl.h"
#include "storage/hash_chain.h"
#include "storage/keys.h"
#include "storage/status_macros.h"

namespace reporting::storage {
namespace {

absl::string_view View(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

// Collects events within ReadLimits: whichever limit is hit first ends the
// batch, but the first event is always taken.
class Batch {
 public:
  explicit Batch(ReadLimits limits) : limits_(limits) {}
  // False when `e` does not fit (and was not taken).
  bool Add(StoredEvent e) {
    if (!events_.empty() && (events_.size() >= limits_.max_events ||
                             bytes_ + e.envelope.size() > limits_.max_bytes)) {
      return false;
    }
    bytes_ += e.envelope.size();
    events_.push_back(std::move(e));
    return true;
  }
  bool full() const {
    return events_.size() >= limits_.max_events || bytes_ >= limits_.max_bytes;
  }
  std::vector<StoredEvent> Take() { return std::move(events_); }

 private:
  const ReadLimits limits_;
  std::vector<StoredEvent> events_;
  size_t bytes_ = 0;
};

}  // namespace

Head EventLogImpl::GetHead() const { return commit_.durable(); }

Head EventLogImpl::WaitForAppend(uint64_t after_sequence,
                                 absl::Duration timeout,
                                 uint64_t wake_generation) const {
  return commit_.WaitForChange(after_sequence, timeout, wake_generation);
}

uint64_t EventLogImpl::WakeGeneration() const {
  return commit_.wake_generation();
}

void EventLogImpl::WakeWaiters() const { commit_.WakeWaiters(); }

absl::StatusOr<StoredEvent> EventLogImpl::GetEventLocked(
    uint64_t sequence) const {
  std::string value;
  ASSIGN_OR_RETURN(bool found,
                   db_->Get(Cf::kEvents, keys::EventKey(sequence), &value));
  absl::string_view hash, envelope;
  if (!found || !keys::DecodeEventValue(value, &hash, &envelope)) {
    return absl::DataLossError(absl::StrCat(
        "event_log: read node=", options_.node_id, " sequence ", sequence,
        found ? ": stored value is shorter than a hash" : ": missing"));
  }
  StoredEvent e;
  e.sequence = sequence;
  e.hash = std::string(hash);
  e.envelope = std::string(envelope);
  return e;
}

absl::StatusOr<std::vector<StoredEvent>> EventLogImpl::Read(
    uint64_t from, ReadLimits limits) const {
  absl::ReaderMutexLock life(&lifecycle_);
  RETURN_IF_ERROR(CheckOpen("read"));
  if (from == 0) {
    return absl::InvalidArgumentError(
        "event_log: read: sequences start at 1; read from 1");
  }
  const uint64_t head = commit_.durable().sequence;
  if (from > head) return std::vector<StoredEvent>();
  const std::string lower = keys::EventKey(from);
  const std::string upper = keys::EventKey(head + 1);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Cf::kEvents, ro);
  Batch batch(limits);
  uint64_t expected = from;
  for (it->Seek(lower); it->Valid() && !batch.full(); it->Next(), ++expected) {
    uint64_t seq = 0;
    absl::string_view hash, envelope;
    if (!keys::DecodeEventKey(View(it->key()), &seq) || seq != expected ||
        !keys::DecodeEventValue(View(it->value()), &hash, &envelope)) {
      return absl::DataLossError(
          absl::StrCat("event_log: read node=", options_.node_id, " sequence ",
                       expected, ": missing or malformed"));
    }
    if (!batch.Add(
            StoredEvent{seq, std::string(envelope), std::string(hash)})) {
      break;
    }
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "read events"));
  std::vector<StoredEvent> out = batch.Take();
  if (out.empty()) {
    return absl::DataLossError(
        absl::StrCat("event_log: read node=", options_.node_id, " sequence ",
                     from, ": missing"));
  }
  return out;
}

absl::StatusOr<StoredEvent> EventLogImpl::ReadOne(uint64_t sequence) const {
  absl::ReaderMutexLock life(&lifecycle_);
  RETURN_IF_ERROR(CheckOpen("read"));
  const uint64_t head = commit_.durable().sequence;
  if (sequence == 0 || sequence > head) {
    return absl::NotFoundError(
        absl::StrCat("event_log: read node=", options_.node_id, " sequence ",
                     sequence, ": no such event (the head is ", head, ")"));
  }
  return GetEventLocked(sequence);
}

absl::StatusOr<std::vector<StoredEvent>> EventLogImpl::ReadStream(
    absl::string_view stream_id, uint64_t from_version,
    ReadLimits limits) const {
  absl::ReaderMutexLock life(&lifecycle_);
  RETURN_IF_ERROR(CheckOpen("read stream"));
  if (absl::Status s = ValidateStreamId(stream_id); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("event_log: read stream: ", s.message()));
  }
  const uint64_t head = commit_.durable().sequence;
  RETURN_IF_ERROR(IndexUpTo(head, IndexUse::kStreams));  // a copy: lazily
  const std::string prefix = keys::StreamIndexPrefix(stream_id);
  const std::string lower =
      keys::StreamIndexKey(stream_id, std::max<uint64_t>(from_version, 1));
  // Stream ids hold no NUL, so every key of this stream sorts below
  // stream_id 0x01, and no other stream's key falls in between.
  std::string upper(stream_id);
  upper.push_back('\x01');
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it =
      db_->NewIterator(Cf::kStreamIndex, ro);
  Batch batch(limits);
  for (it->Seek(lower); it->Valid() && !batch.full(); it->Next()) {
    if (it->value().size() != 8) {
      return absl::DataLossError(
          absl::StrCat("event_log: read stream node=", options_.node_id,
                       " stream=", stream_id, ": malformed index entry"));
    }
    const uint64_t seq = keys::GetBe64(View(it->value()));
    // Versions grow with sequences: the rest is not durable yet.
    if (seq > head) break;
    ASSIGN_OR_RETURN(StoredEvent e, GetEventLocked(seq));
    if (!batch.Add(std::move(e))) break;
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "read stream index"));
  return batch.Take();
}

absl::StatusOr<uint64_t> EventLogImpl::StreamVersion(
    absl::string_view stream_id) const {
  absl::ReaderMutexLock life(&lifecycle_);
  RETURN_IF_ERROR(CheckOpen("stream version"));
  if (absl::Status s = ValidateStreamId(stream_id); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("event_log: stream version: ", s.message()));
  }
  const uint64_t head = commit_.durable().sequence;
  RETURN_IF_ERROR(IndexUpTo(head, IndexUse::kStreams));  // a copy: lazily
  return NewestVersionLocked(stream_id, head, "stream version");
}

absl::StatusOr<uint64_t> EventLogImpl::NewestVersionLocked(
    absl::string_view stream_id, uint64_t max_sequence,
    absl::string_view op) const {
  const std::string prefix = keys::StreamIndexPrefix(stream_id);
  rocksdb::ReadOptions ro;
  rocksdb::Slice lower_slice(prefix);
  ro.iterate_lower_bound = &lower_slice;
  std::unique_ptr<rocksdb::Iterator> it =
      db_->NewIterator(Cf::kStreamIndex, ro);
  for (it->SeekForPrev(keys::StreamIndexKey(
           stream_id, std::numeric_limits<uint64_t>::max()));
       it->Valid(); it->Prev()) {
    uint64_t version = 0;
    if (!keys::DecodeStreamIndexKey(View(it->key()), prefix.size(), &version) ||
        it->value().size() != 8) {
      return absl::DataLossError(
          absl::StrCat("event_log: ", op, " node=", options_.node_id,
                       " stream=", stream_id, ": malformed index entry"));
    }
    if (keys::GetBe64(View(it->value())) <= max_sequence) return version;
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "read stream index"));
  return kNoStream;
}

absl::StatusOr<std::vector<StoredEvent>> EventLogImpl::ReadByType(
    absl::string_view event_type, int64_t from_us, int64_t to_us,
    uint64_t after_sequence, ReadLimits limits) const {
  absl::ReaderMutexLock life(&lifecycle_);
  RETURN_IF_ERROR(CheckOpen("read by type"));
  if (!events::IsKnownType(event_type)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "event_log: read by type: unknown event type \"", event_type,
        "\": not a message of reporting/v1/events.proto"));
  }
  const uint64_t head = commit_.durable().sequence;
  // type_index is written lazily (a copy's and an own log's alike). When
  // that write is refused (a full disk, a failed write: WriteState says
  // so), the events past what is indexed are read from the events column
  // instead, and merged in: reads go on.
  uint64_t indexed = head;
  if (absl::Status s = IndexUpTo(head, IndexUse::kTypes); !s.ok()) {
    if (db_->WriteState().ok()) return s;
    ASSIGN_OR_RETURN(indexed, TypesIndexedUpTo(head));
  }
  if (from_us >= to_us) return std::vector<StoredEvent>();
  TypeHit lower{from_us, 0};  // the first (recorded_at, sequence) wanted
  if (after_sequence > 0) {
    // Resume right after the given event: its (recorded_at, sequence).
    if (after_sequence > head) {
      return absl::InvalidArgumentError(
          absl::StrCat("event_log: read by type: after_sequence ",
                       after_sequence, " is past the head ", head));
    }
    ASSIGN_OR_RETURN(StoredEvent last, GetEventLocked(after_sequence));
    v1::EventEnvelope env;
    if (!env.ParseFromString(last.envelope)) {
      return absl::DataLossError(absl::StrCat(
          "event_log: read by type node=", options_.node_id, " sequence ",
          after_sequence, ": envelope does not parse"));
    }
    if (env.event_type() != event_type) {
      return absl::InvalidArgumentError(
          absl::StrCat("event_log: read by type: after_sequence ",
                       after_sequence, " is a ", env.event_type(), ", not a ",
                       event_type, "; pass the last event this read returned"));
    }
    lower = std::max(lower, TypeHit{env.recorded_at_us(), after_sequence + 1});
  }
  std::vector<TypeHit> unindexed;  // empty unless indexing was refused
  if (indexed < head) {
    ASSIGN_OR_RETURN(unindexed, UnindexedOfTypeLocked(event_type, lower, to_us,
                                                      indexed, head));
  }
  size_t next_unindexed = 0;
  Batch batch(limits);
  // Adds the unindexed events that sort before `until`; false once the
  // batch is full.
  const auto add_unindexed = [&](TypeHit until) -> absl::StatusOr<bool> {
    while (next_unindexed < unindexed.size() &&
           unindexed[next_unindexed] < until) {
      if (batch.full()) return false;
      ASSIGN_OR_RETURN(StoredEvent e,
                       GetEventLocked(unindexed[next_unindexed].second));
      if (!batch.Add(std::move(e))) return false;
      ++next_unindexed;
    }
    return !batch.full();
  };
  const std::string upper = keys::TypeIndexKey(event_type, to_us, 0);
  const size_t prefix_size = keys::TypeIndexPrefix(event_type).size();
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Cf::kTypeIndex, ro);
  bool room = true;
  for (it->Seek(keys::TypeIndexKey(event_type, lower.first, lower.second));
       it->Valid() && room; it->Next()) {
    int64_t recorded_at = 0;
    uint64_t seq = 0;
    if (!keys::DecodeTypeIndexKey(View(it->key()), prefix_size, &recorded_at,
                                  &seq)) {
      return absl::DataLossError(
          absl::StrCat("event_log: read by type node=", options_.node_id,
                       ": malformed index entry for ", event_type));
    }
    // Past `indexed`: not durable yet, or read from the events above.
    if (seq > indexed) continue;
    ASSIGN_OR_RETURN(room, add_unindexed(TypeHit{recorded_at, seq}));
    if (!room) break;
    ASSIGN_OR_RETURN(StoredEvent e, GetEventLocked(seq));
    room = batch.Add(std::move(e)) && !batch.full();
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "read type index"));
  if (room) RETURN_IF_ERROR(add_unindexed(TypeHit{to_us, 0}).status());
  return batch.Take();
}

absl::StatusOr<bool> EventLogImpl::LookupCommandLocked(
    absl::string_view command_id, HeldCommand* held) const {
  std::string value;
  ASSIGN_OR_RETURN(bool found, db_->Get(Cf::kCommands, command_id, &value));
  if (!found) return false;
  keys::CommandValueView v;
  if (!keys::DecodeCommandValue(value, &v)) {
    return absl::DataLossError(
        absl::StrCat("event_log: node=", options_.node_id,
                     " command=", command_id, ": malformed command record"));
  }
  held->refused = v.refused;
  held->range = {v.first_sequence, v.last_sequence};
  held->refusal =
      v.refused ? absl::Status(static_cast<absl::StatusCode>(v.code), v.message)
                : absl::OkStatus();
  held->digest.assign(v.digest.data(), v.digest.size());
  return true;
}

absl::StatusOr<AppendResult> EventLogImpl::ResultFromEventsLocked(
    Range range) const {
  AppendResult result;
  result.first_sequence = range.first;
  result.last_sequence = range.second;
  v1::EventEnvelope env;
  StreamVersionsBuilder versions;
  for (uint64_t seq = range.first; seq <= range.second; ++seq) {
    ASSIGN_OR_RETURN(StoredEvent e, GetEventLocked(seq));
    if (!env.ParseFromString(e.envelope)) {
      return absl::DataLossError(
          absl::StrCat("event_log: node=", options_.node_id, " sequence ", seq,
                       ": envelope does not parse"));
    }
    versions.Set(env.stream_id(), env.stream_version());
  }
  result.stream_versions = versions.Build();
  return result;
}

absl::StatusOr<CommandRecord> EventLogImpl::FindCommand(
    absl::string_view command_id) const {
  absl::ReaderMutexLock life(&lifecycle_);
  RETURN_IF_ERROR(CheckOpen("find command"));
  HeldCommand held;
  ASSIGN_OR_RETURN(bool found, LookupCommandLocked(command_id, &held));
  // A command written but not yet durable is not acknowledged: not found.
  // (A refusal is visible only once durable: its write syncs, and RocksDB
  // makes a write visible after its WAL sync.)
  if (!found ||
      (!held.refused && held.range.second > commit_.durable().sequence)) {
    return absl::NotFoundError(
        absl::StrCat("event_log: node=", options_.node_id, " command ",
                     command_id, " was never answered"));
  }
  CommandRecord record;
  record.request_digest = std::move(held.digest);
  if (held.refused) {
    record.refusal = std::move(held.refusal);
    return record;
  }
  ASSIGN_OR_RETURN(record.result, ResultFromEventsLocked(held.range));
  return record;
}

absl::Status EventLogImpl::Verify(const ProgressFn& progress) const {
  absl::ReaderMutexLock life(&lifecycle_);
  RETURN_IF_ERROR(CheckOpen("verify"));
  const Head head = commit_.durable();
  ASSIGN_OR_RETURN(std::string last,
                   CheckChain(*db_, "verify", options_.node_id, 1,
                              head.sequence, ZeroHash(), progress));
  if (last != head.hash) {
    return absl::DataLossError(
        absl::StrCat("event_log: verify node=", options_.node_id, " sequence ",
                     head.sequence, ": head hash does not match the event's"));
  }
  return absl::OkStatus();
}

}  // namespace reporting::storage
