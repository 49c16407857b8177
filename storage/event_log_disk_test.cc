// Full disks (storage/README.md "Full disks"): below the reserve appends
// are refused before anything is written, naming the directory and the
// figures; when RocksDB itself meets ENOSPC (NoSpaceFileSystem fails every
// write at a moment the test picks), the log refuses appends, keeps
// serving reads, never aborts (Debian's librocksdb asserts on a write to a
// file whose write failed), and reopens itself once writes succeed again;
// nothing acknowledged is lost and the chain verifies.
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "rocksdb/file_system.h"
#include "storage/disk_space.h"
#include "storage/event_log.h"
#include "storage/rocks_db.h"
#include "storage/testing/no_space_fs.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

constexpr char kNode[] = "371302";

AppendRequest Unit(const std::string& command_id) {
  v1::UnitRegistered u;
  u.set_unit_id("371302-U0001");
  u.set_name("unit");
  AppendRequest r;
  r.command_id = command_id;
  r.actor = "clerk:test";
  r.events.push_back(NewEvent{"unit/371302-U0001",
                              events::TypeOf<v1::UnitRegistered>(),
                              u.SerializeAsString()});
  return r;
}

absl::StatusOr<AppendResult> AppendAsyncAndWait(EventLog& log,
                                                AppendRequest r) {
  absl::Notification done;
  absl::StatusOr<AppendResult> out;
  log.AppendAsync(std::move(r), [&](absl::StatusOr<AppendResult> o) {
    out = std::move(o);
    done.Notify();
  });
  done.WaitForNotification();
  return out;
}

class EventLogDiskTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    fs_ = std::make_shared<testing::NoSpaceFileSystem>(
        rocksdb::FileSystem::Default());
    SetFileSystemForTesting(fs_);
    SetDiskReserveBytes(0);
  }
  void TearDown() override {
    SetFileSystemForTesting(nullptr);
    SetDiskReserveBytes(0);
  }

  std::unique_ptr<EventLog> Open() {
    EventLogOptions options;
    options.node_id = kNode;
    auto log = EventLog::Open(dir_.path(), options);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(*log) : nullptr;
  }

  // Append (or AppendAsync, the server's way: GetParam()).
  absl::StatusOr<AppendResult> Append(EventLog& log, const std::string& id) {
    return GetParam() ? AppendAsyncAndWait(log, Unit(id))
                      : log.Append(Unit(id));
  }

  testutil::TempDir dir_{"event-log-disk-test"};
  std::shared_ptr<testing::NoSpaceFileSystem> fs_;
};

TEST_P(EventLogDiskTest, ENospcRefusesAppendsKeepsReadsAndResumesByItself) {
  std::unique_ptr<EventLog> log = Open();
  ASSERT_NE(log, nullptr);
  for (int i = 1; i <= 10; ++i) {
    ASSERT_TRUE(Append(*log, absl::StrCat("before-", i)).ok());
  }

  fs_->set_full(true);
  absl::StatusOr<AppendResult> refused = Append(*log, "while-full-1");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted)
      << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), dir_.path()))
      << refused.status();
  EXPECT_GT(fs_->refusals(), 0u);
  // Refused from now on without touching RocksDB's writers again, for as
  // long as the disk is full (the recovery's reopen fails meanwhile).
  absl::SleepFor(absl::Milliseconds(500));
  for (int i = 2; i <= 5; ++i) {
    absl::StatusOr<AppendResult> again =
        Append(*log, absl::StrCat("while-full-", i));
    EXPECT_FALSE(again.ok());
  }
  EXPECT_FALSE(log->WriteHealth().ok());
  // Reads go on.
  EXPECT_EQ(log->GetHead().sequence, 10u);
  for (uint64_t s = 1; s <= 10; ++s) EXPECT_TRUE(log->ReadOne(s).ok()) << s;

  // Space is back: the log reopens itself and appends resume.
  fs_->set_full(false);
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  absl::StatusOr<AppendResult> resumed;
  for (int i = 1; absl::Now() < deadline; ++i) {
    resumed = Append(*log, absl::StrCat("after-", i));
    if (resumed.ok()) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_TRUE(resumed.ok()) << "no resume within 20 s: " << resumed.status();
  EXPECT_TRUE(log->WriteHealth().ok());
  EXPECT_GE(resumed->first_sequence, 11u);
  EXPECT_TRUE(log->Verify().ok());
  for (uint64_t s = 1; s <= 10; ++s) EXPECT_TRUE(log->ReadOne(s).ok()) << s;
  ASSERT_TRUE(log->Close().ok());

  // Everything acknowledged is there after a restart, and the chain holds.
  log = Open();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->GetHead().sequence, resumed->last_sequence);
  EXPECT_TRUE(log->Verify().ok());
  for (int i = 1; i <= 10; ++i) {
    EXPECT_TRUE(log->LookupCommand(absl::StrCat("before-", i)).ok()) << i;
  }
}

// Just after an open the memtables are empty (Close flushed them). Then
// RocksDB's own recovery (DB::Resume) flushes nothing, keeps the WAL
// writer whose write failed, and the next write to it aborts the process
// (Debian's librocksdb asserts); the log must reopen instead.
TEST_P(EventLogDiskTest, ENospcRightAfterOpenResumesWithoutAbort) {
  std::unique_ptr<EventLog> log = Open();
  ASSERT_NE(log, nullptr);
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(Append(*log, absl::StrCat("before-", i)).ok());
  }
  ASSERT_TRUE(log->Close().ok());
  log = Open();
  ASSERT_NE(log, nullptr);

  fs_->set_full(true);
  EXPECT_FALSE(Append(*log, "while-full").ok());
  fs_->set_full(false);
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  absl::StatusOr<AppendResult> resumed;
  for (int i = 1; absl::Now() < deadline; ++i) {
    resumed = Append(*log, absl::StrCat("after-", i));
    if (resumed.ok()) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_TRUE(resumed.ok()) << "no resume within 20 s: " << resumed.status();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Append(*log, absl::StrCat("later-", i)).ok());
  }
  EXPECT_TRUE(log->Verify().ok());
  EXPECT_EQ(log->GetHead().sequence, resumed->last_sequence + 20);
}

TEST_P(EventLogDiskTest, CloseWhileFailedDoesNotAbortAndLosesNothing) {
  std::unique_ptr<EventLog> log = Open();
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(Append(*log, "kept").ok());
  fs_->set_full(true);
  EXPECT_FALSE(Append(*log, "refused").ok());
  log->Close().IgnoreError();  // a SIGTERM on a full disk
  log.reset();
  fs_->set_full(false);
  log = Open();
  ASSERT_NE(log, nullptr);
  EXPECT_TRUE(log->LookupCommand("kept").ok());
  EXPECT_TRUE(log->Verify().ok());
}

INSTANTIATE_TEST_SUITE_P(AppendAndAppendAsync, EventLogDiskTest,
                         ::testing::Bool());

class EventLogReserveTest : public ::testing::Test {
 protected:
  void TearDown() override { SetDiskReserveBytes(0); }
  testutil::TempDir dir_{"event-log-reserve-test"};
};

TEST_F(EventLogReserveTest, BelowTheReserveAppendsAreRefusedBeforeWriting) {
  EventLogOptions options;
  options.node_id = kNode;
  auto log = EventLog::Open(dir_.path(), options);
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_TRUE((*log)->Append(Unit("first")).ok());

  auto space = GetDiskSpace(dir_.path());
  ASSERT_TRUE(space.ok()) << space.status();
  SetDiskReserveBytes(space->total_bytes + 1);  // more than the disk holds
  absl::SleepFor(DiskReserveCheck::kRecheck);
  absl::StatusOr<AppendResult> refused = (*log)->Append(Unit("second"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  const std::string message(refused.status().message());
  EXPECT_TRUE(absl::StrContains(message, "disk full")) << message;
  EXPECT_TRUE(absl::StrContains(message, dir_.path())) << message;
  EXPECT_TRUE(absl::StrContains(message, "below the reserve")) << message;
  EXPECT_TRUE(absl::StrContains(message, absl::StrCat(space->total_bytes + 1)))
      << message;
  EXPECT_FALSE((*log)->WriteHealth().ok());
  EXPECT_EQ((*log)->GetHead().sequence, 1u);  // nothing written
  EXPECT_TRUE((*log)->ReadOne(1).ok());

  SetDiskReserveBytes(0);  // as if space were freed
  absl::SleepFor(DiskReserveCheck::kRecheck);
  EXPECT_TRUE((*log)->WriteHealth().ok());
  absl::StatusOr<AppendResult> accepted = (*log)->Append(Unit("second"));
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->first_sequence, 2u);
}

TEST_F(EventLogReserveTest, OpeningBelowTheReserveSaysSo) {
  auto space = GetDiskSpace("/tmp");
  ASSERT_TRUE(space.ok()) << space.status();
  SetDiskReserveBytes(space->total_bytes + 1);
  EventLogOptions options;
  options.node_id = kNode;
  auto log = EventLog::Open(dir_.Sub("new"), options);
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(absl::StrContains(log.status().message(), "disk full"))
      << log.status();
  EXPECT_TRUE(absl::StrContains(log.status().message(), "cannot be opened"))
      << log.status();
}

}  // namespace
}  // namespace reporting::storage
