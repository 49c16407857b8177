// A copy's receipt chain (storage/receipt.h, README.md "Receipts"): reading
// receipts, and at open, the last receipt's check and the receipts of a
// copy written before receipts existed. Receipts are written by
// WriteReplicatedLocked (event_log_replica.cc), in the batch's own write.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"
#include "storage/event_log_impl.h"
#include "storage/hash_chain.h"
#include "storage/keys.h"
#include "storage/status_macros.h"

namespace reporting::storage {
namespace {

// Receipts made per write when a copy written before receipts gets its
// receipts at open.
constexpr size_t kBackfillPerWrite = 10000;

absl::string_view View(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

// The last receipt (number 0: none).
absl::StatusOr<Receipt> LastReceipt(const RocksDb& db,
                                    absl::string_view where) {
  Receipt last;
  std::unique_ptr<rocksdb::Iterator> it =
      db.NewIterator(Cf::kReceipts, rocksdb::ReadOptions());
  it->SeekToLast();
  if (it->Valid() &&
      !keys::DecodeReceipt(View(it->key()), View(it->value()), &last)) {
    return absl::DataLossError(absl::StrCat(where, "malformed last receipt"));
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "open: last receipt"));
  return last;
}

// The receipts of a copy written before receipts: one per stored receive
// time range past `last` (the last receipt made so far, maybe none), in
// writes of kBackfillPerWrite, each continuing the chain (a crash between
// two writes continues at the next open). Returns the new last receipt.
absl::StatusOr<Receipt> Backfill(RocksDb& db, const EventLogOptions& options,
                                 const Head& head, Receipt last,
                                 absl::string_view where) {
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it = db.NewIterator(Cf::kReceivedAt, ro);
  it->Seek(keys::ReceivedAtKey(last.last_sequence + 1));
  rocksdb::WriteBatch batch;
  size_t in_batch = 0;
  uint64_t made = 0;
  auto write = [&]() -> absl::Status {
    if (in_batch == 0) return absl::OkStatus();
    RETURN_IF_ERROR(db.Write(&batch, options.sync));
    batch.Clear();
    in_batch = 0;
    return absl::OkStatus();
  };
  for (; it->Valid(); it->Next()) {
    Receipt r;
    if (!keys::DecodeReceivedAt(View(it->key()), View(it->value()),
                                &r.first_sequence, &r.last_sequence,
                                &r.received_at_us)) {
      return absl::DataLossError(
          absl::StrCat(where, "malformed receive time entry"));
    }
    if (r.last_sequence > head.sequence) break;  // cannot be: same write
    std::string value;
    ASSIGN_OR_RETURN(
        bool found,
        db.Get(Cf::kEvents, keys::EventKey(r.last_sequence), &value));
    absl::string_view hash, envelope;
    if (!found || !keys::DecodeEventValue(value, &hash, &envelope)) {
      return absl::DataLossError(absl::StrCat(
          where, "sequence ", r.last_sequence,
          ": missing or malformed (making receipts from receive times)"));
    }
    r.number = last.number + 1;
    r.last_hash = std::string(hash);
    r.prev_hash = last.number == 0 ? ZeroHash() : last.hash;
    r.hash = ReceiptHash(options.node_id, r);
    batch.Put(db.handle(Cf::kReceipts), keys::ReceiptKey(r.last_sequence),
              keys::ReceiptValue(r));
    last = std::move(r);
    ++made;
    if (++in_batch == kBackfillPerWrite) RETURN_IF_ERROR(write());
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "open: read receive times"));
  RETURN_IF_ERROR(write());
  if (made > 0) {
    spdlog::warn(
        "event_log: node={}: made {} receipts from the receive times stored "
        "by an earlier version (receipts 1..{}); they record what this copy "
        "held when it was upgraded",
        options.node_id, made, last.number);
  }
  return last;
}

}  // namespace

absl::StatusOr<Receipt> OpenReceipts(RocksDb& db,
                                     const EventLogOptions& options,
                                     const Head& head) {
  const std::string where =
      absl::StrCat("event_log: open node=", options.node_id, " receipts: ");
  ASSIGN_OR_RETURN(Receipt last, LastReceipt(db, where));
  ASSIGN_OR_RETURN(last, Backfill(db, options, head, std::move(last), where));
  if (last.number == 0) return last;
  if (last.last_sequence > head.sequence) {
    return absl::DataLossError(absl::StrCat(
        where, "receipt ", last.number, " covers up to sequence ",
        last.last_sequence, " but the head is sequence ", head.sequence));
  }
  if (ReceiptHash(options.node_id, last) != last.hash) {
    return absl::DataLossError(
        absl::StrCat(where, "receipt ", last.number,
                     ": stored hash does not match its fields"));
  }
  return last;
}

absl::StatusOr<Receipt> EventLogImpl::ReceiptFor(uint64_t sequence) const {
  absl::ReaderMutexLock life(&lifecycle_);
  RETURN_IF_ERROR(CheckOpen("receipt"));
  const uint64_t head = commit_.durable().sequence;
  const auto not_found = [&] {
    return absl::NotFoundError(
        absl::StrCat("event_log: receipt node=", options_.node_id, " sequence ",
                     sequence, ": no receipt covers it (past the head ", head,
                     ", not a copy, or received before receipts were kept)"));
  };
  if (sequence < 1 || sequence > head) return not_found();
  {
    absl::MutexLock l(&receipt_cache_mu_);
    if (receipt_cache_.number != 0 && receipt_cache_.Covers(sequence)) {
      return receipt_cache_;
    }
  }
  // The receipt with the smallest last sequence >= sequence covers it, if
  // any does.
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Cf::kReceipts, ro);
  it->Seek(keys::ReceiptKey(sequence));
  if (!it->Valid()) {
    RETURN_IF_ERROR(ToStatus(it->status(), "read receipt"));
    return not_found();
  }
  Receipt r;
  if (!keys::DecodeReceipt(View(it->key()), View(it->value()), &r)) {
    return absl::DataLossError(
        absl::StrCat("event_log: receipt node=", options_.node_id, " sequence ",
                     sequence, ": malformed receipt"));
  }
  // One past the head is not durable yet; one starting above the sequence
  // does not cover it.
  if (!r.Covers(sequence) || r.last_sequence > head) return not_found();
  absl::MutexLock l(&receipt_cache_mu_);
  receipt_cache_ = r;
  return r;
}

absl::StatusOr<int64_t> EventLogImpl::ReceivedAt(uint64_t sequence) const {
  ASSIGN_OR_RETURN(Receipt r, ReceiptFor(sequence));
  return r.received_at_us;
}

absl::StatusOr<std::vector<Receipt>> EventLogImpl::ReadReceipts(
    uint64_t from_sequence, size_t max_receipts) const {
  absl::ReaderMutexLock life(&lifecycle_);
  RETURN_IF_ERROR(CheckOpen("read receipts"));
  const uint64_t head = commit_.durable().sequence;
  std::vector<Receipt> out;
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Cf::kReceipts, ro);
  for (it->Seek(keys::ReceiptKey(from_sequence));
       it->Valid() && out.size() < std::max<size_t>(max_receipts, 1);
       it->Next()) {
    Receipt r;
    if (!keys::DecodeReceipt(View(it->key()), View(it->value()), &r)) {
      return absl::DataLossError(
          absl::StrCat("event_log: read receipts node=", options_.node_id,
                       ": malformed receipt after sequence ",
                       out.empty() ? from_sequence : out.back().last_sequence));
    }
    if (r.last_sequence > head) break;  // not durable yet
    out.push_back(std::move(r));
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "read receipts"));
  return out;
}

}  // namespace reporting::storage
