#include "storage/event_log_testing.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "reporting/v1/envelope.pb.h"
#include "rocksdb/statistics.h"
#include "storage/envelope.h"
#include "storage/event_log.h"
#include "storage/event_log_impl.h"
#include "storage/hash_chain.h"
#include "storage/keys.h"
#include "storage/rocks_db.h"
#include "storage/status_macros.h"

namespace reporting::storage::testing {
namespace {

absl::Status CheckHashSize(absl::string_view hash) {
  if (hash.size() != kHashBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("event_log_testing: a hash has ", kHashBytes,
                     " bytes, not ", hash.size()));
  }
  return absl::OkStatus();
}

// Event `sequence`'s stored value; NOT_FOUND when there is none.
absl::StatusOr<std::string> StoredValue(const RocksDb& db, uint64_t sequence) {
  std::string value;
  ASSIGN_OR_RETURN(bool found,
                   db.Get(Cf::kEvents, keys::EventKey(sequence), &value));
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("event_log_testing: no stored event ", sequence));
  }
  return value;
}

// Writes one put or delete durably and closes the DB.
absl::Status WriteAndClose(RocksDb& db, rocksdb::WriteBatch& batch) {
  RETURN_IF_ERROR(db.Write(&batch, /*sync=*/true));
  return db.Close();
}

}  // namespace

absl::Status FlipEnvelopeByte(const std::string& dir, uint64_t sequence,
                              size_t offset, uint8_t mask) {
  ASSIGN_OR_RETURN(std::unique_ptr<RocksDb> db,
                   RocksDb::Open(dir, /*create_if_missing=*/false));
  const std::string key = keys::EventKey(sequence);
  std::string value;
  ASSIGN_OR_RETURN(bool found, db->Get(Cf::kEvents, key, &value));
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("event_log_testing: no stored event ", sequence));
  }
  if (kHashBytes + offset >= value.size()) {
    return absl::OutOfRangeError(absl::StrCat(
        "event_log_testing: event ", sequence, " has ",
        value.size() - kHashBytes, " envelope bytes, not ", offset + 1));
  }
  value[kHashBytes + offset] = static_cast<char>(
      static_cast<uint8_t>(value[kHashBytes + offset]) ^ mask);
  rocksdb::WriteBatch batch;
  batch.Put(db->handle(Cf::kEvents), key, value);
  RETURN_IF_ERROR(db->Write(&batch, /*sync=*/true));
  return db->Close();
}

absl::Status RewriteTail(const std::string& dir, uint64_t from,
                         absl::string_view actor) {
  if (from < 2) {
    return absl::InvalidArgumentError(
        "event_log_testing: RewriteTail needs an event before `from`");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<RocksDb> db,
                   RocksDb::Open(dir, /*create_if_missing=*/false));
  std::string value;
  ASSIGN_OR_RETURN(bool found, db->Get(Cf::kMeta, keys::kHeadKey, &value));
  uint64_t head = 0;
  std::string head_hash;
  if (!found || !keys::DecodeHeadValue(value, &head, &head_hash) ||
      head < from) {
    return absl::FailedPreconditionError(absl::StrCat(
        "event_log_testing: no head at or after event ", from, " in ", dir));
  }
  ASSIGN_OR_RETURN(found,
                   db->Get(Cf::kEvents, keys::EventKey(from - 1), &value));
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("event_log_testing: no stored event ", from - 1));
  }
  std::string prev = value.substr(0, kHashBytes);
  rocksdb::WriteBatch batch;
  for (uint64_t seq = from; seq <= head; ++seq) {
    ASSIGN_OR_RETURN(found, db->Get(Cf::kEvents, keys::EventKey(seq), &value));
    v1::EventEnvelope env;
    if (!found || !env.ParseFromString(value.substr(kHashBytes))) {
      return absl::DataLossError(
          absl::StrCat("event_log_testing: event ", seq, " unreadable"));
    }
    if (seq == from) env.set_actor(std::string(actor));
    env.set_prev_hash(prev);
    const std::string bytes = SerializeEnvelope(env);
    std::string hash = ChainHash(prev, bytes);
    batch.Put(db->handle(Cf::kEvents), keys::EventKey(seq),
              keys::EventValue(hash, bytes));
    prev = std::move(hash);
  }
  batch.Put(db->handle(Cf::kMeta), std::string(keys::kHeadKey),
            keys::HeadValue(head, prev));
  RETURN_IF_ERROR(db->Write(&batch, /*sync=*/true));
  return db->Close();
}

absl::Status DeleteEvent(const std::string& dir, uint64_t sequence) {
  ASSIGN_OR_RETURN(std::unique_ptr<RocksDb> db,
                   RocksDb::Open(dir, /*create_if_missing=*/false));
  RETURN_IF_ERROR(StoredValue(*db, sequence).status());
  rocksdb::WriteBatch batch;
  batch.Delete(db->handle(Cf::kEvents), keys::EventKey(sequence));
  return WriteAndClose(*db, batch);
}

absl::Status SetHead(const std::string& dir, uint64_t sequence,
                     absl::string_view hash) {
  RETURN_IF_ERROR(CheckHashSize(hash));
  ASSIGN_OR_RETURN(std::unique_ptr<RocksDb> db,
                   RocksDb::Open(dir, /*create_if_missing=*/false));
  rocksdb::WriteBatch batch;
  batch.Put(db->handle(Cf::kMeta), std::string(keys::kHeadKey),
            keys::HeadValue(sequence, hash));
  return WriteAndClose(*db, batch);
}

absl::Status SetStoredHash(const std::string& dir, uint64_t sequence,
                           absl::string_view hash) {
  RETURN_IF_ERROR(CheckHashSize(hash));
  ASSIGN_OR_RETURN(std::unique_ptr<RocksDb> db,
                   RocksDb::Open(dir, /*create_if_missing=*/false));
  ASSIGN_OR_RETURN(std::string value, StoredValue(*db, sequence));
  absl::string_view old_hash, envelope;
  if (!keys::DecodeEventValue(value, &old_hash, &envelope)) {
    return absl::DataLossError(
        absl::StrCat("event_log_testing: event ", sequence, " unreadable"));
  }
  rocksdb::WriteBatch batch;
  batch.Put(db->handle(Cf::kEvents), keys::EventKey(sequence),
            keys::EventValue(hash, envelope));
  return WriteAndClose(*db, batch);
}

absl::StatusOr<uint64_t> StoreEventPastHead(const std::string& dir) {
  ASSIGN_OR_RETURN(std::unique_ptr<RocksDb> db,
                   RocksDb::Open(dir, /*create_if_missing=*/false));
  std::string value;
  ASSIGN_OR_RETURN(bool found, db->Get(Cf::kMeta, keys::kHeadKey, &value));
  uint64_t head = 0;
  std::string head_hash;
  if (!found || !keys::DecodeHeadValue(value, &head, &head_hash) || head == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("event_log_testing: no events in ", dir));
  }
  ASSIGN_OR_RETURN(value, StoredValue(*db, head));
  absl::string_view stored_hash, envelope;
  v1::EventEnvelope env;
  if (!keys::DecodeEventValue(value, &stored_hash, &envelope) ||
      !env.ParseFromArray(envelope.data(), static_cast<int>(envelope.size()))) {
    return absl::DataLossError(
        absl::StrCat("event_log_testing: event ", head, " unreadable"));
  }
  const uint64_t extra = head + 1;
  env.set_sequence(extra);
  env.set_event_id(NewEventId());
  env.set_prev_hash(head_hash);
  const std::string bytes = SerializeEnvelope(env);
  rocksdb::WriteBatch batch;
  batch.Put(db->handle(Cf::kEvents), keys::EventKey(extra),
            keys::EventValue(ChainHash(head_hash, bytes), bytes));
  RETURN_IF_ERROR(WriteAndClose(*db, batch));
  return extra;
}

EagerTypeIndexForTesting::EagerTypeIndexForTesting() {
  EagerTypeIndexSeam() = true;
}

EagerTypeIndexForTesting::~EagerTypeIndexForTesting() {
  EagerTypeIndexSeam() = false;
}

absl::StatusOr<TypeIndexContents> ReadTypeIndex(const std::string& dir) {
  ASSIGN_OR_RETURN(std::unique_ptr<RocksDb> db, RocksDb::Open(dir, false));
  TypeIndexContents out;
  std::unique_ptr<rocksdb::Iterator> it =
      db->NewIterator(Cf::kTypeIndex, rocksdb::ReadOptions());
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const absl::string_view key(it->key().data(), it->key().size());
    const size_t prefix = key.find('\0');
    int64_t at = 0;
    uint64_t seq = 0;
    if (prefix == absl::string_view::npos ||
        !keys::DecodeTypeIndexKey(key, prefix + 1, &at, &seq)) {
      return absl::DataLossError("event_log_testing: malformed type_index key");
    }
    out.sequences.push_back(seq);
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "testing: read type_index"));
  it.reset();
  std::string value;
  ASSIGN_OR_RETURN(out.has_cursor,
                   db->Get(Cf::kMeta, keys::kTypeIndexedKey, &value));
  if (out.has_cursor) {
    if (value.size() != 8) {
      return absl::DataLossError("event_log_testing: malformed type cursor");
    }
    out.cursor = keys::GetBe64(value);
  }
  RETURN_IF_ERROR(db->Close());
  return out;
}

WalSyncCounter::WalSyncCounter() : statistics_(rocksdb::CreateDBStatistics()) {
  SetStatisticsForTesting(statistics_);
}

WalSyncCounter::~WalSyncCounter() { SetStatisticsForTesting(nullptr); }

uint64_t WalSyncCounter::syncs() const {
  return statistics_->getTickerCount(rocksdb::WAL_FILE_SYNCED);
}

namespace {

// Every stored receipt, in order.
absl::StatusOr<std::vector<Receipt>> AllReceipts(const RocksDb& db) {
  std::vector<Receipt> out;
  std::unique_ptr<rocksdb::Iterator> it =
      db.NewIterator(Cf::kReceipts, rocksdb::ReadOptions());
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Receipt r;
    if (!keys::DecodeReceipt(
            absl::string_view(it->key().data(), it->key().size()),
            absl::string_view(it->value().data(), it->value().size()), &r)) {
      return absl::DataLossError("event_log_testing: malformed receipt");
    }
    out.push_back(std::move(r));
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "testing: read receipts"));
  return out;
}

absl::StatusOr<Receipt> FindReceipt(const RocksDb& db, uint64_t number) {
  ASSIGN_OR_RETURN(std::vector<Receipt> all, AllReceipts(db));
  for (Receipt& r : all) {
    if (r.number == number) return std::move(r);
  }
  return absl::NotFoundError(
      absl::StrCat("event_log_testing: no stored receipt ", number));
}

// The node id of the log (from its head event's envelope).
absl::StatusOr<std::string> NodeOf(const RocksDb& db) {
  std::string value;
  ASSIGN_OR_RETURN(bool found, db.Get(Cf::kMeta, keys::kHeadKey, &value));
  uint64_t sequence = 0;
  std::string hash;
  if (!found || !keys::DecodeHeadValue(value, &sequence, &hash)) {
    return absl::FailedPreconditionError("event_log_testing: no head record");
  }
  ASSIGN_OR_RETURN(std::string stored, StoredValue(db, sequence));
  v1::EventEnvelope env;
  if (!env.ParseFromString(stored.substr(kHashBytes))) {
    return absl::DataLossError("event_log_testing: head event malformed");
  }
  return env.node_id();
}

}  // namespace

absl::Status EditReceipt(const std::string& dir, uint64_t number,
                         const std::function<void(Receipt&)>& edit,
                         bool rehash) {
  ASSIGN_OR_RETURN(std::unique_ptr<RocksDb> db,
                   RocksDb::Open(dir, /*create_if_missing=*/false));
  ASSIGN_OR_RETURN(Receipt r, FindReceipt(*db, number));
  rocksdb::WriteBatch batch;
  batch.Delete(db->handle(Cf::kReceipts), keys::ReceiptKey(r.last_sequence));
  edit(r);
  if (rehash) {
    ASSIGN_OR_RETURN(std::string node, NodeOf(*db));
    r.hash = ReceiptHash(node, r);
  }
  batch.Put(db->handle(Cf::kReceipts), keys::ReceiptKey(r.last_sequence),
            keys::ReceiptValue(r));
  return WriteAndClose(*db, batch);
}

absl::Status DeleteReceipt(const std::string& dir, uint64_t number) {
  ASSIGN_OR_RETURN(std::unique_ptr<RocksDb> db,
                   RocksDb::Open(dir, /*create_if_missing=*/false));
  ASSIGN_OR_RETURN(Receipt r, FindReceipt(*db, number));
  rocksdb::WriteBatch batch;
  batch.Delete(db->handle(Cf::kReceipts), keys::ReceiptKey(r.last_sequence));
  return WriteAndClose(*db, batch);
}

absl::Status ReceiptsToReceiveTimes(const std::string& dir) {
  ASSIGN_OR_RETURN(std::unique_ptr<RocksDb> db,
                   RocksDb::Open(dir, /*create_if_missing=*/false));
  ASSIGN_OR_RETURN(std::vector<Receipt> all, AllReceipts(*db));
  rocksdb::WriteBatch batch;
  for (const Receipt& r : all) {
    batch.Delete(db->handle(Cf::kReceipts), keys::ReceiptKey(r.last_sequence));
    batch.Put(db->handle(Cf::kReceivedAt), keys::ReceivedAtKey(r.last_sequence),
              keys::ReceivedAtValue(r.first_sequence, r.received_at_us));
  }
  return WriteAndClose(*db, batch);
}

}  // namespace reporting::storage::testing
