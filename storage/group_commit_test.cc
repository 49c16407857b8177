#include "storage/group_commit.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "storage/hash_chain.h"

namespace reporting::storage {
namespace {

// A fake log: "writes" advance written; a sync takes a while, like fsync.
class FakeLog {
 public:
  uint64_t Write() {
    absl::MutexLock l(&mu_);
    return ++written_;
  }
  Head written() {
    absl::MutexLock l(&mu_);
    return Head{written_, ZeroHash()};
  }
  absl::Status Sync() {
    syncs_.fetch_add(1);
    absl::SleepFor(absl::Milliseconds(2));
    return fail_.load() ? absl::InternalError("disk on fire")
                        : absl::OkStatus();
  }
  std::atomic<int> syncs_{0};
  std::atomic<bool> fail_{false};

 private:
  absl::Mutex mu_;
  uint64_t written_ ABSL_GUARDED_BY(mu_) = 0;
};

GroupCommit MakeCommit(FakeLog* log) {
  return GroupCommit(
      Head{0, ZeroHash()}, [log] { return log->written(); },
      [log] { return log->Sync(); });
}

TEST(GroupCommit, AWriteThatSyncedItselfWakesWaitersAndCounts) {
  FakeLog log;
  GroupCommit commit = MakeCommit(&log);
  log.Write();
  const uint64_t second = log.Write();
  absl::Notification durable;
  std::thread waiter([&] {
    ASSERT_TRUE(commit.AwaitDurable(1).ok());
    durable.Notify();
  });
  // The waiter may be syncing (it leads when nobody does) or asleep; either
  // way the synced write covers it.
  commit.MarkSynced(Head{second, ZeroHash()});
  durable.WaitForNotification();
  waiter.join();
  EXPECT_EQ(commit.durable().sequence, second);
  EXPECT_EQ(commit.sync_count(), static_cast<uint64_t>(log.syncs_.load()) + 1);
  ASSERT_TRUE(commit.AwaitDurable(second).ok());  // no further sync
  EXPECT_EQ(commit.sync_count(), static_cast<uint64_t>(log.syncs_.load()) + 1);
}

TEST(GroupCommit, ConcurrentWritersShareSyncs) {
  FakeLog log;
  GroupCommit commit = MakeCommit(&log);
  constexpr int kThreads = 32, kEach = 20;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        const uint64_t seq = log.Write();
        ASSERT_TRUE(commit.AwaitDurable(seq).ok());
        ASSERT_GE(commit.durable().sequence, seq);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(commit.durable().sequence, uint64_t{kThreads * kEach});
  // Far fewer syncs than appends.
  EXPECT_LT(log.syncs_.load(), kThreads * kEach / 4);
  EXPECT_EQ(commit.sync_count(), static_cast<uint64_t>(log.syncs_.load()));
}

TEST(GroupCommit, AlreadyDurableNeedsNoSync) {
  FakeLog log;
  GroupCommit commit = MakeCommit(&log);
  ASSERT_TRUE(commit.AwaitDurable(log.Write()).ok());
  EXPECT_EQ(log.syncs_.load(), 1);
  ASSERT_TRUE(commit.AwaitDurable(1).ok());
  EXPECT_EQ(log.syncs_.load(), 1);
}

TEST(GroupCommit, WithoutSyncFunctionNothingIsSyncedOrCounted) {
  FakeLog log;
  // A log without sync passes no SyncFn: what is written is durable.
  GroupCommit commit(
      Head{0, ZeroHash()}, [&log] { return log.written(); }, nullptr);
  log.Write();
  const uint64_t second = log.Write();
  ASSERT_TRUE(commit.AwaitDurable(second).ok());
  EXPECT_EQ(commit.durable().sequence, second);
  EXPECT_EQ(commit.sync_count(), 0u);
  EXPECT_EQ(log.syncs_.load(), 0);
}

TEST(GroupCommit, FailedSyncFailsThisAndLaterWaiters) {
  FakeLog log;
  GroupCommit commit = MakeCommit(&log);
  log.fail_ = true;
  EXPECT_EQ(commit.AwaitDurable(log.Write()).code(),
            absl::StatusCode::kInternal);
  log.fail_ = false;
  EXPECT_EQ(commit.AwaitDurable(log.Write()).code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(commit.durable().sequence, 0u);
  EXPECT_EQ(commit.status().code(), absl::StatusCode::kInternal);
}

TEST(GroupCommit, RestartAfterAReopenClearsTheErrorAtItsHead) {
  FakeLog log;
  GroupCommit commit = MakeCommit(&log);
  log.fail_ = true;
  const uint64_t failed = log.Write();
  EXPECT_FALSE(commit.AwaitDurable(failed).ok());
  log.fail_ = false;
  // The reopened log holds what was written (storage/README.md "Full
  // disks"), all of it durable.
  commit.Restart(log.written());
  EXPECT_TRUE(commit.status().ok());
  EXPECT_EQ(commit.durable().sequence, failed);
  EXPECT_TRUE(commit.AwaitDurable(failed).ok());
  const uint64_t next = log.Write();
  EXPECT_TRUE(commit.AwaitDurable(next).ok());
  EXPECT_EQ(commit.durable().sequence, next);
}

TEST(GroupCommit, WaitForChangeWakesOnDurableOrTimesOut) {
  FakeLog log;
  GroupCommit commit = MakeCommit(&log);
  EXPECT_EQ(
      commit.WaitForChange(0, absl::Milliseconds(20), commit.wake_generation())
          .sequence,
      0u);
  std::thread writer([&] {
    absl::SleepFor(absl::Milliseconds(20));
    ASSERT_TRUE(commit.AwaitDurable(log.Write()).ok());
  });
  EXPECT_EQ(commit.WaitForChange(0, absl::Seconds(10), commit.wake_generation())
                .sequence,
            1u);
  writer.join();
  commit.Shutdown();
  const absl::Time start = absl::Now();
  commit.WaitForChange(5, absl::Seconds(10), commit.wake_generation());
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(GroupCommit, WakeWaitersEndsWaitsFromBeforeItOnly) {
  FakeLog log;
  GroupCommit commit = MakeCommit(&log);
  // A wait started with the current generation returns when woken.
  const uint64_t generation = commit.wake_generation();
  std::thread waker([&] {
    absl::SleepFor(absl::Milliseconds(20));
    commit.WakeWaiters();
  });
  const absl::Time start = absl::Now();
  EXPECT_EQ(commit.WaitForChange(0, absl::Seconds(10), generation).sequence,
            0u);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  waker.join();
  // A wait whose generation was read before a wake returns at once, even
  // when it starts after the wake (no lost wake-up).
  const absl::Time again = absl::Now();
  commit.WaitForChange(0, absl::Seconds(10), generation);
  EXPECT_LT(absl::Now() - again, absl::Seconds(5));
  // A wait with the new generation sleeps until its timeout.
  const absl::Time later = absl::Now();
  commit.WaitForChange(0, absl::Milliseconds(50), commit.wake_generation());
  EXPECT_GE(absl::Now() - later, absl::Milliseconds(50));
}

}  // namespace
}  // namespace reporting::storage
