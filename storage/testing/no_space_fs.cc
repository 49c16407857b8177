#include "storage/testing/no_space_fs.h"

#include <utility>

namespace reporting::storage::testing {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

// A writable file whose appends and syncs fail while the disk is "full".
class NoSpaceFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  NoSpaceFile(std::unique_ptr<rocksdb::FSWritableFile> file,
              NoSpaceFileSystem* fs)
      : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}

  IOStatus Append(const Slice& data, const IOOptions& options,
                  IODebugContext* dbg) override {
    IOStatus s = fs_->Refuse();
    return s.ok() ? target()->Append(data, options, dbg) : s;
  }
  IOStatus Append(const Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    IOStatus s = fs_->Refuse();
    return s.ok() ? target()->Append(data, options, info, dbg) : s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset,
                            const IOOptions& options,
                            IODebugContext* dbg) override {
    IOStatus s = fs_->Refuse();
    return s.ok() ? target()->PositionedAppend(data, offset, options, dbg) : s;
  }
  IOStatus Flush(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = fs_->Refuse();
    return s.ok() ? target()->Flush(options, dbg) : s;
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = fs_->Refuse();
    return s.ok() ? target()->Sync(options, dbg) : s;
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = fs_->Refuse();
    return s.ok() ? target()->Fsync(options, dbg) : s;
  }

 private:
  NoSpaceFileSystem* const fs_;
};

}  // namespace

IOStatus NoSpaceFileSystem::Refuse() {
  if (!full_) return IOStatus::OK();
  ++refusals_;
  return IOStatus::NoSpace("NoSpaceFileSystem: the disk is full (test)");
}

IOStatus NoSpaceFileSystem::NewWritableFile(
    const std::string& path, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  if (IOStatus s = Refuse(); !s.ok()) return s;
  IOStatus s = target()->NewWritableFile(path, options, result, dbg);
  if (s.ok()) *result = std::make_unique<NoSpaceFile>(std::move(*result), this);
  return s;
}

IOStatus NoSpaceFileSystem::ReopenWritableFile(
    const std::string& path, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  if (IOStatus s = Refuse(); !s.ok()) return s;
  IOStatus s = target()->ReopenWritableFile(path, options, result, dbg);
  if (s.ok()) *result = std::make_unique<NoSpaceFile>(std::move(*result), this);
  return s;
}

}  // namespace reporting::storage::testing
