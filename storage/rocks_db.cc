#include "storage/rocks_db.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/base/const_init.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/convenience.h"
#include "rocksdb/env.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/iterator.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/transaction_log.h"
#include "rocksdb/utilities/checkpoint.h"
#include "spdlog/spdlog.h"
#include "storage/rocks_logger.h"
#include "storage/status_macros.h"

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

// SetFileSystemForTesting's environment (null outside tests). Never freed:
// a database opened with it may outlive any static destructor.
ABSL_CONST_INIT absl::Mutex test_env_mu(absl::kConstInit);
rocksdb::Env* test_env ABSL_GUARDED_BY(test_env_mu) = nullptr;

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

absl::Status CreateDirectoriesDurably(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> created;
  for (fs::path p = fs::path(dir).lexically_normal();
       !p.empty() && p != p.parent_path() && !fs::exists(p, ec);
       p = p.parent_path()) {
    created.push_back(p);
  }
  if (created.empty()) return absl::OkStatus();
  fs::create_directories(dir, ec);
  if (ec) {
    return absl::InternalError(absl::StrCat(
        "event_log: open ", dir, ": cannot create directory: ", ec.message()));
  }
  for (const fs::path& p : created) {
    const fs::path parent = p.has_parent_path() ? p.parent_path() : ".";
    const int fd = open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const bool synced = fd >= 0 && fsync(fd) == 0;
    if (fd >= 0) close(fd);
    if (!synced) {
      return absl::InternalError(absl::StrCat("event_log: open ", dir,
                                              ": cannot sync directory ",
                                              parent.string()));
    }
  }
  return absl::OkStatus();
}

rocksdb::DBOptions BaseDbOptions(const std::string& dir) {
  rocksdb::DBOptions o;
  o.info_log = NewRocksLogger(dir);
  o.allow_fallocate = false;
  absl::MutexLock l(&test_env_mu);
  if (test_env != nullptr) o.env = test_env;
  return o;
}

void SetFileSystemForTesting(std::shared_ptr<rocksdb::FileSystem> fs) {
  absl::MutexLock l(&test_env_mu);
  test_env = fs == nullptr ? nullptr : rocksdb::NewCompositeEnv(fs).release();
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
    RETURN_IF_ERROR(CreateDirectoriesDurably(dir));
  }
  // Opening writes (a new MANIFEST, OPTIONS, the replayed WAL's tables):
  // on a full disk say so plainly instead of failing half-way.
  RETURN_IF_ERROR(CheckDiskReserve(dir, "the event log cannot be opened"));
  std::unique_ptr<RocksDb> db(new RocksDb(dir, create_if_missing));
  RETURN_IF_ERROR(db->OpenDb(/*read_only=*/false));
  return db;
}

absl::Status RocksDb::OpenDb(bool read_only) {
  rocksdb::DBOptions o = BaseDbOptions(dir_);
  o.create_if_missing = create_if_missing_;
  o.create_missing_column_families = true;
  o.max_background_jobs = 2;
  o.bytes_per_sync = 1 << 20;
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
  rocksdb::Status s =
      read_only
          ? rocksdb::DB::OpenForReadOnly(o, dir_, descriptors, &handles, &raw)
          : rocksdb::DB::Open(o, dir_, descriptors, &handles, &raw);
  if (!s.ok()) {
    absl::Status st = ToStatus(s, absl::StrCat("open ", dir_));
    if (absl::IsResourceExhausted(st)) {
      absl::StatusOr<DiskSpace> space = GetDiskSpace(dir_);
      return DiskFullError(dir_, space.ok() ? space->free_bytes : 0,
                           DiskReserveBytes(),
                           "the event log cannot be opened");
    }
    return st;
  }
  db_.reset(raw);
  for (int i = 0; i < kCfCount; ++i) handles_[i] = handles[i];
  return absl::OkStatus();
}

RocksDb::~RocksDb() { Close().IgnoreError(); }

absl::Status RocksDb::Refusal(const absl::Status& error) {
  // Below the reserve: the disk-full refusal, with the figures.
  RETURN_IF_ERROR(disk_.CheckNow());
  if (absl::IsResourceExhausted(error)) {  // the write ran out of space
    absl::StatusOr<DiskSpace> space = GetDiskSpace(dir_);
    return DiskFullError(dir_, space.ok() ? space->free_bytes : 0,
                         DiskReserveBytes(),
                         "a write failed for lack of space, and new events "
                         "are refused until the log has reopened itself");
  }
  return absl::UnavailableError(absl::StrCat(
      "event_log: ", dir_, ": a write failed (", error.message(),
      "); new events are refused until the log has reopened itself, which "
      "it does as soon as its disk has room. Retry in a few seconds."));
}

absl::Status RocksDb::Fail(const absl::Status& error) {
  bool first;
  {
    absl::MutexLock l(&mu_);
    first = failure_.ok();
    if (first) failure_ = error;
  }
  if (first) {
    spdlog::error(
        "event_log: {}: {}; new events are refused until the log reopens "
        "itself (when its disk has room)",
        dir_, error.ToString());
    if (on_failure_) on_failure_(error);
  }
  return Refusal(error);
}

absl::Status RocksDb::WriteState() {
  absl::Status failure;
  {
    absl::MutexLock l(&mu_);
    failure = failure_;
  }
  if (!failure.ok()) return Refusal(failure);
  return disk_.Check();
}

bool RocksDb::failed() const {
  absl::MutexLock l(&mu_);
  return !failure_.ok();
}

absl::Status RocksDb::Write(rocksdb::WriteBatch* batch, bool sync) {
  RETURN_IF_ERROR(WriteState());
  rocksdb::WriteOptions w;
  w.sync = sync;
  absl::Status s = ToStatus(db_->Write(w, batch), "write");
  if (!s.ok()) return Fail(s);
  return s;
}

absl::Status RocksDb::SyncWal() {
  {
    absl::MutexLock l(&mu_);
    if (!failure_.ok()) return Refusal(failure_);
  }
  absl::Status s = ToStatus(db_->SyncWAL(), "sync wal");
  if (!s.ok()) return Fail(s);
  return s;
}

absl::Status RocksDb::Reopen() {
  absl::Status was;
  {
    absl::MutexLock l(&mu_);
    was = failure_;
  }
  RETURN_IF_ERROR(CloseDb(/*clean=*/was.ok()));
  absl::Status s = OpenDb(/*read_only=*/false);
  if (s.ok()) {
    // What the WAL replay brought back (writes whose sync failed, or that
    // were never synced) is durable once flushed.
    std::vector<rocksdb::ColumnFamilyHandle*> cfs(handles_.begin(),
                                                  handles_.end());
    s = ToStatus(db_->Flush(rocksdb::FlushOptions(), cfs), "flush at reopen");
    if (s.ok()) {
      absl::MutexLock l(&mu_);
      failure_ = absl::OkStatus();
      return s;
    }
    CloseDb(/*clean=*/false).IgnoreError();
  }
  // Still failed; serve reads from a read-only open meanwhile.
  if (!OpenDb(/*read_only=*/true).ok()) db_.reset();
  absl::MutexLock l(&mu_);
  if (failure_.ok()) failure_ = s;
  return s;
}

// Only after a failed reopen that could not open the DB read-only either.
constexpr char kNotOpen[] =
    "the database could not be reopened after a failed write; it is "
    "retried as soon as the disk has room";

absl::StatusOr<bool> RocksDb::Get(Cf cf, absl::string_view key,
                                  std::string* value) const {
  if (db_ == nullptr) return ToStatus(rocksdb::Status::Busy(kNotOpen), "get");
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
  if (db_ == nullptr) {
    return std::unique_ptr<rocksdb::Iterator>(
        rocksdb::NewErrorIterator(rocksdb::Status::Busy(kNotOpen)));
  }
  return std::unique_ptr<rocksdb::Iterator>(
      db_->NewIterator(options, handle(cf)));
}

absl::Status RocksDb::Checkpoint(const std::string& dir) const {
  if (db_ == nullptr) {
    return ToStatus(rocksdb::Status::Busy(kNotOpen), "checkpoint");
  }
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
  if (db_ == nullptr) {
    return ToStatus(rocksdb::Status::Busy(kNotOpen), "disk usage");
  }
  return DiskUsageOf(db_.get(), "event_log");
}

absl::Status RocksDb::Close() { return CloseDb(/*clean=*/!failed()); }

absl::Status RocksDb::CloseDb(bool clean) {
  if (db_ == nullptr) return absl::OkStatus();
  absl::Status st;
  // A failed DB is not synced or flushed: its WAL writer may be unusable
  // (see failed()). What it wrote is in the WAL, replayed at the next open.
  if (clean) {
    st = ToStatus(db_->SyncWAL(), "sync wal at close");
    // Flush the memtables so that the next Open has no WAL to replay: a
    // cleanly closed log reopens in milliseconds whatever its size.
    if (st.ok()) {
      std::vector<rocksdb::ColumnFamilyHandle*> cfs;
      for (rocksdb::ColumnFamilyHandle* h : handles_) {
        if (h != nullptr) cfs.push_back(h);
      }
      st = ToStatus(db_->Flush(rocksdb::FlushOptions(), cfs), "flush at close");
    }
  }
  for (rocksdb::ColumnFamilyHandle*& h : handles_) {
    if (h != nullptr) {
      rocksdb::Status s = db_->DestroyColumnFamilyHandle(h);
      if (st.ok()) st = ToStatus(s, "close column family");
      h = nullptr;
    }
  }
  rocksdb::Status s = db_->Close();
  if (st.ok() && clean) st = ToStatus(s, "close");
  db_.reset();
  return st;
}

}  // namespace reporting::storage
