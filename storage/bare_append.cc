#include "storage/bare_append.h"

#include <utility>

#include "rocksdb/write_batch.h"
#include "storage/hash_chain.h"
#include "storage/keys.h"
#include "storage/rocks_db.h"

namespace reporting::storage {

absl::StatusOr<std::unique_ptr<BareAppendLoop>> BareAppendLoop::Open(
    const std::string& dir) {
  absl::StatusOr<std::unique_ptr<RocksDb>> db = RocksDb::Open(dir, true);
  if (!db.ok()) return db.status();
  return std::unique_ptr<BareAppendLoop>(new BareAppendLoop(std::move(*db)));
}

BareAppendLoop::BareAppendLoop(std::unique_ptr<RocksDb> db)
    : db_(std::move(db)) {}

BareAppendLoop::~BareAppendLoop() = default;

absl::Status BareAppendLoop::Write(uint64_t first,
                                   const std::vector<BareEvent>& events,
                                   absl::string_view event_type,
                                   int64_t recorded_at_us,
                                   absl::string_view command_id,
                                   absl::string_view digest, bool sync,
                                   const BareParts& parts) {
  auto slice = [](absl::string_view s) {
    return rocksdb::Slice(s.data(), s.size());
  };
  rocksdb::WriteBatch wb;
  // Same puts in the same order as EventLog: per event its value and its
  // index entries, then the command and the head.
  for (size_t e = 0; e < events.size(); ++e) {
    const uint64_t s = first + e;
    wb.Put(db_->handle(Cf::kEvents), keys::EventKey(s), slice(events[e].value));
    if (parts.stream_index) {
      wb.Put(db_->handle(Cf::kStreamIndex),
             keys::StreamIndexKey(events[e].stream, s), keys::Be64(s));
    }
    if (parts.type_index) {
      wb.Put(db_->handle(Cf::kTypeIndex),
             keys::TypeIndexKey(event_type, recorded_at_us, s),
             rocksdb::Slice());
    }
  }
  const uint64_t last = first + events.size() - 1;
  if (parts.command) {
    wb.Put(db_->handle(Cf::kCommands), slice(command_id),
           keys::CommandValue(first, last, digest));
  }
  wb.Put(db_->handle(Cf::kMeta), slice(keys::kHeadKey),
         keys::HeadValue(last, ZeroHash()));
  return db_->Write(&wb, sync);
}

}  // namespace reporting::storage
