// The read-model store on a full disk (storage/README.md "Full disks"):
// a write that fails (NoSpaceFileSystem fails every RocksDB write while
// "full") leaves the store readable, is never followed by another write to
// the same open database (Debian's librocksdb asserts on a write to a file
// whose write failed, and RocksDB's own recovery keeps that WAL writer when
// the memtables are empty, as right after an open), and the next Apply
// once there is room reopens the store and writes; below the reserve
// nothing is written at all.
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "rocksdb/file_system.h"
#include "storage/disk_space.h"
#include "storage/read_model_store.h"
#include "storage/rocks_db.h"
#include "storage/testing/no_space_fs.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

using Family = ReadModelStore::Family;

ReadModelStore::WriteSet Row(const std::string& key, const std::string& value) {
  ReadModelStore::WriteSet w;
  w.puts = {{Family::kRows, key, value}};
  return w;
}

class ReadModelStoreDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_ = std::make_shared<testing::NoSpaceFileSystem>(
        rocksdb::FileSystem::Default());
    SetFileSystemForTesting(fs_);
  }
  void TearDown() override {
    SetFileSystemForTesting(nullptr);
    SetDiskReserveBytes(0);
  }

  std::unique_ptr<ReadModelStore> Open() {
    auto store = ReadModelStore::Open(dir_.Sub("rm"));
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  testutil::TempDir dir_{"read-model-disk-test"};
  std::shared_ptr<testing::NoSpaceFileSystem> fs_;
};

TEST_F(ReadModelStoreDiskTest, AFailedWriteIsFollowedByAReopenNotAnAbort) {
  std::unique_ptr<ReadModelStore> store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Apply(Row("n/1", "before")).ok());
  ASSERT_TRUE(store->Close().ok());
  store = Open();  // memtables empty: RocksDB's Resume would keep the WAL
  ASSERT_NE(store, nullptr);

  fs_->set_full(true);
  EXPECT_FALSE(store->Apply(Row("n/2", "refused")).ok());
  std::string value;
  auto got = store->Get(Family::kRows, "n/1", &value);  // reads go on
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(*got);
  EXPECT_EQ(value, "before");
  // Still full: the reopen fails, the store keeps refusing, no abort.
  EXPECT_FALSE(store->Apply(Row("n/2", "refused")).ok());

  fs_->set_full(false);
  // A view open across the recovery: the reopen waits for it (2 s), then
  // the next Apply tries again.
  {
    std::unique_ptr<ReadModelStore::View> view = store->NewView();
    EXPECT_FALSE(store->Apply(Row("n/3", "while a view is open")).ok());
  }
  absl::Status applied = store->Apply(Row("n/3", "after"));
  ASSERT_TRUE(applied.ok()) << applied;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(store->Apply(Row("n/4", "later")).ok());
  }
  got = store->Get(Family::kRows, "n/3", &value);
  ASSERT_TRUE(got.ok() && *got);
  EXPECT_EQ(value, "after");
  ASSERT_TRUE(store->Close().ok());

  store = Open();
  ASSERT_NE(store, nullptr);
  got = store->Get(Family::kRows, "n/1", &value);
  ASSERT_TRUE(got.ok() && *got);
  EXPECT_EQ(value, "before");
}

TEST_F(ReadModelStoreDiskTest, BelowTheReserveNothingIsWritten) {
  std::unique_ptr<ReadModelStore> store = Open();
  ASSERT_NE(store, nullptr);
  auto space = GetDiskSpace(dir_.path());
  ASSERT_TRUE(space.ok());
  SetDiskReserveBytes(space->total_bytes + 1);
  absl::Status refused = store->Apply(Row("n/1", "x"));
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  EXPECT_TRUE(absl::StrContains(refused.message(), "disk full")) << refused;
  EXPECT_EQ(fs_->refusals(), 0u);  // RocksDB was never asked
  SetDiskReserveBytes(0);
  EXPECT_TRUE(store->Apply(Row("n/1", "x")).ok());
}

}  // namespace
}  // namespace reporting::storage
