// PowerCutFileSystem and ApplyPowerCut on files written through the
// wrapper directly: what a cut keeps of synced and unsynced bytes, of
// entries whose directory was or was not fsynced, and of renames.
#include "storage/testing/power_cut.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "gtest/gtest.h"
#include "rocksdb/file_system.h"
#include "storage/testing/power_cut_fs.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage::testing {
namespace {

namespace fs = std::filesystem;
using rocksdb::FileOptions;
using rocksdb::IOOptions;

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

class PowerCutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.Sub("db");
    fs::create_directories(dir_);
    journal_ = tmp_.Sub("journal");
    auto opened =
        PowerCutFileSystem::Open(rocksdb::FileSystem::Default(), journal_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    fs_ = *opened;
  }

  // Writes `text` to a new file, syncing after the first `synced` bytes.
  void Write(const std::string& path, const std::string& text, size_t synced) {
    std::unique_ptr<rocksdb::FSWritableFile> f;
    ASSERT_TRUE(fs_->NewWritableFile(path, FileOptions(), &f, nullptr).ok());
    ASSERT_TRUE(f->Append(text.substr(0, synced), IOOptions(), nullptr).ok());
    ASSERT_TRUE(f->Sync(IOOptions(), nullptr).ok());
    ASSERT_TRUE(f->Append(text.substr(synced), IOOptions(), nullptr).ok());
    // Neither makes anything durable.
    ASSERT_TRUE(f->RangeSync(0, text.size(), IOOptions(), nullptr).ok());
    ASSERT_TRUE(f->Close(IOOptions(), nullptr).ok());
  }

  void SyncDir() {
    std::unique_ptr<rocksdb::FSDirectory> d;
    ASSERT_TRUE(fs_->NewDirectory(dir_, IOOptions(), &d, nullptr).ok());
    ASSERT_TRUE(d->Fsync(IOOptions(), nullptr).ok());
  }

  PowerCutStats Cut(PowerCutMode mode) {
    fs_.reset();  // the process is gone
    auto stats = ApplyPowerCut(journal_, mode, rng_);
    EXPECT_TRUE(stats.ok()) << stats.status();
    EXPECT_FALSE(fs::exists(journal_));
    return stats.ok() ? *stats : PowerCutStats{};
  }

  testutil::TempDir tmp_{"power-cut"};
  std::string dir_;
  std::string journal_;
  std::shared_ptr<PowerCutFileSystem> fs_;
  std::mt19937_64 rng_{7};
};

TEST_F(PowerCutTest, KeepsSyncedBytesOfDurableEntriesOnly) {
  Write(dir_ + "/a", "synced|lost", 7);
  SyncDir();
  Write(dir_ + "/b", "never in a synced directory", 5);
  const PowerCutStats stats = Cut(PowerCutMode::kDropUnsynced);
  EXPECT_EQ(Read(dir_ + "/a"), "synced|");
  EXPECT_FALSE(fs::exists(dir_ + "/b"));
  EXPECT_EQ(stats.files_cut, 1u);
  EXPECT_EQ(stats.bytes_dropped, 4u);
  EXPECT_EQ(stats.files_removed, 1u);
}

TEST_F(PowerCutTest, LeavesFilesItNeverWroteAlone) {
  std::ofstream(dir_ + "/old") << "from an earlier run";
  Write(dir_ + "/new", "x", 0);
  Cut(PowerCutMode::kDropUnsynced);
  EXPECT_EQ(Read(dir_ + "/old"), "from an earlier run");
}

TEST_F(PowerCutTest, UndoesARenameItsDirectoryNeverSynced) {
  std::ofstream(dir_ + "/CURRENT") << "MANIFEST-1\n";
  Write(dir_ + "/tmp", "MANIFEST-2\n", 11);
  SyncDir();
  ASSERT_TRUE(
      fs_->RenameFile(dir_ + "/tmp", dir_ + "/CURRENT", IOOptions(), nullptr)
          .ok());
  const PowerCutStats stats = Cut(PowerCutMode::kDropUnsynced);
  EXPECT_EQ(Read(dir_ + "/CURRENT"), "MANIFEST-1\n");
  EXPECT_EQ(Read(dir_ + "/tmp"), "MANIFEST-2\n");
  EXPECT_EQ(stats.renames_undone, 1u);
}

TEST_F(PowerCutTest, KeepsARenameItsDirectorySynced) {
  std::ofstream(dir_ + "/CURRENT") << "MANIFEST-1\n";
  Write(dir_ + "/tmp", "MANIFEST-2\n", 11);
  ASSERT_TRUE(
      fs_->RenameFile(dir_ + "/tmp", dir_ + "/CURRENT", IOOptions(), nullptr)
          .ok());
  SyncDir();
  const PowerCutStats stats = Cut(PowerCutMode::kDropUnsynced);
  EXPECT_EQ(Read(dir_ + "/CURRENT"), "MANIFEST-2\n");
  EXPECT_FALSE(fs::exists(dir_ + "/tmp"));
  EXPECT_EQ(stats.renames_undone, 0u);
}

TEST_F(PowerCutTest, RandomCutsKeepAtLeastTheSyncedPrefix) {
  const std::string text(1000, 'x');
  for (int round = 0; round < 20; ++round) {
    SetUp();
    Write(dir_ + "/log", text, 300);
    SyncDir();
    Cut(PowerCutMode::kRandom);
    const uint64_t size = fs::file_size(dir_ + "/log");
    EXPECT_GE(size, 300u);
    EXPECT_LE(size, 1000u);
    fs::remove(dir_ + "/log");
  }
}

TEST_F(PowerCutTest, NoJournalNothingToCut) {
  fs_.reset();
  fs::remove(journal_);
  auto stats = ApplyPowerCut(journal_, PowerCutMode::kDropUnsynced, rng_);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->files_cut + stats->files_removed, 0u);
}

}  // namespace
}  // namespace reporting::storage::testing
