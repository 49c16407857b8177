// The replica side of EventLogImpl: ingesting another node's stored events
// (the city's copy of a county's log) with a receipt per write. Formats in
// storage/README.md ("Replicas", "Receipts"); reading receipts is
// event_log_receipts.cc.
//
// AppendReplicated checks in two phases:
//   1. without any lock, each event on its own: the envelope decodes, is
//      this log's node's, carries its sequence, sequences are consecutive,
//      hash == SHA-256(prev_hash || envelope) and, inside the batch,
//      prev_hash is the previous event's hash (the CPU-heavy part);
//   2. under append_mu_, against what is held: the held prefix is
//      byte-identical, the first new event is head + 1 and chains onto the
//      head's hash.
// Then the same path as Append: one RocksDB write (sync=false) under
// append_mu_, and GroupCommit makes it durable before returning.
//
// The write is the city's hot path (a county catching up sends 1000-event
// batches back to back), so it decodes envelopes as views (EnvelopeView:
// no message objects), builds keys in reused buffers, writes one
// receipt per call (a range) and, on a copy, no `streams`
// entries and no version cache (only Append reads them; a copy is never
// appended to) and no index entries (written lazily, when first read:
// event_log_lazy_index.cc). docs/PERFORMANCE.md ("Replication") has the
// profile. AppendRestored (a node's own log) writes what Append would:
// the commands and stream_index entries, no type_index entries.
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/write_batch.h"
#include "storage/append_validation.h"
#include "storage/envelope_view.h"
#include "storage/event_log_impl.h"
#include "storage/hash_chain.h"
#include "storage/keys.h"
#include "storage/status_macros.h"

namespace reporting::storage {
namespace {

// Phase 1: the checks that need nothing but the batch. Fills `envelopes`
// (views into `events`).
absl::Status CheckBatch(absl::string_view node_id,
                        const std::vector<StoredEvent>& events,
                        std::vector<EnvelopeView>* envelopes) {
  const auto bad = [&](uint64_t seq, absl::string_view problem) {
    return absl::InvalidArgumentError(
        absl::StrCat("event_log: replicate node=", node_id, " sequence ", seq,
                     ": ", problem));
  };
  if (events.size() > kMaxEventsPerAppend) {
    return absl::InvalidArgumentError(
        absl::StrCat("event_log: replicate node=", node_id, ": ", events.size(),
                     " events in one batch; at most ", kMaxEventsPerAppend));
  }
  envelopes->resize(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const StoredEvent& e = events[i];
    EnvelopeView& env = (*envelopes)[i];
    if (e.sequence == 0) return bad(0, "sequences start at 1");
    if (i > 0 && e.sequence != events[i - 1].sequence + 1) {
      return bad(e.sequence,
                 absl::StrCat("not consecutive: follows sequence ",
                              events[i - 1].sequence, " in the batch"));
    }
    if (e.hash.size() != kHashBytes) {
      return bad(e.sequence, absl::StrCat("hash is ", e.hash.size(),
                                          " bytes, not ", kHashBytes));
    }
    if (!DecodeEnvelopeView(e.envelope, &env)) {
      return bad(e.sequence,
                 "envelope bytes do not decode as an EventEnvelope");
    }
    if (env.node_id != node_id) {
      return bad(e.sequence, absl::StrCat("envelope belongs to node \"",
                                          env.node_id, "\""));
    }
    if (env.sequence != e.sequence) {
      return bad(e.sequence,
                 absl::StrCat("envelope says sequence ", env.sequence));
    }
    if (env.prev_hash.size() != kHashBytes) {
      return bad(e.sequence, "envelope's prev_hash is not 32 bytes");
    }
    if (absl::Status s = ValidateStreamId(env.stream_id); !s.ok()) {
      return bad(e.sequence, s.message());
    }
    if (env.stream_version == 0) {
      return bad(e.sequence, "stream_version is 0; versions start at 1");
    }
    if (env.event_type.empty() ||
        env.event_type.find('\0') != absl::string_view::npos) {
      return bad(e.sequence, "event type is empty or holds a NUL byte");
    }
    if (ChainHash(env.prev_hash, e.envelope) != e.hash) {
      return bad(e.sequence,
                 "hash is not SHA-256(prev_hash || envelope): the event's "
                 "bytes were altered or its hash is wrong");
    }
    if (i > 0 && env.prev_hash != events[i - 1].hash) {
      return bad(e.sequence,
                 "prev_hash is not the previous event's hash in the batch");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Head> EventLogImpl::AppendReplicated(
    const std::vector<StoredEvent>& events, int64_t received_at_us) {
  ASSIGN_OR_RETURN(Head written, WriteReplicated(events, received_at_us));
  // Acknowledge only once durable (also for a no-op batch: what it
  // confirms may have been written by a call that is still syncing).
  RETURN_IF_ERROR(AwaitDurable(written.sequence));
  return written;
}

absl::StatusOr<Head> EventLogImpl::WriteReplicated(
    const std::vector<StoredEvent>& events, int64_t received_at_us) {
  std::vector<EnvelopeView> envelopes;
  RETURN_IF_ERROR(CheckBatch(options_.node_id, events, &envelopes));
  absl::ReaderMutexLock life(&lifecycle_);
  RETURN_IF_ERROR(CheckOpen("replicate"));
  absl::MutexLock l(&append_mu_);
  RETURN_IF_ERROR(db_->WriteState());
  return WriteReplicatedLocked(events, envelopes, received_at_us);
}

absl::StatusOr<Head> EventLogImpl::AppendRestored(
    const std::vector<StoredEvent>& events) {
  std::vector<EnvelopeView> envelopes;
  RETURN_IF_ERROR(CheckBatch(options_.node_id, events, &envelopes));
  for (size_t i = 0; i < envelopes.size(); ++i) {
    if (envelopes[i].command_id.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "event_log: restore node=", options_.node_id, " sequence ",
          events[i].sequence, ": the envelope has no command_id"));
    }
  }
  Head written;
  {
    absl::ReaderMutexLock life(&lifecycle_);
    RETURN_IF_ERROR(CheckOpen("restore"));
    absl::MutexLock l(&append_mu_);
    RETURN_IF_ERROR(db_->WriteState());
    ASSIGN_OR_RETURN(written, WriteReplicatedLocked(events, envelopes,
                                                    /*received_at_us=*/-1));
  }
  RETURN_IF_ERROR(AwaitDurable(written.sequence));
  return written;
}

absl::Status EventLogImpl::AwaitDurable(uint64_t sequence) {
  absl::ReaderMutexLock life(&lifecycle_);
  RETURN_IF_ERROR(CheckOpen("await durable"));
  {
    absl::MutexLock l(&append_mu_);
    if (sequence > written_.sequence) {
      return absl::FailedPreconditionError(absl::StrCat(
          "event_log: await durable node=", options_.node_id, ": sequence ",
          sequence, " was never written (written up to ", written_.sequence,
          ")"));
    }
  }
  return commit_.AwaitDurable(sequence);
}

absl::StatusOr<Head> EventLogImpl::WriteReplicatedLocked(
    const std::vector<StoredEvent>& events,
    const std::vector<EnvelopeView>& envelopes, int64_t received_at_us) {
  const Head head = written_;
  if (events.empty()) return head;
  const std::string where =
      absl::StrCat("event_log: replicate node=", options_.node_id, " ");
  if (events.front().sequence > head.sequence + 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        where, "gap: batch starts at sequence ", events.front().sequence,
        ", expected sequence ", head.sequence + 1, " (this copy holds up to ",
        head.sequence, ")"));
  }
  // The part already held must be byte-identical: at-least-once delivery
  // repeats events, but never different ones.
  size_t i = 0;
  for (; i < events.size() && events[i].sequence <= head.sequence; ++i) {
    ASSIGN_OR_RETURN(StoredEvent held, GetEventLocked(events[i].sequence));
    if (held.envelope != events[i].envelope || held.hash != events[i].hash) {
      return absl::DataLossError(absl::StrCat(
          where, "divergence at sequence ", events[i].sequence,
          ": the copy holds hash ", HexHash(held.hash), ", received ",
          HexHash(events[i].hash), "; nothing written"));
    }
  }
  if (i == events.size()) return head;  // all held already: a no-op
  if (envelopes[i].prev_hash != head.hash) {
    return absl::DataLossError(
        absl::StrCat(where, "divergence at sequence ", events[i].sequence,
                     ": its prev_hash ", HexHash(envelopes[i].prev_hash),
                     " is not the hash held for sequence ", head.sequence, " (",
                     HexHash(head.hash), "); nothing written"));
  }

  const bool restore = received_at_us < 0;
  // Restore: command id -> (first, last) of the new events; a command whose
  // first events were written by the previous batch continues its range.
  std::map<std::string, std::pair<uint64_t, uint64_t>> commands;
  if (restore) {
    for (size_t k = i; k < events.size(); ++k) {
      const std::string id(envelopes[k].command_id);
      auto [it, added] = commands.emplace(
          id, std::make_pair(events[k].sequence, events[k].sequence));
      if (!added) {
        if (it->second.second + 1 != events[k].sequence) {
          return absl::DataLossError(absl::StrCat(
              where, "restore: command id \"", id, "\" at sequences ",
              it->second.second, " and ", events[k].sequence,
              " that are not adjacent; nothing written"));
        }
        it->second.second = events[k].sequence;
        continue;
      }
      HeldCommand held;
      ASSIGN_OR_RETURN(bool found, LookupCommandLocked(id, &held));
      if (found) {
        if (held.refused || held.range.second + 1 != events[k].sequence) {
          return absl::DataLossError(absl::StrCat(
              where, "restore: command id \"", id, "\" already held ",
              held.refused ? "as a refusal"
                           : absl::StrCat("for sequences ", held.range.first,
                                          "..", held.range.second),
              "; nothing written"));
        }
        it->second.first = held.range.first;
      }
    }
  }

  // A copy indexes lazily (event_log_lazy_index.cc): its first
  // replicated write records the index cursor (everything before it was
  // indexed as it was written), later ones write no index entries. A
  // restore indexes streams as it writes and types lazily, as Append.
  bool start_lazy_index = false;
  if (!restore) {
    absl::MutexLock l(&index_mu_);
    RETURN_IF_ERROR(LoadCursorLocked(keys::kIndexedKey, &copy_cursor_));
    start_lazy_index = copy_cursor_.state == IndexState::kEager;
  }
  const bool write_index = restore;
  const bool write_type_index = restore && eager_type_index_;

  // Sized up front: a 1000-event batch is over a megabyte, and growing it
  // by doubling costs copies and page faults.
  size_t reserve = 256;
  for (size_t k = i; k < events.size(); ++k) {
    reserve += events[k].envelope.size() + 64;
    if (write_index) {
      reserve +=
          envelopes[k].stream_id.size() + envelopes[k].event_type.size() + 64;
    }
  }
  rocksdb::WriteBatch batch(reserve);
  rocksdb::ColumnFamilyHandle* const events_cf = db_->handle(Cf::kEvents);
  rocksdb::ColumnFamilyHandle* const stream_index_cf =
      db_->handle(Cf::kStreamIndex);
  rocksdb::ColumnFamilyHandle* const type_index_cf =
      db_->handle(Cf::kTypeIndex);
  // Keys are built in these buffers (Put copies them into the batch).
  std::string sequence_key, stream_key, type_key;
  // Restore only: the streams' new versions, for Append's version cache.
  std::map<std::string, uint64_t> stream_versions;
  Receipt receipt;  // a copy's (not a restore's)
  const uint64_t first_new = events[i].sequence;
  for (; i < events.size(); ++i) {
    const StoredEvent& e = events[i];
    const EnvelopeView& env = envelopes[i];
    sequence_key.clear();
    keys::PutBe64(&sequence_key, e.sequence);
    const rocksdb::Slice value_parts[2] = {rocksdb::Slice(e.hash),
                                           rocksdb::Slice(e.envelope)};
    const rocksdb::Slice key_slice(sequence_key);
    batch.Put(events_cf, rocksdb::SliceParts(&key_slice, 1),
              rocksdb::SliceParts(value_parts, 2));
    if (!write_index) continue;
    keys::StreamIndexKeyTo(&stream_key, env.stream_id, env.stream_version);
    batch.Put(stream_index_cf, stream_key, sequence_key);
    if (write_type_index) {
      keys::TypeIndexKeyTo(&type_key, env.event_type, env.recorded_at_us,
                           e.sequence);
      batch.Put(type_index_cf, type_key, rocksdb::Slice());
    }
    uint64_t& v = stream_versions[std::string(env.stream_id)];
    if (env.stream_version > v) v = env.stream_version;
  }
  bool type_cursor = false;  // restore: the first lazy write's cursor
  if (restore) {
    for (const auto& [id, range] : commands) {
      batch.Put(db_->handle(Cf::kCommands), id,
                keys::CommandValue(range.first, range.second));
      command_filter_.Add(id);
    }
    ASSIGN_OR_RETURN(type_cursor, StageTypeCursorLocked(&batch, head.sequence));
  } else {
    // The city's receipt for what this write adds, chained onto the last.
    receipt.number = receipt_head_.number + 1;
    receipt.first_sequence = first_new;
    receipt.last_sequence = events.back().sequence;
    receipt.last_hash = events.back().hash;
    receipt.received_at_us = received_at_us;
    receipt.prev_hash =
        receipt_head_.number == 0 ? ZeroHash() : receipt_head_.hash;
    receipt.hash = ReceiptHash(options_.node_id, receipt);
    batch.Put(db_->handle(Cf::kReceipts),
              keys::ReceiptKey(receipt.last_sequence),
              keys::ReceiptValue(receipt));
    if (start_lazy_index) {
      batch.Put(
          db_->handle(Cf::kMeta),
          rocksdb::Slice(keys::kIndexedKey.data(), keys::kIndexedKey.size()),
          keys::Be64(head.sequence));
    }
  }
  Head next{events.back().sequence, events.back().hash};
  batch.Put(db_->handle(Cf::kMeta),
            rocksdb::Slice(keys::kHeadKey.data(), keys::kHeadKey.size()),
            keys::HeadValue(next.sequence, next.hash));
  // As in WriteLocked: not synced here; GroupCommit syncs for every write
  // made meanwhile, and the WAL holds batches in sequence order.
  // A failed write makes RocksDb refuse further writes until the log
  // reopens itself (storage/README.md "Full disks").
  RETURN_IF_ERROR(db_->Write(&batch, /*sync=*/false));
  SetWrittenLocked(next);
  if (!restore) receipt_head_ = std::move(receipt);
  // A restored log is appended to next: Append reads versions from there.
  if (restore) CacheVersionsLocked(stream_versions);
  if (type_cursor) TypeCursorWrittenLocked(head.sequence);
  if (start_lazy_index) {
    absl::MutexLock l(&index_mu_);
    copy_cursor_ = IndexCursor{IndexState::kLazy, head.sequence};
  }
  return next;
}

}  // namespace reporting::storage
