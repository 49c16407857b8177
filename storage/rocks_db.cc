#include "storage/rocks_db.h"

#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/base/const_init.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/convenience.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/transaction_log.h"
#include "rocksdb/utilities/checkpoint.h"

namespace reporting::storage {
namespace {

// Tuning for an append-heavy log on a small machine (see storage/README.md,
// "RocksDB tuning"):
// - Every append is a few small puts to five column families, all in one
//   WAL, so memtables are the write path: 64 MiB for events (the bulk of the
//   bytes), 16 MiB for the rest.
// - Point lookups on every append (command ids) get bloom filters so a
//   miss does not read SST blocks.
// - events compress with LZ4 when this RocksDB has it (envelopes are mostly
//   text; LZ4 costs little CPU), indexes stay uncompressed (tiny values,
//   hot in scans).
// A key without its last `suffix` bytes: the part that a run of inserts
// shares (a stream's index keys differ in their trailing version, a type's
// in their trailing time and sequence).
class DropSuffix : public rocksdb::SliceTransform {
 public:
  DropSuffix(size_t suffix, const char* name) : suffix_(suffix), name_(name) {}
  const char* Name() const override { return name_; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - suffix_);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return key.size() > suffix_;
  }

 private:
  const size_t suffix_;
  const char* const name_;
};

rocksdb::ColumnFamilyOptions CfOptions(Cf cf) {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.block_size = 16 * 1024;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  o.compression = rocksdb::kNoCompression;
  o.write_buffer_size = 16 << 20;
  if (cf == Cf::kEvents) {
    o.write_buffer_size = 64 << 20;
    for (rocksdb::CompressionType c : rocksdb::GetSupportedCompressions()) {
      if (c == rocksdb::kLZ4Compression) o.compression = c;
    }
  }
  // Memtable insert hints: each stream's index keys and each type's index
  // keys arrive in key order, so an
  // insert starts where the last one with the same prefix went instead of
  // searching the skiplist from its top (most of an append's memtable
  // cost). Used by single-writer write groups, which is every append.
  if (cf == Cf::kStreamIndex) {
    o.memtable_insert_with_hint_prefix_extractor =
        std::make_shared<DropSuffix>(8, "reporting.StreamIndexStream");
  } else if (cf == Cf::kTypeIndex) {
    o.memtable_insert_with_hint_prefix_extractor =
        std::make_shared<DropSuffix>(16, "reporting.TypeIndexType");
  }
  o.memtable_whole_key_filtering = cf == Cf::kCommands;
  if (o.memtable_whole_key_filtering) o.memtable_prefix_bloom_size_ratio = 0.05;
  return o;
}

// SetStatisticsForTesting's object (null outside tests).
ABSL_CONST_INIT absl::Mutex test_statistics_mu(absl::kConstInit);
std::shared_ptr<rocksdb::Statistics>& TestStatisticsLocked()
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(test_statistics_mu) {
  static auto* statistics = new std::shared_ptr<rocksdb::Statistics>();
  return *statistics;
}

absl::StatusCode CodeOf(const rocksdb::Status& s) {
  switch (s.code()) {
    case rocksdb::Status::kOk:
      return absl::StatusCode::kOk;
    case rocksdb::Status::kNotFound:
      return absl::StatusCode::kNotFound;
    case rocksdb::Status::kCorruption:
      return absl::StatusCode::kDataLoss;
    case rocksdb::Status::kNotSupported:
      return absl::StatusCode::kUnimplemented;
    case rocksdb::Status::kInvalidArgument:
      return absl::StatusCode::kInvalidArgument;
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTryAgain:
    case rocksdb::Status::kTimedOut:
    case rocksdb::Status::kShutdownInProgress:
      return absl::StatusCode::kUnavailable;
    case rocksdb::Status::kAborted:
      return absl::StatusCode::kAborted;
    case rocksdb::Status::kIOError:
      if (s.IsNoSpace()) return absl::StatusCode::kResourceExhausted;
      return absl::StatusCode::kInternal;
    default:
      return absl::StatusCode::kInternal;
  }
}

}  // namespace

absl::Status ToStatus(const rocksdb::Status& s, absl::string_view context) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(CodeOf(s),
                      absl::StrCat("event_log: ", context, ": ", s.ToString()));
}

void SetStatisticsForTesting(std::shared_ptr<rocksdb::Statistics> statistics) {
  absl::MutexLock l(&test_statistics_mu);
  TestStatisticsLocked() = std::move(statistics);
}

absl::StatusOr<std::unique_ptr<RocksDb>> RocksDb::Open(const std::string& dir,
                                                       bool create_if_missing) {
  if (create_if_missing) {
    // RocksDB creates only the last path component; a data dir such as
    // /var/lib/reporting/371302 should just work.
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return absl::InternalError(
          absl::StrCat("event_log: open ", dir,
                       ": cannot create directory: ", ec.message()));
    }
  }
  rocksdb::DBOptions o;
  o.create_if_missing = create_if_missing;
  o.create_missing_column_families = true;
  o.max_background_jobs = 2;
  o.bytes_per_sync = 1 << 20;
  o.keep_log_file_num = 5;
  // Start-up time is bounded by the WAL RocksDB must replay: once the live
  // WAL passes 64 MiB the column families holding its oldest data are
  // flushed, so a restart after a crash replays at most about that much.
  o.max_total_wal_size = 64 << 20;
  // A torn WAL tail after a crash is cut at the last whole record, so the
  // recovered log is a prefix of what was written: no gaps.
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  {
    absl::MutexLock l(&test_statistics_mu);
    o.statistics = TestStatisticsLocked();  // null outside tests
  }

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (int i = 0; i < kCfCount; ++i) {
    descriptors.emplace_back(kCfNames[i], CfOptions(static_cast<Cf>(i)));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(o, dir, descriptors, &handles, &raw);
  if (!s.ok()) return ToStatus(s, absl::StrCat("open ", dir));
  std::unique_ptr<RocksDb> db(new RocksDb());
  db->db_.reset(raw);
  for (int i = 0; i < kCfCount; ++i) db->handles_[i] = handles[i];
  return db;
}

RocksDb::~RocksDb() { Close().IgnoreError(); }

absl::Status RocksDb::Write(rocksdb::WriteBatch* batch, bool sync) {
  rocksdb::WriteOptions w;
  w.sync = sync;
  return ToStatus(db_->Write(w, batch), "write");
}

absl::Status RocksDb::SyncWal() { return ToStatus(db_->SyncWAL(), "sync wal"); }

absl::StatusOr<bool> RocksDb::Get(Cf cf, absl::string_view key,
                                  std::string* value) const {
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handle(cf),
                               rocksdb::Slice(key.data(), key.size()), value);
  if (s.IsNotFound()) return false;
  if (!s.ok())
    return ToStatus(s,
                    absl::StrCat("get from ", kCfNames[static_cast<int>(cf)]));
  return true;
}

std::unique_ptr<rocksdb::Iterator> RocksDb::NewIterator(
    Cf cf, const rocksdb::ReadOptions& options) const {
  return std::unique_ptr<rocksdb::Iterator>(
      db_->NewIterator(options, handle(cf)));
}

absl::Status RocksDb::Checkpoint(const std::string& dir) const {
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(db_.get(), &raw);
  if (!s.ok()) return ToStatus(s, "checkpoint");
  std::unique_ptr<rocksdb::Checkpoint> cp(raw);
  return ToStatus(cp->CreateCheckpoint(dir),
                  absl::StrCat("checkpoint to ", dir));
}

absl::StatusOr<DiskUsage> DiskUsageOf(rocksdb::DB* db,
                                      absl::string_view context) {
  DiskUsage usage;
  const std::string what = absl::StrCat(context, ": disk usage");
  if (!db->GetAggregatedIntProperty("rocksdb.total-sst-files-size",
                                    &usage.sst_bytes) ||
      !db->GetAggregatedIntProperty("rocksdb.estimate-live-data-size",
                                    &usage.live_data_bytes) ||
      !db->GetAggregatedIntProperty("rocksdb.cur-size-all-mem-tables",
                                    &usage.memtable_bytes)) {
    return absl::InternalError(
        absl::StrCat(what, ": a RocksDB size property is not available"));
  }
  rocksdb::VectorLogPtr wal_files;
  rocksdb::Status s = db->GetSortedWalFiles(wal_files);
  if (!s.ok()) return ToStatus(s, what);
  for (const std::unique_ptr<rocksdb::LogFile>& f : wal_files) {
    if (f->Type() == rocksdb::kAliveLogFile)
      usage.wal_bytes += f->SizeFileBytes();
  }
  return usage;
}

absl::StatusOr<DiskUsage> RocksDb::GetDiskUsage() const {
  return DiskUsageOf(db_.get(), "event_log");
}

absl::Status RocksDb::Close() {
  if (db_ == nullptr) return absl::OkStatus();
  absl::Status st = ToStatus(db_->SyncWAL(), "sync wal at close");
  // Flush the memtables so that the next Open has no WAL to replay: a
  // cleanly closed log reopens in milliseconds whatever its size.
  if (st.ok()) {
    std::vector<rocksdb::ColumnFamilyHandle*> cfs;
    for (rocksdb::ColumnFamilyHandle* h : handles_) {
      if (h != nullptr) cfs.push_back(h);
    }
    st = ToStatus(db_->Flush(rocksdb::FlushOptions(), cfs), "flush at close");
  }
  for (rocksdb::ColumnFamilyHandle*& h : handles_) {
    if (h != nullptr) {
      rocksdb::Status s = db_->DestroyColumnFamilyHandle(h);
      if (st.ok()) st = ToStatus(s, "close column family");
      h = nullptr;
    }
  }
  rocksdb::Status s = db_->Close();
  if (st.ok()) st = ToStatus(s, "close");
  db_.reset();
  return st;
}

}  // namespace reporting::storage
