// Appends combined into groups (event_log_append.cc): racing appends that
// share one RocksDB write are each accepted or refused on their own, and
// AppendAsync answers each request once, when Append would have.
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
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
        const std::string id =
            "c" + std::to_string(t) + "-" + std::to_string(i);
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
    EXPECT_EQ(it->second.stream_versions.Find(kContested), i + 1);
  }
  // Gapless: winners plus one own event per round, nothing for a refusal.
  EXPECT_EQ(log->GetHead().sequence, won.size() + kThreads * kRounds);
  EXPECT_TRUE(log->Verify().ok());
  // Appends that wrote did share RocksDB writes (groups of more than one).
  auto* impl = dynamic_cast<EventLogImpl*>(log.get());
  ASSERT_NE(impl, nullptr);
  EXPECT_LT(impl->append_write_count(), log->GetHead().sequence);
}

std::unique_ptr<EventLog> OpenLog(const std::string& dir) {
  EventLogOptions options;
  options.node_id = "371302";
  auto opened = EventLog::Open(dir, options);
  EXPECT_TRUE(opened.ok()) << opened.status();
  return opened.ok() ? std::move(*opened) : nullptr;
}

// Outcomes of AppendAsync calls, by command id; each must come once.
class Outcomes {
 public:
  AppendCallback For(const std::string& id, const EventLog* log) {
    return [this, id, log](absl::StatusOr<AppendResult> outcome) {
      // Answered only once durable: the head already covers it.
      if (outcome.ok()) {
        EXPECT_GE(log->GetHead().sequence, outcome->last_sequence) << id;
      }
      absl::MutexLock l(&mu_);
      EXPECT_TRUE(got_.emplace(id, std::move(outcome)).second)
          << id << " answered twice";
    };
  }
  void AwaitCount(size_t n) {
    absl::MutexLock l(&mu_);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return got_.size() >= n;
    };
    mu_.Await(absl::Condition(&enough));
  }
  std::map<std::string, absl::StatusOr<AppendResult>> Take() {
    absl::MutexLock l(&mu_);
    return std::move(got_);
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, absl::StatusOr<AppendResult>> got_ ABSL_GUARDED_BY(mu_);
};

TEST(EventLogAppend, AsyncAppendsMixedWithAppendsAreEachAnsweredOnce) {
  testutil::TempDir dir("event-log-append-test");
  std::unique_ptr<EventLog> log = OpenLog(dir.path());
  ASSERT_NE(log, nullptr);

  // Half the threads call AppendAsync (without waiting), half Append; all
  // race for the contested stream at version 0: exactly one wins. Each
  // async command is also sent twice (the repeat is a duplicate).
  constexpr int kThreads = 8, kPerThread = 200;
  Outcomes outcomes;
  std::atomic<int> sync_won{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id =
            "c" + std::to_string(t) + "-" + std::to_string(i);
        AppendRequest own = UnitRequest(id, "unit/own-" + std::to_string(t));
        AppendRequest race = UnitRequest(id + "-race", kContested);
        race.expected_versions[kContested] = kNoStream;
        if (t % 2 == 0) {
          log->AppendAsync(own, outcomes.For(id, log.get()));
          log->AppendAsync(own, outcomes.For(id + "-again", log.get()));
          log->AppendAsync(race, outcomes.For(id + "-race", log.get()));
        } else {
          auto done = log->Append(own);
          ASSERT_TRUE(done.ok()) << done.status();
          if (log->Append(race).ok()) ++sync_won;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const size_t async_calls = kThreads / 2 * kPerThread * 3;
  outcomes.AwaitCount(async_calls);
  std::map<std::string, absl::StatusOr<AppendResult>> got = outcomes.Take();
  ASSERT_EQ(got.size(), async_calls);

  int async_won = 0;
  for (const auto& [id, outcome] : got) {
    if (id.size() > 5 && id.substr(id.size() - 5) == "-race") {
      if (outcome.ok()) {
        ++async_won;
      } else {
        EXPECT_EQ(outcome.status().code(), absl::StatusCode::kAborted)
            << outcome.status();
      }
      continue;
    }
    ASSERT_TRUE(outcome.ok()) << id << ": " << outcome.status();
    if (id.size() > 6 && id.substr(id.size() - 6) == "-again") {
      // The repeat names the original's sequences, whichever ran first.
      const auto& first = got.at(id.substr(0, id.size() - 6));
      ASSERT_TRUE(first.ok());
      EXPECT_EQ(outcome->first_sequence, first->first_sequence);
      EXPECT_NE(outcome->duplicate, first->duplicate) << id;
    }
  }
  EXPECT_EQ(async_won + sync_won.load(), 1);
  // Gapless: one event per distinct command, plus the race's winner.
  EXPECT_EQ(log->GetHead().sequence, kThreads * kPerThread + 1u);
  EXPECT_TRUE(log->Verify().ok());
}

TEST(EventLogAppend, AsyncRefusalsAreAnsweredAtOnceOnTheCallersThread) {
  testutil::TempDir dir("event-log-append-test");
  std::unique_ptr<EventLog> log = OpenLog(dir.path());
  ASSERT_NE(log, nullptr);

  AppendRequest malformed = UnitRequest("", "unit/a");  // no command id
  bool answered = false;
  log->AppendAsync(malformed, [&](absl::StatusOr<AppendResult> outcome) {
    answered = true;
    EXPECT_EQ(outcome.status().code(), absl::StatusCode::kInvalidArgument);
  });
  EXPECT_TRUE(answered);

  ASSERT_TRUE(log->Close().ok());
  answered = false;
  log->AppendAsync(UnitRequest("late", "unit/a"),
                   [&](absl::StatusOr<AppendResult> outcome) {
                     answered = true;
                     EXPECT_EQ(outcome.status().code(),
                               absl::StatusCode::kFailedPrecondition);
                   });
  EXPECT_TRUE(answered);
}

// How a server uses AppendAsync: each appender sends its next append from
// the callback that answers the last. Those appends wait for the leader
// thread until the callbacks of their group are done (one wake-up, not one
// per append); an Append from another thread meanwhile is not held up.
TEST(EventLogAppend, AppendsSentFromCallbacksAreEachAnsweredOnce) {
  testutil::TempDir dir("event-log-append-test");
  std::unique_ptr<EventLog> log = OpenLog(dir.path());
  ASSERT_NE(log, nullptr);
  constexpr int kChains = 32, kPerChain = 40, kSyncAppends = 100;
  Outcomes outcomes;
  std::function<void(int, int)> send = [&](int chain, int i) {
    const std::string id =
        "a" + std::to_string(chain) + "-" + std::to_string(i);
    AppendCallback record = outcomes.For(id, log.get());
    log->AppendAsync(UnitRequest(id, "unit/" + std::to_string(chain)),
                     [&, chain, i, record = std::move(record)](
                         absl::StatusOr<AppendResult> outcome) mutable {
                       const bool ok = outcome.ok();
                       record(std::move(outcome));
                       if (ok && i + 1 < kPerChain) send(chain, i + 1);
                     });
  };
  for (int c = 0; c < kChains; ++c) send(c, 0);
  std::thread direct([&] {
    for (int i = 0; i < kSyncAppends; ++i) {
      auto r = log->Append(UnitRequest("s" + std::to_string(i), "unit/sync"));
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_GE(log->GetHead().sequence, r->last_sequence);
    }
  });
  outcomes.AwaitCount(kChains * kPerChain);
  direct.join();

  std::map<std::string, absl::StatusOr<AppendResult>> got = outcomes.Take();
  ASSERT_EQ(got.size(), static_cast<size_t>(kChains * kPerChain));
  for (const auto& [id, outcome] : got) {
    EXPECT_TRUE(outcome.ok()) << id << ": " << outcome.status();
  }
  // Each chain's appends landed in the order they were sent.
  for (int c = 0; c < kChains; ++c) {
    auto stream = log->ReadStream("unit/" + std::to_string(c), 1,
                                  ReadLimits{100000, 1 << 30});
    ASSERT_TRUE(stream.ok()) << stream.status();
    ASSERT_EQ(stream->size(), static_cast<size_t>(kPerChain));
  }
  EXPECT_EQ(log->GetHead().sequence,
            static_cast<uint64_t>(kChains * kPerChain + kSyncAppends));
  EXPECT_TRUE(log->Verify().ok());
  // Combined: far fewer RocksDB writes than appends.
  auto* impl = dynamic_cast<EventLogImpl*>(log.get());
  ASSERT_NE(impl, nullptr);
  EXPECT_LT(impl->append_write_count(), log->GetHead().sequence / 2);
  ASSERT_TRUE(log->Close().ok());
}

TEST(EventLogAppend, CloseAnswersEveryQueuedAsyncAppendAndKeepsThem) {
  testutil::TempDir dir("event-log-append-test");
  constexpr int kAppends = 2000;
  Outcomes outcomes;
  {
    std::unique_ptr<EventLog> log = OpenLog(dir.path());
    ASSERT_NE(log, nullptr);
    for (int i = 0; i < kAppends; ++i) {
      const std::string id = "c" + std::to_string(i);
      log->AppendAsync(UnitRequest(id, "unit/" + std::to_string(i % 7)),
                       outcomes.For(id, log.get()));
    }
    ASSERT_TRUE(log->Close().ok());  // returns once every one is answered
    std::map<std::string, absl::StatusOr<AppendResult>> got = outcomes.Take();
    ASSERT_EQ(got.size(), static_cast<size_t>(kAppends));
    for (const auto& [id, outcome] : got) {
      EXPECT_TRUE(outcome.ok()) << id << ": " << outcome.status();
    }
  }
  std::unique_ptr<EventLog> reopened = OpenLog(dir.path());
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->GetHead().sequence, static_cast<uint64_t>(kAppends));
  auto earlier = reopened->LookupCommand("c1999");
  ASSERT_TRUE(earlier.ok()) << earlier.status();
  EXPECT_TRUE(reopened->Verify().ok());
}

}  // namespace
}  // namespace reporting::storage
