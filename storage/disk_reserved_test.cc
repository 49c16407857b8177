// Disk reserved per database (storage/README.md "Disk reserved per
// database"): an open event log and an open read-model store holding a
// little data take from the disk about what their files hold, not the
// blocks RocksDB would preallocate up front (a WAL block of up to 64 MiB,
// a 4 MiB MANIFEST block). Measured while open, as the files are while a
// node runs: allocated bytes are st_blocks x 512 summed over the directory.
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "storage/event_log.h"
#include "storage/read_model_store.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

// The documented bound per database holding little data (docs/OPERATIONS.md
// "Disk use"): far below one preallocated WAL block.
constexpr uint64_t kBoundBytes = 16 << 20;
// Allocation beyond the files' bytes: block rounding of a dozen files.
constexpr uint64_t kSlackBytes = 1 << 20;

struct Use {
  uint64_t allocated = 0;  // st_blocks x 512
  uint64_t apparent = 0;   // st_size
};

Use Measure(const std::string& dir) {
  Use use;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    struct stat st;
    if (lstat(entry.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      continue;
    }
    use.allocated += static_cast<uint64_t>(st.st_blocks) * 512;
    use.apparent += static_cast<uint64_t>(st.st_size);
  }
  std::printf("%s: %.2f MB allocated, %.2f MB in files\n", dir.c_str(),
              use.allocated / 1e6, use.apparent / 1e6);
  return use;
}

void ExpectProportional(const Use& use) {
  EXPECT_LT(use.allocated, kBoundBytes);
  EXPECT_LT(use.allocated, use.apparent + kSlackBytes);
}

TEST(DiskReserved, AnOpenLogTakesAboutWhatItHolds) {
  testutil::TempDir dir("disk-reserved-log");
  EventLogOptions options;
  options.node_id = "371302";
  auto log = EventLog::Open(dir.path(), std::move(options));
  ASSERT_TRUE(log.ok()) << log.status();
  v1::UnitRegistered unit;
  unit.set_name("兰山区机关单位");
  unit.set_member_count(42);
  for (int i = 0; i < 500; ++i) {
    unit.set_unit_id(absl::StrCat("371302-U", i));
    AppendRequest r;
    r.command_id = absl::StrCat("c", i);
    r.actor = "clerk:wang.li@371302";
    r.events = {NewEvent{absl::StrCat("unit/", i),
                         events::TypeOf<v1::UnitRegistered>(),
                         unit.SerializeAsString()}};
    ASSERT_TRUE((*log)->Append(r).ok());
  }
  ExpectProportional(Measure(dir.path()));
}

TEST(DiskReserved, AnOpenReadModelStoreTakesAboutWhatItHolds) {
  testutil::TempDir dir("disk-reserved-read-models");
  auto store = ReadModelStore::Open(dir.Sub("rm"));
  ASSERT_TRUE(store.ok()) << store.status();
  for (int i = 0; i < 500; ++i) {
    ReadModelStore::WriteSet w;
    w.sync = true;
    w.puts = {{ReadModelStore::Family::kRows, absl::StrCat("u/", i),
               std::string(200, 'r')}};
    ASSERT_TRUE((*store)->Apply(w).ok());
  }
  ExpectProportional(Measure(dir.path()));
}

// A read-model family written a little on every pass (the checkpoint)
// keeps every WAL alive until it is flushed too: without a bound on the
// WAL RocksDB lets it grow to 4 x the write buffers (1.25 GiB here) while
// the rows flush to tables. 96 MiB of rows must leave under 80 MiB of WAL.
TEST(DiskReserved, TheReadModelsWalIsBounded) {
  testutil::TempDir dir("disk-reserved-read-model-wal");
  auto store = ReadModelStore::Open(dir.Sub("rm"));
  ASSERT_TRUE(store.ok()) << store.status();
  for (int i = 0; i < 96; ++i) {
    ReadModelStore::WriteSet w;
    for (int j = 0; j < 16; ++j) {
      w.puts.push_back({ReadModelStore::Family::kRows,
                        absl::StrCat("u/", i, "/", j),
                        std::string(64 << 10, 'r')});
    }
    w.puts.push_back(
        {ReadModelStore::Family::kCheckpoint, "1", absl::StrCat(i)});
    ASSERT_TRUE((*store)->Apply(w).ok());
  }
  // The bound makes RocksDB flush in the background, and a WAL is deleted
  // once its flush is done: on a busy machine that takes a moment.
  const uint64_t bound = uint64_t{80} << 20;
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  uint64_t wal_bytes = 0;
  do {
    wal_bytes = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(dir.Sub("rm"))) {
      if (entry.path().extension() == ".log") wal_bytes += entry.file_size();
    }
    if (wal_bytes < bound) break;
    absl::SleepFor(absl::Milliseconds(100));
  } while (absl::Now() < deadline);
  std::printf("WAL after 96 MiB of rows: %.1f MB\n", wal_bytes / 1e6);
  EXPECT_LT(wal_bytes, bound);
}

}  // namespace
}  // namespace reporting::storage
