// Durable before acknowledged: a log opened with default options syncs the
// WAL for every acknowledged append, as RocksDB itself counts its syncs
// (event_log_testing.h, WalSyncCounter), and the log's own sync_count()
// agrees; a log opened without sync makes no sync, counts none, and says
// loudly at open that acknowledged appends can be lost. Also GetDiskUsage.
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/blocking_counter.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "spdlog/logger.h"
#include "spdlog/sinks/ringbuffer_sink.h"
#include "spdlog/spdlog.h"
#include "storage/event_log.h"
#include "storage/event_log_impl.h"
#include "storage/event_log_testing.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kNode[] = "371302";

NewEvent Unit(const std::string& stream) {
  v1::UnitRegistered u;
  u.set_unit_id("371302-U0042");
  u.set_name("兰山区机关单位");
  return NewEvent{stream, events::TypeOf<v1::UnitRegistered>(),
                  u.SerializeAsString()};
}

AppendRequest Request(const std::string& command_id) {
  AppendRequest r;
  r.command_id = command_id;
  r.actor = "clerk:wang.li@371302";
  r.events = {Unit("unit/371302-U0042")};
  return r;
}

// Only the node id set: whatever else the defaults say is what is tested.
EventLogOptions DefaultOptions() {
  EventLogOptions o;
  o.node_id = kNode;
  return o;
}

// What the default spdlog logger (the one EventLog logs to) logs while
// this lives, as "<level> <message>" lines; the previous logger is
// restored afterwards.
class LogCapture {
 public:
  LogCapture()
      : previous_(spdlog::default_logger()),
        sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256)) {
    sink_->set_pattern("%l %v");
    auto logger = std::make_shared<spdlog::logger>("log-capture", sink_);
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(std::move(logger));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<std::string> Lines() const { return sink_->last_formatted(); }

 private:
  const std::shared_ptr<spdlog::logger> previous_;
  const std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

// The first words of Open's warning for a log without sync.
constexpr char kSyncOffWarning[] = "WAL SYNC IS OFF";

class EventLogDurabilityTest : public ::testing::Test {
 protected:
  std::unique_ptr<EventLog> MustOpen(const std::string& dir,
                                     EventLogOptions options) {
    auto log = EventLog::Open(dir, std::move(options));
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(*log) : nullptr;
  }

  // The log's own count of WAL syncs (not part of the public interface).
  static uint64_t LogSyncCount(EventLog& log) {
    auto* impl = dynamic_cast<EventLogImpl*>(&log);
    EXPECT_NE(impl, nullptr);
    return impl == nullptr ? 0 : impl->sync_count();
  }

  // Sends n AppendAsync requests and waits for their callbacks; each must
  // succeed. Returns the fewest RocksDB WAL syncs any callback saw made.
  static uint64_t AppendAsyncAndWait(EventLog& log, int n,
                                     const testing::WalSyncCounter& counter) {
    absl::BlockingCounter answered(n);
    std::atomic<uint64_t> fewest{std::numeric_limits<uint64_t>::max()};
    for (int i = 0; i < n; ++i) {
      log.AppendAsync(
          Request("async-" + std::to_string(i)),
          [&](absl::StatusOr<AppendResult> outcome) {
            EXPECT_TRUE(outcome.ok()) << outcome.status();
            uint64_t seen = counter.syncs();
            uint64_t now = fewest.load();
            while (seen < now && !fewest.compare_exchange_weak(now, seen)) {
            }
            answered.DecrementCount();
          });
    }
    answered.Wait();
    return fewest.load();
  }

  testutil::TempDir dir_{"event-log-durability-test"};
};

TEST_F(EventLogDurabilityTest, SyncIsOnByDefault) {
  EXPECT_TRUE(EventLogOptions{}.sync);
}

TEST_F(EventLogDurabilityTest, EachSequentialAppendSyncsTheWalByDefault) {
  testing::WalSyncCounter rocksdb_syncs;
  LogCapture logged;
  std::unique_ptr<EventLog> log = MustOpen(dir_.path(), DefaultOptions());
  ASSERT_NE(log, nullptr);
  ASSERT_EQ(rocksdb_syncs.syncs(), 0u);
  constexpr int kAppends = 5;
  for (int i = 0; i < kAppends; ++i) {
    ASSERT_TRUE(log->Append(Request("cmd-" + std::to_string(i))).ok());
    // One thread: each append is a group of its own, written with
    // sync=true before Append returns.
    EXPECT_GE(rocksdb_syncs.syncs(), static_cast<uint64_t>(i + 1));
  }
  EXPECT_GE(rocksdb_syncs.syncs(), static_cast<uint64_t>(kAppends));
  // The log counts exactly the syncs RocksDB made (before Close, which
  // syncs once more).
  EXPECT_EQ(LogSyncCount(*log), rocksdb_syncs.syncs());
  EXPECT_THAT(logged.Lines(), Not(Contains(HasSubstr(kSyncOffWarning))));
  ASSERT_TRUE(log->Close().ok());
}

TEST_F(EventLogDurabilityTest, AppendAsyncIsSyncedBeforeItsCallbackByDefault) {
  testing::WalSyncCounter rocksdb_syncs;
  std::unique_ptr<EventLog> log = MustOpen(dir_.path(), DefaultOptions());
  ASSERT_NE(log, nullptr);
  // The async path writes with sync=false and GroupCommit runs SyncWAL.
  const uint64_t seen_by_callbacks =
      AppendAsyncAndWait(*log, 20, rocksdb_syncs);
  EXPECT_GE(seen_by_callbacks, 1u);
  EXPECT_GE(rocksdb_syncs.syncs(), 1u);
  EXPECT_EQ(LogSyncCount(*log), rocksdb_syncs.syncs());
  EXPECT_EQ(log->GetHead().sequence, 20u);
  ASSERT_TRUE(log->Close().ok());
}

TEST_F(EventLogDurabilityTest,
       WithoutSyncOpenWarnsThatAcknowledgedAppendsCanBeLost) {
  LogCapture logged;
  EventLogOptions o = DefaultOptions();
  o.sync = false;
  std::unique_ptr<EventLog> log = MustOpen(dir_.path(), std::move(o));
  ASSERT_NE(log, nullptr);
  EXPECT_THAT(logged.Lines(),
              Contains(AllOf(HasSubstr("warning"), HasSubstr(kSyncOffWarning),
                             HasSubstr(kNode),
                             HasSubstr("can lose acknowledged events"))));
}

TEST_F(EventLogDurabilityTest, WithoutSyncNoAppendSyncsTheWal) {
  testing::WalSyncCounter rocksdb_syncs;
  EventLogOptions o = DefaultOptions();
  o.sync = false;
  std::unique_ptr<EventLog> log = MustOpen(dir_.path(), std::move(o));
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(log->Append(Request("cmd-" + std::to_string(i))).ok());
  }
  AppendAsyncAndWait(*log, 20, rocksdb_syncs);
  EXPECT_EQ(log->GetHead().sequence, 25u);
  EXPECT_EQ(rocksdb_syncs.syncs(), 0u);
  EXPECT_EQ(LogSyncCount(*log), 0u);
}

// GroupCommit has nothing to run for a log without sync; it used to count
// a sync each time a replicated write waited for one anyway.
TEST_F(EventLogDurabilityTest, WithoutSyncAReplicatedWriteCountsNoSync) {
  std::vector<StoredEvent> events;
  {
    std::unique_ptr<EventLog> source =
        MustOpen(dir_.Sub("source"), DefaultOptions());
    ASSERT_NE(source, nullptr);
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(source->Append(Request("cmd-" + std::to_string(i))).ok());
    }
    auto read = source->Read(1);
    ASSERT_TRUE(read.ok()) << read.status();
    events = std::move(*read);
  }
  ASSERT_EQ(events.size(), 3u);
  testing::WalSyncCounter rocksdb_syncs;  // counts the copy's syncs only
  EventLogOptions o = DefaultOptions();
  o.sync = false;
  std::unique_ptr<EventLog> copy = MustOpen(dir_.Sub("copy"), std::move(o));
  ASSERT_NE(copy, nullptr);
  auto head = copy->AppendReplicated(events, /*received_at_us=*/1000);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->sequence, 3u);
  EXPECT_EQ(copy->GetHead().sequence, 3u);
  EXPECT_EQ(rocksdb_syncs.syncs(), 0u);
  EXPECT_EQ(LogSyncCount(*copy), 0u);
}

TEST_F(EventLogDurabilityTest, GetDiskUsageReportsTheWalAndMemtables) {
  std::unique_ptr<EventLog> log = MustOpen(dir_.path(), DefaultOptions());
  ASSERT_NE(log, nullptr);
  uint64_t payload_bytes = 0;
  for (int i = 0; i < 20; ++i) {
    AppendRequest r = Request("cmd-" + std::to_string(i));
    payload_bytes += r.events[0].payload.size();
    ASSERT_TRUE(log->Append(r).ok());
  }
  auto usage = log->GetDiskUsage();
  ASSERT_TRUE(usage.ok()) << usage.status();
  // Nothing flushed yet: every append is in the WAL (its envelopes hold
  // the payloads) and in the memtables, none in an SST.
  EXPECT_GE(usage->wal_bytes, payload_bytes);
  EXPECT_GT(usage->memtable_bytes, 0u);
  EXPECT_EQ(usage->sst_bytes, 0u);
  EXPECT_EQ(usage->live_data_bytes, 0u);

  // Close flushes the memtables: reopened, the events are in SSTs.
  ASSERT_TRUE(log->Close().ok());
  EXPECT_EQ(log->GetDiskUsage().status().code(),
            absl::StatusCode::kFailedPrecondition);
  log = MustOpen(dir_.path(), DefaultOptions());
  ASSERT_NE(log, nullptr);
  usage = log->GetDiskUsage();
  ASSERT_TRUE(usage.ok()) << usage.status();
  EXPECT_GE(usage->sst_bytes, payload_bytes);
  EXPECT_GT(usage->live_data_bytes, 0u);
  EXPECT_LE(usage->live_data_bytes, usage->sst_bytes);
}

}  // namespace
}  // namespace reporting::storage
