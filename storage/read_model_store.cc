#include "storage/read_model_store.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <filesystem>
#include <iterator>
#include <system_error>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/sst_file_writer.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"
#include "spdlog/spdlog.h"
#include "storage/disk_space.h"
#include "storage/rocks_db.h"
#include "storage/status_macros.h"

namespace reporting::storage {
namespace {

using Family = ReadModelStore::Family;

// Column family names are on disk: never rename one; add new ones at the
// end. Index = 1 + Family (0 is RocksDB's "default", unused).
constexpr int kFamilies = 4;
constexpr std::array<const char*, kFamilies + 1> kNames = {
    "default", "state", "rows", "checkpoint", "meta"};

rocksdb::ColumnFamilyOptions FamilyOptions() {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  o.write_buffer_size = 32 << 20;
  o.compression = rocksdb::kNoCompression;
  return o;
}

bool PutLess(const ReadModelStore::Put& a, const ReadModelStore::Put& b) {
  if (a.family != b.family) return a.family < b.family;
  return a.key < b.key;
}

std::string Context(absl::string_view what, const std::string& dir) {
  return absl::StrCat("read_model_store: ", what, " ", dir);
}

// Shared by the store (no snapshot) and views (a snapshot).
class Reader {
 public:
  Reader(rocksdb::DB* db,
         const std::array<rocksdb::ColumnFamilyHandle*, kFamilies + 1>* handles)
      : db_(db), handles_(handles) {}

  absl::StatusOr<bool> Get(const rocksdb::Snapshot* snapshot, Family family,
                           absl::string_view key, std::string* value) const {
    rocksdb::ReadOptions r;
    r.snapshot = snapshot;
    rocksdb::Status s = db_->Get(r, Handle(family),
                                 rocksdb::Slice(key.data(), key.size()), value);
    if (s.IsNotFound()) return false;
    if (!s.ok()) return ToStatus(s, "read_model_store: get");
    return true;
  }

  absl::Status Scan(const rocksdb::Snapshot* snapshot, Family family,
                    absl::string_view prefix, absl::string_view start,
                    const ReadModelStore::Visitor& visit) const {
    rocksdb::ReadOptions r;
    r.snapshot = snapshot;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(r, Handle(family)));
    const absl::string_view from =
        start.empty() || start < prefix ? prefix : start;
    for (it->Seek(rocksdb::Slice(from.data(), from.size())); it->Valid();
         it->Next()) {
      const rocksdb::Slice k = it->key();
      const absl::string_view key(k.data(), k.size());
      if (key.substr(0, prefix.size()) != prefix) break;
      const rocksdb::Slice v = it->value();
      if (!visit(key, absl::string_view(v.data(), v.size()))) break;
    }
    return ToStatus(it->status(), "read_model_store: scan");
  }

 private:
  rocksdb::ColumnFamilyHandle* Handle(Family f) const {
    return (*handles_)[1 + static_cast<int>(f)];
  }

  rocksdb::DB* db_;
  const std::array<rocksdb::ColumnFamilyHandle*, kFamilies + 1>* handles_;
};

// A view counts itself in `open` while it lives: the store reopens its
// database only when no view holds a snapshot of it.
class ViewImpl : public ReadModelStore::View {
 public:
  // `life` is held (shared) by the caller.
  ViewImpl(rocksdb::DB* db, const Reader* reader, absl::Mutex* life,
           std::atomic<int>* open)
      : db_(db),
        reader_(reader),
        snapshot_(db->GetSnapshot()),
        life_(life),
        open_(open) {
    ++*open_;
  }
  ~ViewImpl() override {
    db_->ReleaseSnapshot(snapshot_);
    absl::ReaderMutexLock l(life_);  // wakes a reopen waiting for views
    --*open_;
  }

  absl::StatusOr<bool> Get(Family family, absl::string_view key,
                           std::string* value) const override {
    return reader_->Get(snapshot_, family, key, value);
  }
  absl::Status Scan(Family family, absl::string_view prefix,
                    absl::string_view start,
                    const ReadModelStore::Visitor& visit) const override {
    return reader_->Scan(snapshot_, family, prefix, start, visit);
  }

 private:
  rocksdb::DB* db_;
  const Reader* reader_;
  const rocksdb::Snapshot* snapshot_;
  absl::Mutex* const life_;
  std::atomic<int>* const open_;
};

// Opens the store's RocksDB in `dir` (read_only: for reads while a reopen
// after a failed write cannot open it for writing).
absl::Status OpenDb(
    const std::string& dir, bool read_only, std::unique_ptr<rocksdb::DB>* db,
    std::array<rocksdb::ColumnFamilyHandle*, kFamilies + 1>* handles) {
  rocksdb::DBOptions o = BaseDbOptions(dir);
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  o.max_background_jobs = 2;
  // The checkpoint family is written a little on every pass, so it holds
  // every WAL alive until it flushes: once the WAL passes 64 MiB RocksDB
  // flushes the families keeping its oldest file (unbounded it would wait
  // for 4 x the write buffers, 1.25 GiB; storage/README.md "Disk reserved
  // per database").
  o.max_total_wal_size = 64 << 20;
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kNames) {
    descriptors.emplace_back(name, FamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> opened;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      read_only
          ? rocksdb::DB::OpenForReadOnly(o, dir, descriptors, &opened, &raw)
          : rocksdb::DB::Open(o, dir, descriptors, &opened, &raw);
  if (!s.ok()) return ToStatus(s, Context("open", dir));
  db->reset(raw);
  for (size_t i = 0; i < handles->size(); ++i) (*handles)[i] = opened[i];
  return absl::OkStatus();
}

class StoreImpl : public ReadModelStore {
 public:
  StoreImpl(std::string dir, std::unique_ptr<rocksdb::DB> db,
            std::array<rocksdb::ColumnFamilyHandle*, kFamilies + 1> handles)
      : dir_(std::move(dir)),
        db_(std::move(db)),
        handles_(handles),
        reader_(db_.get(), &handles_) {}
  ~StoreImpl() override { Close().IgnoreError(); }

  absl::Status Apply(const WriteSet& writes) override {
    if (write_failed_) RETURN_IF_ERROR(Recover());
    absl::ReaderMutexLock life(&life_);
    if (db_ == nullptr) {
      return absl::FailedPreconditionError(Context("closed:", dir_));
    }
    rocksdb::WriteBatch batch;
    for (const Put& p : writes.puts) {
      rocksdb::Status s =
          batch.Put(handles_[1 + static_cast<int>(p.family)],
                    rocksdb::Slice(p.key.data(), p.key.size()),
                    rocksdb::Slice(p.value.data(), p.value.size()));
      if (!s.ok()) return ToStatus(s, Context("batch", dir_));
    }
    // Below the disk's reserve nothing is written (the projection retries
    // the same rows; storage/README.md "Full disks").
    RETURN_IF_ERROR(
        CheckDiskReserve(dir_, "the read models are not updated meanwhile"));
    rocksdb::WriteOptions w;
    w.sync = writes.sync;
    absl::Status s = ToStatus(db_->Write(w, &batch), Context("write", dir_));
    // Its WAL writer may be unusable now, and RocksDB's own recovery
    // keeps it when the memtables are empty (the next write would abort:
    // storage/README.md "Full disks"): nothing is written to this open
    // database again; the next Apply reopens it once the disk has room.
    if (!s.ok()) write_failed_ = true;
    return s;
  }

  // After a failed write: once the disk is above its reserve and no view
  // is open, closes the database without syncing, opens it again (the WAL
  // replays) and clears the failure. Readers wait meanwhile.
  absl::Status Recover() {
    RETURN_IF_ERROR(CheckDiskReserve(
        dir_, "the read models are not updated meanwhile (a write failed)"));
    absl::WriterMutexLock life(&life_);
    if (closed_) return absl::FailedPreconditionError(Context("closed:", dir_));
    if (!write_failed_) return absl::OkStatus();  // another Apply did it
    auto no_views = [this]() { return open_views_ == 0; };
    if (!life_.AwaitWithTimeout(absl::Condition(&no_views), absl::Seconds(2))) {
      return absl::UnavailableError(Context(
          "reopen after a failed write: views still open; retried at the "
          "next write:",
          dir_));
    }
    CloseLocked(/*sync=*/false).IgnoreError();
    absl::Status s = OpenDb(dir_, /*read_only=*/false, &db_, &handles_);
    if (!s.ok() && !OpenDb(dir_, /*read_only=*/true, &db_, &handles_).ok()) {
      db_.reset();  // readers get "closed" until a reopen works
    }
    reader_ = Reader(db_.get(), &handles_);
    if (!s.ok()) return s;
    write_failed_ = false;
    spdlog::warn("read_model_store: {}: reopened after a failed write", dir_);
    return absl::OkStatus();
  }

  absl::Status BulkLoad(std::vector<Put>&& puts) override {
    std::vector<std::vector<Put>> runs;
    runs.push_back(std::move(puts));
    return BulkLoadRuns(std::move(runs));
  }

  absl::Status BulkLoadRuns(std::vector<std::vector<Put>>&& runs) override {
    absl::ReaderMutexLock life(&life_);
    if (db_ == nullptr) {
      return absl::FailedPreconditionError(Context("closed:", dir_));
    }
    // Order by (family, key), of equal keys the last put last (later run,
    // later in its run), and keep only that one. Runs that come sorted (a
    // rebuild sorts its rows on its workers) are only merged.
    auto less = [](const Put* a, const Put* b) { return PutLess(*a, *b); };
    std::vector<Put*> order;
    for (std::vector<Put>& run : runs) {
      std::vector<Put*> sorted;
      sorted.reserve(run.size());
      for (Put& p : run) sorted.push_back(&p);
      if (!std::is_sorted(run.begin(), run.end(), PutLess)) {
        std::stable_sort(sorted.begin(), sorted.end(), less);
      }
      if (order.empty()) {
        order.swap(sorted);
        continue;
      }
      std::vector<Put*> merged;
      merged.reserve(order.size() + sorted.size());
      std::merge(order.begin(), order.end(), sorted.begin(), sorted.end(),
                 std::back_inserter(merged), less);
      order.swap(merged);
    }
    std::vector<Put*> rows;
    rows.reserve(order.size());
    for (size_t i = 0; i < order.size(); ++i) {
      if (i + 1 < order.size() && order[i + 1]->family == order[i]->family &&
          order[i + 1]->key == order[i]->key) {
        continue;  // a later put of the same key wins
      }
      rows.push_back(order[i]);
    }
    // Pieces of one family each, as many as there are threads to write
    // them: disjoint key ranges, so each family's files are ingested
    // together in one call.
    const size_t threads = std::max(1u, std::thread::hardware_concurrency());
    const size_t per_piece = std::max<size_t>(
        kMinRowsPerFile, (rows.size() + threads - 1) / threads);
    std::vector<Piece> pieces;
    for (size_t i = 0; i < rows.size();) {
      Piece piece;
      piece.family = rows[i]->family;
      piece.begin = i;
      while (i < rows.size() && rows[i]->family == piece.family &&
             i - piece.begin < per_piece) {
        ++i;
      }
      piece.end = i;
      piece.path = absl::StrCat(dir_, "/bulk-", pieces.size(), ".sst");
      pieces.push_back(std::move(piece));
    }
    std::atomic<size_t> next{0};
    auto write = [&] {
      for (size_t k; (k = next.fetch_add(1)) < pieces.size();) {
        pieces[k].status = WriteTableFile(rows, pieces[k]);
      }
    };
    std::vector<std::thread> writers;
    for (size_t t = 1; t < std::min(threads, pieces.size()); ++t) {
      writers.emplace_back(write);
    }
    write();
    for (std::thread& t : writers) t.join();
    for (const Piece& piece : pieces) RETURN_IF_ERROR(piece.status);
    for (size_t i = 0; i < pieces.size();) {
      const Family family = pieces[i].family;
      std::vector<std::string> files;
      for (; i < pieces.size() && pieces[i].family == family; ++i) {
        files.push_back(pieces[i].path);
      }
      rocksdb::IngestExternalFileOptions ingest;
      ingest.move_files = true;
      rocksdb::Status s =
          db_->IngestExternalFile(Handle(family), files, ingest);
      if (!s.ok()) return ToStatus(s, Context("bulk load: ingest into", dir_));
    }
    return absl::OkStatus();
  }

  std::unique_ptr<View> NewView() const override {
    absl::ReaderMutexLock life(&life_);
    return std::make_unique<ViewImpl>(db_.get(), &reader_, &life_,
                                      &open_views_);
  }

  absl::StatusOr<bool> Get(Family family, absl::string_view key,
                           std::string* value) const override {
    absl::ReaderMutexLock life(&life_);
    return reader_.Get(nullptr, family, key, value);
  }

  absl::Status Scan(Family family, absl::string_view prefix,
                    absl::string_view start,
                    const Visitor& visit) const override {
    absl::ReaderMutexLock life(&life_);
    return reader_.Scan(nullptr, family, prefix, start, visit);
  }

  absl::Status Checkpoint(const std::string& dir) const override {
    absl::ReaderMutexLock life(&life_);
    if (db_ == nullptr) {
      return absl::FailedPreconditionError(Context("closed:", dir_));
    }
    rocksdb::Checkpoint* raw = nullptr;
    rocksdb::Status s = rocksdb::Checkpoint::Create(db_.get(), &raw);
    if (!s.ok()) return ToStatus(s, Context("checkpoint", dir_));
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    return ToStatus(checkpoint->CreateCheckpoint(dir),
                    Context("checkpoint to", dir));
  }

  absl::StatusOr<DiskUsage> GetDiskUsage() const override {
    absl::ReaderMutexLock life(&life_);
    if (db_ == nullptr) {
      return absl::FailedPreconditionError(Context("closed:", dir_));
    }
    return DiskUsageOf(db_.get(), Context("store", dir_));
  }

  absl::Status Close() override {
    absl::WriterMutexLock life(&life_);
    closed_ = true;
    // After a failed write the WAL writer may be unusable (Debian's
    // librocksdb asserts on a write to a file whose write failed): close
    // without syncing; the WAL is replayed at the next open.
    return CloseLocked(/*sync=*/!write_failed_);
  }

 private:
  rocksdb::ColumnFamilyHandle* Handle(Family f) const {
    return handles_[1 + static_cast<int>(f)];
  }

  // rows[begin, end) of one family, in key order, into one table file.
  struct Piece {
    Family family = Family::kRows;
    size_t begin = 0;
    size_t end = 0;
    std::string path;
    absl::Status status;
  };
  // Below this a family is not worth a second file.
  static constexpr size_t kMinRowsPerFile = 20000;

  absl::Status WriteTableFile(const std::vector<Put*>& rows,
                              const Piece& piece) const {
    const rocksdb::Options options(rocksdb::DBOptions(), FamilyOptions());
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options,
                                  Handle(piece.family));
    rocksdb::Status s = writer.Open(piece.path);
    for (size_t i = piece.begin; s.ok() && i < piece.end; ++i) {
      const Put& p = *rows[i];
      s = writer.Put(rocksdb::Slice(p.key.data(), p.key.size()),
                     rocksdb::Slice(p.value.data(), p.value.size()));
    }
    if (s.ok()) s = writer.Finish();
    return ToStatus(s, Context("bulk load: write", piece.path));
  }

  absl::Status CloseLocked(bool sync) ABSL_EXCLUSIVE_LOCKS_REQUIRED(life_) {
    if (db_ == nullptr) return absl::OkStatus();
    absl::Status st =
        sync ? ToStatus(db_->FlushWAL(true), Context("close", dir_))
             : absl::OkStatus();
    for (rocksdb::ColumnFamilyHandle* h : handles_) {
      if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
    }
    handles_.fill(nullptr);
    db_.reset();
    return st;
  }

  const std::string dir_;
  // Shared by every call that uses the database, exclusive for a reopen
  // and Close; views count themselves in open_views_ (ViewImpl).
  mutable absl::Mutex life_;
  mutable std::atomic<int> open_views_{0};
  bool closed_ ABSL_GUARDED_BY(life_) = false;
  std::unique_ptr<rocksdb::DB> db_;
  std::array<rocksdb::ColumnFamilyHandle*, kFamilies + 1> handles_;
  std::atomic<bool> write_failed_{false};
  Reader reader_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ReadModelStore>> ReadModelStore::Open(
    const std::string& dir) {
  RETURN_IF_ERROR(CreateDirectoriesDurably(dir));
  // Opening writes (a MANIFEST, OPTIONS): on a full disk say so plainly.
  RETURN_IF_ERROR(CheckDiskReserve(dir, "the read models cannot be opened"));
  std::unique_ptr<rocksdb::DB> db;
  std::array<rocksdb::ColumnFamilyHandle*, kFamilies + 1> handles{};
  RETURN_IF_ERROR(OpenDb(dir, /*read_only=*/false, &db, &handles));
  return std::unique_ptr<ReadModelStore>(
      new StoreImpl(dir, std::move(db), handles));
}

absl::Status ReadModelStore::Destroy(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return absl::OkStatus();
  std::filesystem::remove_all(dir, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat(Context("destroy", dir), ": ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace reporting::storage
