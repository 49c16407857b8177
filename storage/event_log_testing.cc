#include "storage/event_log_testing.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "rocksdb/statistics.h"
#include "storage/event_log.h"
#include "storage/keys.h"
#include "storage/rocks_db.h"
#include "storage/status_macros.h"

namespace reporting::storage::testing {

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

WalSyncCounter::WalSyncCounter() : statistics_(rocksdb::CreateDBStatistics()) {
  SetStatisticsForTesting(statistics_);
}

WalSyncCounter::~WalSyncCounter() { SetStatisticsForTesting(nullptr); }

uint64_t WalSyncCounter::syncs() const {
  return statistics_->getTickerCount(rocksdb::WAL_FILE_SYNCED);
}

}  // namespace reporting::storage::testing
