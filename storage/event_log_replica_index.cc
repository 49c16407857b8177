// A copy's lazy indexes: a replicated write stores the events, the receive
// range and the head only; the stream_index and type_index entries of a
// copy are written here, when a read first needs them (ReadStream,
// StreamVersion, ReadByType). Nothing at the city reads them today, so a
// county catching up no longer pays two memtable inserts per event for
// them (docs/PERFORMANCE.md, "Replication"); a reader gets the same answer
// as from a log indexed as it was written. Format: storage/README.md
// ("Replicas").
//
// Concurrency: index_mu_ serializes the indexers; replicated writes go on
// meanwhile (they write other keys). Only durable events are indexed, so a
// crash never leaves an index entry, or the cursor, past the copy's head:
// entries and the new meta "indexed" go in one write, after the events'.
#include <algorithm>
#include <memory>
#include <string>

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

}  // namespace

absl::Status EventLogImpl::LoadIndexStateLocked() const {
  if (index_state_ != IndexState::kUnknown) return absl::OkStatus();
  std::string value;
  ASSIGN_OR_RETURN(bool found, db_->Get(Cf::kMeta, keys::kIndexedKey, &value));
  if (!found) {
    index_state_ = IndexState::kEager;
    return absl::OkStatus();
  }
  if (value.size() != 8) {
    return absl::DataLossError(absl::StrCat(
        "event_log: node=", options_.node_id, ": malformed index cursor"));
  }
  indexed_ = keys::GetBe64(value);
  index_state_ = IndexState::kLazy;
  return absl::OkStatus();
}

absl::Status EventLogImpl::IndexUpTo(uint64_t head) const {
  absl::MutexLock l(&index_mu_);
  RETURN_IF_ERROR(LoadIndexStateLocked());
  if (index_state_ != IndexState::kLazy) return absl::OkStatus();
  const auto loss = [&](uint64_t seq, absl::string_view problem) {
    return absl::DataLossError(
        absl::StrCat("event_log: index node=", options_.node_id, " sequence ",
                     seq, ": ", problem));
  };
  std::string stream_key, type_key;
  while (indexed_ < head) {
    const uint64_t from = indexed_ + 1;
    const uint64_t to = std::min(head, indexed_ + kIndexChunk);
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
      keys::StreamIndexKeyTo(&stream_key, env.stream_id, env.stream_version);
      batch.Put(db_->handle(Cf::kStreamIndex), stream_key,
                rocksdb::Slice(it->key()));
      keys::TypeIndexKeyTo(&type_key, env.event_type, env.recorded_at_us, seq);
      batch.Put(db_->handle(Cf::kTypeIndex), type_key, rocksdb::Slice());
    }
    RETURN_IF_ERROR(ToStatus(it->status(), "index: read events"));
    if (expected != to + 1) return loss(expected, "missing (run Verify)");
    batch.Put(
        db_->handle(Cf::kMeta),
        rocksdb::Slice(keys::kIndexedKey.data(), keys::kIndexedKey.size()),
        keys::Be64(to));
    // Not synced: indexes are derived from durable events, and a crash
    // loses entries and cursor together (the WAL keeps a prefix).
    RETURN_IF_ERROR(db_->Write(&batch, /*sync=*/false));
    indexed_ = to;
  }
  return absl::OkStatus();
}

}  // namespace reporting::storage
