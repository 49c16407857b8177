#include "storage/testing/power_cut_fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/rocks_db.h"
#include "storage/status_macros.h"
#include "storage/testing/power_cut.h"

namespace reporting::storage::testing {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

// The directory a path's entry lives in, spelled as RocksDB spells the
// directory it opens (no trailing slash, no "." components).
std::string DirOf(const std::string& path) {
  return std::filesystem::path(path).lexically_normal().parent_path().string();
}

std::string Normal(const std::string& dir) {
  std::string d = std::filesystem::path(dir).lexically_normal().string();
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  return d;
}

// A writable file that tracks how many bytes were written, and reports the
// count written before each successful Sync or Fsync.
class PowerCutFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  PowerCutFile(std::unique_ptr<rocksdb::FSWritableFile> file,
               PowerCutFileSystem* fs, std::string path, uint64_t size)
      : FSWritableFileOwnerWrapper(std::move(file)),
        fs_(fs),
        path_(std::move(path)),
        size_(size) {}

  IOStatus Append(const Slice& data, const IOOptions& options,
                  IODebugContext* dbg) override {
    IOStatus s = target()->Append(data, options, dbg);
    if (s.ok()) size_ += data.size();
    return s;
  }
  IOStatus Append(const Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    IOStatus s = target()->Append(data, options, info, dbg);
    if (s.ok()) size_ += data.size();
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset,
                            const IOOptions& options,
                            IODebugContext* dbg) override {
    IOStatus s = target()->PositionedAppend(data, offset, options, dbg);
    if (s.ok()) Grow(offset + data.size());
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset,
                            const IOOptions& options,
                            const rocksdb::DataVerificationInfo& info,
                            IODebugContext* dbg) override {
    IOStatus s = target()->PositionedAppend(data, offset, options, info, dbg);
    if (s.ok()) Grow(offset + data.size());
    return s;
  }
  IOStatus Truncate(uint64_t size, const IOOptions& options,
                    IODebugContext* dbg) override {
    IOStatus s = target()->Truncate(size, options, dbg);
    if (s.ok()) size_ = size;
    return s;
  }
  // Only these two make data durable. Close, Flush and RangeSync are
  // passed through (FSWritableFileWrapper) and make nothing durable.
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    const uint64_t covered = size_;  // written before the sync began
    IOStatus s = target()->Sync(options, dbg);
    if (s.ok()) fs_->Synced(path_, covered);
    return s;
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    const uint64_t covered = size_;
    IOStatus s = target()->Fsync(options, dbg);
    if (s.ok()) fs_->Synced(path_, covered);
    return s;
  }

 private:
  void Grow(uint64_t end) {
    uint64_t now = size_.load();
    while (end > now && !size_.compare_exchange_weak(now, end)) {
    }
  }

  PowerCutFileSystem* const fs_;
  const std::string path_;
  // Appends and a concurrent WAL sync (SyncWAL) race on it.
  std::atomic<uint64_t> size_;
};

// A directory whose successful fsync makes the entries made in it before
// the fsync durable.
class PowerCutDirectory : public rocksdb::FSDirectory {
 public:
  PowerCutDirectory(std::unique_ptr<rocksdb::FSDirectory> dir,
                    PowerCutFileSystem* fs, std::string path)
      : dir_(std::move(dir)), fs_(fs), path_(Normal(path)) {}

  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    const std::vector<PowerCutFileSystem::Pending> covered =
        fs_->PendingIn(path_);
    IOStatus s = dir_->Fsync(options, dbg);
    if (s.ok()) fs_->EntriesDurable(covered);
    return s;
  }
  IOStatus FsyncWithDirOptions(
      const IOOptions& options, IODebugContext* dbg,
      const rocksdb::DirFsyncOptions& dir_options) override {
    const std::vector<PowerCutFileSystem::Pending> covered =
        fs_->PendingIn(path_);
    IOStatus s = dir_->FsyncWithDirOptions(options, dbg, dir_options);
    if (s.ok()) fs_->EntriesDurable(covered);
    return s;
  }
  IOStatus Close(const IOOptions& options, IODebugContext* dbg) override {
    return dir_->Close(options, dbg);
  }
  size_t GetUniqueId(char* id, size_t max_size) const override {
    return dir_->GetUniqueId(id, max_size);
  }

 private:
  const std::unique_ptr<rocksdb::FSDirectory> dir_;
  PowerCutFileSystem* const fs_;
  const std::string path_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<PowerCutFileSystem>> PowerCutFileSystem::Open(
    std::shared_ptr<rocksdb::FileSystem> base, const std::string& journal) {
  const int fd =
      open(journal.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("power cut journal ", journal,
                     ": cannot open: ", std::strerror(errno)));
  }
  return std::shared_ptr<PowerCutFileSystem>(
      new PowerCutFileSystem(std::move(base), fd, journal));
}

PowerCutFileSystem::PowerCutFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base, int fd, std::string journal)
    : FileSystemWrapper(base), fd_(fd), journal_(std::move(journal)) {}

PowerCutFileSystem::~PowerCutFileSystem() { close(fd_); }

void PowerCutFileSystem::Journal(const std::vector<std::string>& fields) {
  const std::string line = absl::StrCat(absl::StrJoin(fields, "\t"), "\n");
  // One write(2): the line is in the page cache before the call it
  // describes returns, so a SIGKILL cannot lose it. A short write could
  // only come from a full disk, which the journal's tests never run on.
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {  // the test would silently prove nothing: stop it
      std::fprintf(stderr, "power cut journal %s: write failed: %s\n",
                   journal_.c_str(), std::strerror(errno));
      std::abort();
    }
    done += static_cast<size_t>(n);
  }
}

void PowerCutFileSystem::WrapWritable(
    const std::string& path, uint64_t size,
    std::unique_ptr<rocksdb::FSWritableFile>* result) {
  *result =
      std::make_unique<PowerCutFile>(std::move(*result), this, path, size);
}

IOStatus PowerCutFileSystem::NewWritableFile(
    const std::string& path, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  const bool exists = target()->FileExists(path, IOOptions(), dbg).ok();
  {
    // Journaled first: a file that exists is in the journal.
    absl::MutexLock l(&mu_);
    if (exists && pending_.count(path) == 0) {
      Journal({"replace", path});
    } else {
      Journal({"create", path});
      pending_[path] = ++made_;
    }
  }
  IOStatus s = target()->NewWritableFile(path, options, result, dbg);
  if (s.ok()) WrapWritable(path, 0, result);
  return s;
}

IOStatus PowerCutFileSystem::ReopenWritableFile(
    const std::string& path, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  uint64_t size = 0;
  if (!target()->GetFileSize(path, IOOptions(), &size, dbg).ok()) size = 0;
  {
    absl::MutexLock l(&mu_);
    Journal({"reopen", absl::StrCat(size), path});
  }
  IOStatus s = target()->ReopenWritableFile(path, options, result, dbg);
  if (s.ok()) WrapWritable(path, size, result);
  return s;
}

IOStatus PowerCutFileSystem::ReuseWritableFile(
    const std::string& path, const std::string& /*old_path*/,
    const rocksdb::FileOptions& /*options*/,
    std::unique_ptr<rocksdb::FSWritableFile>* /*result*/,
    IODebugContext* /*dbg*/) {
  return IOStatus::NotSupported(
      "power cut file system: recycled WAL files are not journaled", path);
}

IOStatus PowerCutFileSystem::NewRandomRWFile(
    const std::string& path, const rocksdb::FileOptions& /*options*/,
    std::unique_ptr<rocksdb::FSRandomRWFile>* /*result*/,
    IODebugContext* /*dbg*/) {
  return IOStatus::NotSupported(
      "power cut file system: random read-write files are not journaled", path);
}

IOStatus PowerCutFileSystem::NewDirectory(
    const std::string& path, const IOOptions& options,
    std::unique_ptr<rocksdb::FSDirectory>* result, IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSDirectory> dir;
  IOStatus s = target()->NewDirectory(path, options, &dir, dbg);
  if (s.ok()) {
    *result = std::make_unique<PowerCutDirectory>(std::move(dir), this, path);
  }
  return s;
}

IOStatus PowerCutFileSystem::RenameFile(const std::string& from,
                                        const std::string& to,
                                        const IOOptions& options,
                                        IODebugContext* dbg) {
  // Keep TO's previous content: a power cut before TO's directory is
  // synced may bring it back.
  std::string saved = "-";
  if (target()->FileExists(to, IOOptions(), dbg).ok()) {
    {
      absl::MutexLock l(&mu_);
      saved = absl::StrCat(journal_, ".saved.", ++saved_copies_);
    }
    std::error_code ec;
    std::filesystem::copy_file(
        to, saved, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) {
      return IOStatus::IOError("power cut file system: cannot save " + to,
                               ec.message());
    }
  }
  IOStatus s = target()->RenameFile(from, to, options, dbg);
  if (s.ok()) {
    absl::MutexLock l(&mu_);
    Journal({"rename", from, to, saved});
    pending_.erase(from);
    pending_[to] = ++made_;
  }
  return s;
}

IOStatus PowerCutFileSystem::LinkFile(const std::string& from,
                                      const std::string& to,
                                      const IOOptions& options,
                                      IODebugContext* dbg) {
  IOStatus s = target()->LinkFile(from, to, options, dbg);
  if (s.ok()) {
    absl::MutexLock l(&mu_);
    Journal({"link", from, to});
    pending_[to] = ++made_;
  }
  return s;
}

IOStatus PowerCutFileSystem::DeleteFile(const std::string& path,
                                        const IOOptions& options,
                                        IODebugContext* dbg) {
  IOStatus s = target()->DeleteFile(path, options, dbg);
  if (s.ok()) {
    absl::MutexLock l(&mu_);
    Journal({"delete", path});
    pending_.erase(path);
  }
  return s;
}

IOStatus PowerCutFileSystem::Truncate(const std::string& path, size_t size,
                                      const IOOptions& options,
                                      IODebugContext* dbg) {
  IOStatus s = target()->Truncate(path, size, options, dbg);
  if (s.ok()) {
    absl::MutexLock l(&mu_);
    Journal({"truncate", absl::StrCat(size), path});
  }
  return s;
}

void PowerCutFileSystem::Synced(const std::string& path, uint64_t bytes) {
  absl::MutexLock l(&mu_);
  Journal({"sync", absl::StrCat(bytes), path});
}

std::vector<PowerCutFileSystem::Pending> PowerCutFileSystem::PendingIn(
    const std::string& dir) {
  absl::MutexLock l(&mu_);
  std::vector<Pending> out;
  for (const auto& [path, made] : pending_) {
    if (DirOf(path) == dir) out.emplace_back(path, made);
  }
  return out;
}

void PowerCutFileSystem::EntriesDurable(const std::vector<Pending>& entries) {
  absl::MutexLock l(&mu_);
  for (const auto& [path, made] : entries) {
    // Renamed away, deleted or made again meanwhile: not this fsync's.
    auto it = pending_.find(path);
    if (it == pending_.end() || it->second != made) continue;
    pending_.erase(it);
    Journal({"dir", path});
  }
}

absl::Status StartPowerCutJournal(const std::string& journal) {
  ASSIGN_OR_RETURN(
      std::shared_ptr<PowerCutFileSystem> fs,
      PowerCutFileSystem::Open(rocksdb::FileSystem::Default(), journal));
  SetFileSystemForTesting(std::move(fs));
  return absl::OkStatus();
}

}  // namespace reporting::storage::testing
