// A node's own log writes type_index lazily (storage/README.md "Types,
// lazily"): appends and restores write no type_index entries, and
// ReadByType first indexes the durable events past meta "type_indexed".
// Every test compares ReadByType with the answer computed from a scan of
// the events column (what an eagerly indexed log returns): after appends,
// after reopens, on a log written by the old eager code path
// (EagerTypeIndexForTesting), after restores, below the disk reserve
// (indexing refused), and after SIGKILLs between appends and the first read
// and in the middle of indexing.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"
#include "storage/disk_space.h"
#include "storage/event_log.h"
#include "storage/event_log_testing.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
const std::string kUnitType = events::TypeOf<v1::UnitRegistered>();
const std::string kBranchType = events::TypeOf<v1::BranchRegistered>();

NewEvent Event(uint64_t i) {
  if (i % 3 == 0) {
    v1::BranchRegistered b;
    b.set_branch_id("B" + std::to_string(i));
    b.set_unit_id("371302-U0042");
    return NewEvent{"branch/B" + std::to_string(i % 5), kBranchType,
                    b.SerializeAsString()};
  }
  v1::UnitRegistered u;
  u.set_unit_id("U" + std::to_string(i));
  u.set_name("兰山区机关单位");
  u.set_member_count(42);
  return NewEvent{"unit/U" + std::to_string(i % 7), kUnitType,
                  u.SerializeAsString()};
}

// Append `count` appends of 1..max_events events, with recorded times that
// go back and forth (negative ones too), so time order is not sequence
// order. Half through AppendAsync (the county's path).
void AppendSome(EventLog& log, const std::string& prefix, int count,
                size_t max_events, uint32_t seed) {
  std::mt19937 rng(seed);
  for (int i = 0; i < count; ++i) {
    AppendRequest r;
    r.command_id = prefix + "-" + std::to_string(i);
    r.actor = "clerk:wang.li@371302";
    r.recorded_at_us = static_cast<int64_t>(rng() % 2000) - 500;
    const size_t n = 1 + rng() % max_events;
    for (size_t e = 0; e < n; ++e) r.events.push_back(Event(rng()));
    if (i % 2 == 0) {
      auto result = log.Append(r);
      ASSERT_TRUE(result.ok()) << result.status();
      continue;
    }
    absl::Notification answered;
    absl::Status status;
    log.AppendAsync(std::move(r), [&](absl::StatusOr<AppendResult> result) {
      status = result.status();
      answered.Notify();
    });
    answered.WaitForNotification();
    ASSERT_TRUE(status.ok()) << status;
  }
}

using Hit = std::tuple<int64_t, uint64_t>;  // recorded_at, sequence

// What an eagerly indexed log answers: the events column scanned, those
// of `type` in [from, to), in (recorded_at, sequence) order.
std::vector<Hit> FromScan(const EventLog& log, const std::string& type,
                          int64_t from, int64_t to) {
  std::vector<Hit> hits;
  const uint64_t head = log.GetHead().sequence;
  for (uint64_t next = 1; next <= head;) {
    auto page = log.Read(next);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok() || page->empty()) break;
    for (const StoredEvent& e : *page) {
      v1::EventEnvelope env;
      EXPECT_TRUE(env.ParseFromString(e.envelope));
      if (env.event_type() == type && env.recorded_at_us() >= from &&
          env.recorded_at_us() < to) {
        hits.emplace_back(env.recorded_at_us(), e.sequence);
      }
      next = e.sequence + 1;
    }
  }
  std::sort(hits.begin(), hits.end());
  return hits;
}

// ReadByType, page by page (resuming after the last event each time).
std::vector<Hit> FromIndex(const EventLog& log, const std::string& type,
                           int64_t from, int64_t to) {
  std::vector<Hit> hits;
  uint64_t after = 0;
  for (;;) {
    auto page = log.ReadByType(type, from, to, after, ReadLimits{97, 1 << 22});
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok() || page->empty()) break;
    for (const StoredEvent& e : *page) {
      v1::EventEnvelope env;
      EXPECT_TRUE(env.ParseFromString(e.envelope));
      EXPECT_EQ(env.event_type(), type);
      hits.emplace_back(env.recorded_at_us(), e.sequence);
    }
    after = page->back().sequence;
  }
  return hits;
}

// ReadByType agrees with the scan for both types, whole and windowed;
// returns how many events of them it returned in all.
size_t ExpectMatchesScan(const EventLog& log) {
  size_t returned = 0;
  for (const std::string& type : {kUnitType, kBranchType}) {
    for (auto [from, to] :
         {std::pair<int64_t, int64_t>{kMin, kMax}, {-100, 700}, {0, 1}}) {
      const std::vector<Hit> want = FromScan(log, type, from, to);
      EXPECT_EQ(FromIndex(log, type, from, to), want)
          << type << " [" << from << ", " << to << ")";
      returned += want.size();
    }
  }
  return returned;
}

EventLogOptions Options() {
  EventLogOptions o;
  o.node_id = "371302";
  return o;
}

std::unique_ptr<EventLog> MustOpen(const std::string& dir) {
  auto log = EventLog::Open(dir, Options());
  EXPECT_TRUE(log.ok()) << log.status();
  return log.ok() ? std::move(*log) : nullptr;
}

testing::TypeIndexContents MustReadTypeIndex(const std::string& dir) {
  auto contents = testing::ReadTypeIndex(dir);
  EXPECT_TRUE(contents.ok()) << contents.status();
  return contents.ok() ? *contents : testing::TypeIndexContents{};
}

TEST(TypeIndexTest, AppendsWriteNoEntriesAndReadByTypeIndexesThem) {
  testutil::TempDir dir("type-index");
  auto log = MustOpen(dir.path());
  AppendSome(*log, "a", 60, 5, 1);
  const uint64_t head = log->GetHead().sequence;
  ASSERT_TRUE(log->Close().ok());
  log.reset();
  // Nothing indexed by type yet; the cursor says so (written with the
  // first append, at the head before it: 0).
  testing::TypeIndexContents before = MustReadTypeIndex(dir.path());
  EXPECT_TRUE(before.sequences.empty());
  EXPECT_TRUE(before.has_cursor);
  EXPECT_EQ(before.cursor, 0u);

  log = MustOpen(dir.path());
  EXPECT_GT(ExpectMatchesScan(*log), 0u);
  // Later appends are indexed by the next read.
  AppendSome(*log, "b", 40, 5, 2);
  ExpectMatchesScan(*log);
  const uint64_t head2 = log->GetHead().sequence;
  ASSERT_TRUE(log->Close().ok());
  log.reset();
  testing::TypeIndexContents after = MustReadTypeIndex(dir.path());
  EXPECT_EQ(after.cursor, head2);
  EXPECT_EQ(after.sequences.size(), head2);  // one entry per event
  EXPECT_GT(head2, head);
}

TEST(TypeIndexTest, CursorAndEntriesSurviveReopenAndIndexingGoesOn) {
  testutil::TempDir dir("type-index");
  auto log = MustOpen(dir.path());
  AppendSome(*log, "a", 30, 4, 3);
  ExpectMatchesScan(*log);
  const uint64_t indexed = log->GetHead().sequence;
  AppendSome(*log, "b", 30, 4, 4);  // not read by type before the reopen
  ASSERT_TRUE(log->Close().ok());
  log.reset();
  testing::TypeIndexContents closed = MustReadTypeIndex(dir.path());
  EXPECT_EQ(closed.cursor, indexed);
  EXPECT_EQ(closed.sequences.size(), indexed);

  log = MustOpen(dir.path());
  ExpectMatchesScan(*log);
  AppendSome(*log, "c", 10, 4, 5);
  ExpectMatchesScan(*log);
}

TEST(TypeIndexTest, ALogWrittenEagerlyKeepsWorkingAndTurnsLazy) {
  testutil::TempDir dir("type-index");
  uint64_t eager_head = 0;
  {
    // The old code path: type_index written with the events, no cursor.
    testing::EagerTypeIndexForTesting eager;
    auto log = MustOpen(dir.path());
    AppendSome(*log, "old", 40, 5, 6);
    eager_head = log->GetHead().sequence;
    ASSERT_TRUE(log->Close().ok());
  }
  testing::TypeIndexContents old = MustReadTypeIndex(dir.path());
  EXPECT_FALSE(old.has_cursor);
  EXPECT_EQ(old.sequences.size(), eager_head);

  // Opened and read by this version: no cursor means "indexed up to the
  // head"; reading writes nothing.
  auto log = MustOpen(dir.path());
  EXPECT_GT(ExpectMatchesScan(*log), 0u);
  ASSERT_TRUE(log->Close().ok());
  log.reset();
  EXPECT_FALSE(MustReadTypeIndex(dir.path()).has_cursor);

  // Its first append records the cursor at the head before it; later
  // appends are indexed lazily, also by a reader that found no cursor
  // before them.
  log = MustOpen(dir.path());
  ExpectMatchesScan(*log);
  AppendSome(*log, "new", 40, 5, 7);
  ExpectMatchesScan(*log);
  const uint64_t head = log->GetHead().sequence;
  ASSERT_TRUE(log->Close().ok());
  log.reset();
  testing::TypeIndexContents now = MustReadTypeIndex(dir.path());
  EXPECT_TRUE(now.has_cursor);
  EXPECT_EQ(now.cursor, head);
  std::vector<uint64_t> sorted = now.sequences;
  std::sort(sorted.begin(), sorted.end());
  std::vector<uint64_t> every(head);
  for (uint64_t i = 0; i < head; ++i) every[i] = i + 1;
  EXPECT_EQ(sorted, every);  // each event once, none twice
}

TEST(TypeIndexTest, ReadsWhileAppendingSeeEveryDurableEvent) {
  // An eagerly written log (no cursor) read by type while this version
  // appends to it: a reader may find no cursor just before the first
  // append writes one, and must still see every event durable before its
  // read from then on.
  testutil::TempDir dir("type-index-race");
  {
    testing::EagerTypeIndexForTesting eager;
    auto log = MustOpen(dir.path());
    AppendSome(*log, "old", 10, 3, 14);
    ASSERT_TRUE(log->Close().ok());
  }
  auto log = MustOpen(dir.path());
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, wrong{0};
  std::thread reader([&] {
    while (!stop.load()) {
      const uint64_t durable = log->GetHead().sequence;
      std::vector<Hit> want = FromScan(*log, kUnitType, kMin, kMax);
      want.erase(std::remove_if(
                     want.begin(), want.end(),
                     [&](const Hit& h) { return std::get<1>(h) > durable; }),
                 want.end());
      auto got = log->ReadByType(kUnitType, kMin, kMax, 0,
                                 ReadLimits{1 << 20, 1 << 30});
      if (!got.ok()) {
        ++wrong;
        continue;
      }
      std::vector<Hit> seen;
      for (const StoredEvent& e : *got) {
        v1::EventEnvelope env;
        env.ParseFromString(e.envelope);
        seen.emplace_back(env.recorded_at_us(), e.sequence);
      }
      // In order, and holding every event durable before the read.
      if (!std::is_sorted(seen.begin(), seen.end()) ||
          !std::includes(seen.begin(), seen.end(), want.begin(), want.end())) {
        ++wrong;
      }
      ++reads;
    }
  });
  AppendSome(*log, "new", 60, 3, 15);
  stop = true;
  reader.join();
  EXPECT_EQ(wrong.load(), 0) << "of " << reads.load() << " reads";
  EXPECT_GT(reads.load(), 0);
  ExpectMatchesScan(*log);
}

TEST(TypeIndexTest, ALogAppendedEagerlyAfterLazilyStillAnswersRight) {
  // A lazy log written again by the old code path (what a downgrade
  // would do) still reads right with this version: the indexer re-puts
  // the entries the eager writes made.
  testutil::TempDir dir("type-index");
  auto log = MustOpen(dir.path());
  AppendSome(*log, "lazy", 20, 3, 8);
  ASSERT_TRUE(log->Close().ok());
  log.reset();
  {
    testing::EagerTypeIndexForTesting eager;
    log = MustOpen(dir.path());
    AppendSome(*log, "eager", 20, 3, 9);
    ASSERT_TRUE(log->Close().ok());
    log.reset();
  }
  log = MustOpen(dir.path());
  ExpectMatchesScan(*log);
}

TEST(TypeIndexTest, RestoredLogIndexesTypesLazily) {
  testutil::TempDir src_dir("type-index-src"), dst_dir("type-index-dst");
  auto source = MustOpen(src_dir.path());
  AppendSome(*source, "a", 50, 6, 10);
  auto restored = MustOpen(dst_dir.path());
  const uint64_t head = source->GetHead().sequence;
  for (uint64_t next = 1; next <= head;) {
    auto page = source->Read(next, ReadLimits{37, 1 << 22});
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_TRUE(restored->AppendRestored(*page).ok());
    next = page->back().sequence + 1;
  }
  ASSERT_TRUE(restored->Close().ok());
  restored.reset();
  testing::TypeIndexContents contents = MustReadTypeIndex(dst_dir.path());
  EXPECT_TRUE(contents.sequences.empty());
  EXPECT_TRUE(contents.has_cursor);
  EXPECT_EQ(contents.cursor, 0u);

  restored = MustOpen(dst_dir.path());
  ExpectMatchesScan(*restored);
  for (const std::string& type : {kUnitType, kBranchType}) {
    EXPECT_EQ(FromIndex(*restored, type, kMin, kMax),
              FromIndex(*source, type, kMin, kMax));
  }
  AppendSome(*restored, "after-restore", 10, 3, 11);
  ExpectMatchesScan(*restored);
}

TEST(TypeIndexTest, BelowTheDiskReserveReadByTypeAnswersFromTheEvents) {
  testutil::TempDir dir("type-index-full");
  auto log = MustOpen(dir.path());
  AppendSome(*log, "a", 30, 5, 12);
  ExpectMatchesScan(*log);           // indexed this far
  AppendSome(*log, "b", 30, 5, 13);  // not indexed yet
  auto space = GetDiskSpace(dir.path());
  ASSERT_TRUE(space.ok()) << space.status();
  SetDiskReserveBytes(space->total_bytes + 1);  // more than the disk holds
  absl::SleepFor(DiskReserveCheck::kRecheck);
  // Writes are refused, so indexing is; reads by type go on, answered from
  // the index up to its cursor and from the events column past it.
  AppendRequest refused;
  refused.command_id = "while-full";
  refused.actor = "clerk:wang.li@371302";
  refused.events.push_back(Event(1));
  EXPECT_EQ(log->Append(refused).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_GT(ExpectMatchesScan(*log), 0u);
  SetDiskReserveBytes(0);
  absl::SleepFor(DiskReserveCheck::kRecheck);
  ExpectMatchesScan(*log);  // and now indexes them
  const uint64_t head = log->GetHead().sequence;
  ASSERT_TRUE(log->Close().ok());
  log.reset();
  testing::TypeIndexContents contents = MustReadTypeIndex(dir.path());
  EXPECT_EQ(contents.cursor, head);
  EXPECT_EQ(contents.sequences.size(), head);
}

// --- SIGKILL between appends and the first ReadByType, and while indexing.

// The child: opens the log, appends (Append and AppendAsync, durable),
// reports its head on `report`, then either waits to be killed (nothing
// read by type since these appends) or reads by type (indexing everything
// missing, in chunks) until it is killed. Never returns.
[[noreturn]] void Child(const std::string& dir, int round, bool read_by_type,
                        int report) {
  auto log = EventLog::Open(dir, Options());
  if (!log.ok()) _exit(2);
  // 1000-event appends: a backlog of several index chunks (8192 events).
  std::mt19937 rng(round);
  for (int i = 0; i < 12; ++i) {
    AppendRequest r;
    r.command_id = "round" + std::to_string(round) + "-" + std::to_string(i);
    r.actor = "clerk:wang.li@371302";
    r.recorded_at_us = static_cast<int64_t>(rng() % 2000) - 500;
    for (int e = 0; e < 1000; ++e) r.events.push_back(Event(rng()));
    if (!(*log)->Append(r).ok()) _exit(3);
  }
  const uint64_t head = (*log)->GetHead().sequence;
  if (write(report, &head, sizeof head) != sizeof head) _exit(4);
  for (;;) {
    if (read_by_type) {
      (*log)
          ->ReadByType(kUnitType, kMin, kMax, 0, ReadLimits{1, 1 << 20})
          .IgnoreError();
    } else {
      pause();
    }
  }
}

TEST(TypeIndexTest, SigkillBeforeOrWhileIndexingLosesNothing) {
  testutil::TempDir dir("type-index-crash");
  constexpr int kRounds = 8;
  std::mt19937 rng(12345);
  int kills = 0, mid_catch_up = 0;
  size_t checked = 0;
  uint64_t indexed_before = 0;  // the cursor when the round started
  for (int round = 0; round < kRounds; ++round) {
    const bool read_by_type = round % 2 == 1;
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      Child(dir.path(), round, read_by_type, fds[1]);
    }
    close(fds[1]);
    uint64_t acked = 0;
    ASSERT_EQ(::read(fds[0], &acked, sizeof acked),
              static_cast<ssize_t>(sizeof acked))
        << "the child died before appending (round " << round << ")";
    close(fds[0]);
    // While reading: somewhere in the catch-up of up to ~24,000 events.
    if (read_by_type) usleep(1000 * (rng() % 40));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    ++kills;

    testing::TypeIndexContents killed = MustReadTypeIndex(dir.path());
    auto log = MustOpen(dir.path());
    ASSERT_NE(log, nullptr);
    const uint64_t head = log->GetHead().sequence;
    EXPECT_GE(head, acked);
    EXPECT_TRUE(killed.has_cursor);
    EXPECT_LE(killed.cursor, head);
    EXPECT_EQ(killed.sequences.size(), killed.cursor)
        << "entries and cursor are written together";
    if (killed.cursor > indexed_before && killed.cursor < head) {
      ++mid_catch_up;  // killed between two chunks of the catch-up
    }
    checked += ExpectMatchesScan(*log);
    indexed_before = head;  // ExpectMatchesScan indexed everything
    ASSERT_TRUE(log->Close().ok());
  }
  std::printf(
      "type index crash test: %d SIGKILLs (%d after appends, before any "
      "read by type; %d while reading by type, %d of them between two "
      "chunks of the catch-up), %zu events read by type, 0 missing or "
      "extra\n",
      kills, kRounds / 2, kRounds / 2, mid_catch_up, checked);
}

}  // namespace
}  // namespace reporting::storage
