// Appends combined into groups (event_log_append.cc): racing appends that
// share one RocksDB write are each accepted or refused on their own.
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"
#include "storage/event_log.h"
#include "storage/event_log_impl.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

constexpr char kContested[] = "unit/contested";

AppendRequest UnitRequest(const std::string& command_id,
                          const std::string& stream) {
  v1::UnitRegistered u;
  u.set_unit_id("371302-U0001");
  u.set_name("unit");
  AppendRequest r;
  r.command_id = command_id;
  r.actor = "clerk:test";
  r.events.push_back(NewEvent{stream, events::TypeOf<v1::UnitRegistered>(),
                              u.SerializeAsString()});
  return r;
}

TEST(EventLogAppend, RacingAppendsInOneGroupAreAcceptedOrRefusedOnTheirOwn) {
  testutil::TempDir dir("event-log-append-test");
  EventLogOptions options;
  options.node_id = "371302";
  auto opened = EventLog::Open(dir.path(), options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<EventLog> log = std::move(*opened);

  // Every thread races for the contested stream with the version it read
  // (most lose: ABORTED), appends to its own stream without a check, and
  // resends each won command (a duplicate, maybe in the same group).
  constexpr int kThreads = 32, kRounds = 30;
  std::mutex mu;
  std::map<std::string, AppendResult> won;  // command id -> first answer
  std::atomic<int> aborted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        const std::string id = "c" + std::to_string(t) + "-" + std::to_string(i);
        auto version = log->StreamVersion(kContested);
        ASSERT_TRUE(version.ok()) << version.status();
        AppendRequest race = UnitRequest(id, kContested);
        race.expected_versions[kContested] = *version;
        auto result = log->Append(race);
        if (result.ok()) {
          auto again = log->Append(race);
          ASSERT_TRUE(again.ok()) << again.status();
          EXPECT_TRUE(again->duplicate);
          EXPECT_EQ(again->first_sequence, result->first_sequence);
          EXPECT_EQ(again->stream_versions, result->stream_versions);
          std::lock_guard<std::mutex> l(mu);
          won.emplace(id, *result);
        } else {
          EXPECT_EQ(result.status().code(), absl::StatusCode::kAborted)
              << result.status();
          ++aborted;
        }
        auto own = log->Append(
            UnitRequest(id + "-own", "unit/own-" + std::to_string(t)));
        ASSERT_TRUE(own.ok()) << own.status();
      }
    });
  }
  for (std::thread& t : threads) t.join();

  // The contested stream holds exactly the winners, versions 1..K, each at
  // the sequence its answer named.
  ASSERT_FALSE(won.empty());
  EXPECT_EQ(won.size() + static_cast<size_t>(aborted.load()),
            static_cast<size_t>(kThreads * kRounds));
  auto stream = log->ReadStream(kContested, 1, ReadLimits{100000, 1 << 30});
  ASSERT_TRUE(stream.ok()) << stream.status();
  ASSERT_EQ(stream->size(), won.size());
  for (size_t i = 0; i < stream->size(); ++i) {
    v1::EventEnvelope env;
    ASSERT_TRUE(env.ParseFromString((*stream)[i].envelope));
    EXPECT_EQ(env.stream_version(), i + 1);
    auto it = won.find(env.command_id());
    ASSERT_NE(it, won.end()) << env.command_id();
    EXPECT_EQ(it->second.first_sequence, (*stream)[i].sequence);
    EXPECT_EQ(it->second.stream_versions.at(kContested), i + 1);
  }
  // Gapless: winners plus one own event per round, nothing for a refusal.
  EXPECT_EQ(log->GetHead().sequence, won.size() + kThreads * kRounds);
  EXPECT_TRUE(log->Verify().ok());
  // Appends that wrote did share RocksDB writes (groups of more than one).
  auto* impl = dynamic_cast<EventLogImpl*>(log.get());
  ASSERT_NE(impl, nullptr);
  EXPECT_LT(impl->append_write_count(), log->GetHead().sequence);
}

}  // namespace
}  // namespace reporting::storage
