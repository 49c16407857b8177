// Lazy indexes: index entries that a write leaves out are written here,
// when a read first needs them, from the durable events, so every reader
// gets the same answer as from a log indexed as it was written. Two
// cursors in meta (format: storage/README.md, "Replicas" and "Types,
// lazily"):
// - "indexed", a copy's stream_index and type_index: a replicated write
//   stores the events, the receipt and the head only (ReadStream,
//   StreamVersion and ReadByType index). Nothing at the city reads them
//   today, so a county catching up no longer pays two memtable inserts per
//   event for them (docs/PERFORMANCE.md, "Replication").
// - "type_indexed", a node's own log's type_index: Append writes the
//   events, their stream_index entries (commands read streams), the
//   command and the head (ReadByType indexes). Nothing on a county's hot
//   path reads by type; ~1 us per event saved (docs/PERFORMANCE.md, "What
//   each index costs an append").
//
// Concurrency: index_mu_ serializes the indexers; writes go on meanwhile
// (they write other keys). Only durable events are indexed, so a crash
// never leaves an index entry, or a cursor, past the log's head: entries
// and the new cursor go in one write, after the events'.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/write_batch.h"
#include "storage/envelope_view.h"
#include "storage/event_log_impl.h"
#include "storage/keys.h"
#include "storage/status_macros.h"

namespace reporting::storage {
namespace {

// Events indexed per RocksDB write.
constexpr uint64_t kIndexChunk = 8192;

rocksdb::Slice KeySlice(absl::string_view key) {
  return rocksdb::Slice(key.data(), key.size());
}

}  // namespace

absl::Status EventLogImpl::LoadCursorLocked(absl::string_view key,
                                            IndexCursor* cursor) const {
  if (cursor->state != IndexState::kUnknown) return absl::OkStatus();
  std::string value;
  ASSIGN_OR_RETURN(bool found, db_->Get(Cf::kMeta, key, &value));
  if (!found) {
    cursor->state = IndexState::kEager;
    return absl::OkStatus();
  }
  if (value.size() != 8) {
    return absl::DataLossError(
        absl::StrCat("event_log: node=", options_.node_id, ": malformed ", key,
                     " cursor (run Verify)"));
  }
  cursor->indexed = keys::GetBe64(value);
  cursor->state = IndexState::kLazy;
  return absl::OkStatus();
}

absl::Status EventLogImpl::IndexUpTo(uint64_t head, IndexUse use) const {
  absl::MutexLock l(&index_mu_);
  RETURN_IF_ERROR(LoadCursorLocked(keys::kIndexedKey, &copy_cursor_));
  RETURN_IF_ERROR(
      CatchUpLocked(keys::kIndexedKey, /*streams=*/true, head, &copy_cursor_));
  if (use != IndexUse::kTypes) return absl::OkStatus();
  RETURN_IF_ERROR(LoadCursorLocked(keys::kTypeIndexedKey, &type_cursor_));
  return CatchUpLocked(keys::kTypeIndexedKey, /*streams=*/false, head,
                       &type_cursor_);
}

absl::Status EventLogImpl::CatchUpLocked(absl::string_view key, bool streams,
                                         uint64_t head,
                                         IndexCursor* cursor) const {
  if (cursor->state != IndexState::kLazy) return absl::OkStatus();
  const auto loss = [&](uint64_t seq, absl::string_view problem) {
    return absl::DataLossError(
        absl::StrCat("event_log: index node=", options_.node_id, " sequence ",
                     seq, ": ", problem));
  };
  std::string stream_key, type_key;
  while (cursor->indexed < head) {
    const uint64_t from = cursor->indexed + 1;
    const uint64_t to = std::min(head, cursor->indexed + kIndexChunk);
    const std::string lower = keys::EventKey(from);
    const std::string upper = keys::EventKey(to + 1);
    rocksdb::ReadOptions ro;
    rocksdb::Slice upper_slice(upper);
    ro.iterate_upper_bound = &upper_slice;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Cf::kEvents, ro);
    rocksdb::WriteBatch batch;
    uint64_t expected = from;
    for (it->Seek(lower); it->Valid(); it->Next(), ++expected) {
      uint64_t seq = 0;
      absl::string_view hash, envelope;
      EnvelopeView env;
      if (!keys::DecodeEventKey(
              absl::string_view(it->key().data(), it->key().size()), &seq) ||
          seq != expected ||
          !keys::DecodeEventValue(
              absl::string_view(it->value().data(), it->value().size()), &hash,
              &envelope) ||
          !DecodeEnvelopeView(envelope, &env)) {
        return loss(expected, "missing or malformed (run Verify)");
      }
      if (streams) {
        keys::StreamIndexKeyTo(&stream_key, env.stream_id, env.stream_version);
        batch.Put(db_->handle(Cf::kStreamIndex), stream_key,
                  rocksdb::Slice(it->key()));
      }
      keys::TypeIndexKeyTo(&type_key, env.event_type, env.recorded_at_us, seq);
      batch.Put(db_->handle(Cf::kTypeIndex), type_key, rocksdb::Slice());
    }
    RETURN_IF_ERROR(ToStatus(it->status(), "index: read events"));
    if (expected != to + 1) return loss(expected, "missing (run Verify)");
    batch.Put(db_->handle(Cf::kMeta), KeySlice(key), keys::Be64(to));
    // Not synced: indexes are derived from durable events, and a crash
    // loses entries and cursor together (the WAL keeps a prefix).
    RETURN_IF_ERROR(db_->Write(&batch, /*sync=*/false));
    cursor->indexed = to;
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> EventLogImpl::TypesIndexedUpTo(uint64_t head) const {
  absl::MutexLock l(&index_mu_);
  RETURN_IF_ERROR(LoadCursorLocked(keys::kIndexedKey, &copy_cursor_));
  RETURN_IF_ERROR(LoadCursorLocked(keys::kTypeIndexedKey, &type_cursor_));
  uint64_t up_to = head;
  for (const IndexCursor* cursor : {&copy_cursor_, &type_cursor_}) {
    if (cursor->state == IndexState::kLazy) {
      up_to = std::min(up_to, cursor->indexed);
    }
  }
  return up_to;
}

absl::StatusOr<std::vector<EventLogImpl::TypeHit>>
EventLogImpl::UnindexedOfTypeLocked(absl::string_view event_type, TypeHit lower,
                                    int64_t to_us, uint64_t indexed,
                                    uint64_t head) const {
  std::vector<TypeHit> hits;
  const std::string first = keys::EventKey(indexed + 1);
  const std::string upper = keys::EventKey(head + 1);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Cf::kEvents, ro);
  for (it->Seek(first); it->Valid(); it->Next()) {
    uint64_t seq = 0;
    absl::string_view hash, envelope;
    EnvelopeView env;
    if (!keys::DecodeEventKey(
            absl::string_view(it->key().data(), it->key().size()), &seq) ||
        !keys::DecodeEventValue(
            absl::string_view(it->value().data(), it->value().size()), &hash,
            &envelope) ||
        !DecodeEnvelopeView(envelope, &env)) {
      return absl::DataLossError(absl::StrCat(
          "event_log: read by type node=", options_.node_id,
          ": malformed event after sequence ", indexed, " (run Verify)"));
    }
    const TypeHit hit{env.recorded_at_us, seq};
    if (env.event_type == event_type && hit >= lower &&
        env.recorded_at_us < to_us) {
      hits.push_back(hit);
    }
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "read by type: read events"));
  std::sort(hits.begin(), hits.end());
  return hits;
}

absl::StatusOr<bool> EventLogImpl::StageTypeCursorLocked(
    rocksdb::WriteBatch* batch, uint64_t head) {
  if (eager_type_index_) return false;
  if (type_cursor_on_disk_ == TypeCursorOnDisk::kUnknown) {
    std::string value;
    ASSIGN_OR_RETURN(bool found,
                     db_->Get(Cf::kMeta, keys::kTypeIndexedKey, &value));
    type_cursor_on_disk_ =
        found ? TypeCursorOnDisk::kPresent : TypeCursorOnDisk::kAbsent;
  }
  if (type_cursor_on_disk_ == TypeCursorOnDisk::kPresent) return false;
  batch->Put(db_->handle(Cf::kMeta), KeySlice(keys::kTypeIndexedKey),
             keys::Be64(head));
  return true;
}

void EventLogImpl::TypeCursorWrittenLocked(uint64_t head) {
  type_cursor_on_disk_ = TypeCursorOnDisk::kPresent;
  absl::MutexLock l(&index_mu_);
  type_cursor_ = IndexCursor{IndexState::kLazy, head};
}

}  // namespace reporting::storage
