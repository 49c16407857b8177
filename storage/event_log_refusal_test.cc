// A command id's first answer is final (event_log.h, "Idempotency"):
// recorded refusals, request digests, and both through the group-commit
// path (Append, AppendAsync, racing repeats in one group, reopen).
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "storage/event_log.h"
#include "storage/event_log_impl.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

const std::string kDigestA(kDigestBytes, 'a');
const std::string kDigestB(kDigestBytes, 'b');

AppendRequest Accept(const std::string& id, const std::string& digest) {
  v1::UnitRegistered u;
  u.set_unit_id("371302-U0001");
  u.set_name("unit");
  AppendRequest r;
  r.command_id = id;
  r.actor = "clerk:test";
  r.request_digest = digest;
  r.events.push_back(NewEvent{"unit/371302-U0001",
                              events::TypeOf<v1::UnitRegistered>(),
                              u.SerializeAsString()});
  return r;
}

AppendRequest Refuse(const std::string& id, const std::string& digest,
                     absl::Status refusal) {
  AppendRequest r;
  r.command_id = id;
  r.actor = "clerk:test";
  r.request_digest = digest;
  r.refusal = std::move(refusal);
  return r;
}

const absl::Status kNotPlanned = absl::FailedPreconditionError(
    "item 371302-U0001-R0: cannot complete: it is not planned yet");

class EventLogRefusalTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    log_.reset();
    EventLogOptions o;
    o.node_id = "371302";
    auto log = EventLog::Open(dir_.path(), std::move(o));
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
  }
  testutil::TempDir dir_{"event-log-refusal-test"};
  std::unique_ptr<EventLog> log_;
};

TEST_F(EventLogRefusalTest,
       ARecordedRefusalIsEveryLaterAnswerAndAppendsNothing) {
  auto first = log_->Append(Refuse("c1", kDigestA, kNotPlanned));
  EXPECT_EQ(first.status(), kNotPlanned);
  EXPECT_EQ(log_->GetHead().sequence, 0u);

  // The same request, now with events (the state moved on): the refusal.
  auto again = log_->Append(Accept("c1", kDigestA));
  EXPECT_EQ(again.status(), kNotPlanned);
  EXPECT_EQ(log_->GetHead().sequence, 0u);

  auto record = log_->FindCommand("c1");
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->refusal, kNotPlanned);
  EXPECT_EQ(record->request_digest, kDigestA);
  EXPECT_EQ(log_->LookupCommand("c1").status().code(),
            absl::StatusCode::kNotFound);

  // After a reopen, through AppendAsync too.
  Open();
  absl::Notification answered;
  absl::Status got;
  log_->AppendAsync(Accept("c1", kDigestA), [&](auto outcome) {
    got = outcome.status();
    answered.Notify();
  });
  answered.WaitForNotification();
  EXPECT_EQ(got, kNotPlanned);
  EXPECT_EQ(log_->GetHead().sequence, 0u);
  EXPECT_TRUE(log_->Append(Accept("c2", kDigestA)).ok());
  EXPECT_EQ(log_->GetHead().sequence, 1u);
}

TEST_F(EventLogRefusalTest, AnIdReusedForAnotherRequestIsAlreadyExists) {
  auto accepted = log_->Append(Accept("c1", kDigestA));
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  auto other = log_->Append(Accept("c1", kDigestB));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(other.status().message().find("\"c1\""), std::string::npos);
  EXPECT_NE(other.status().message().find("different request"),
            std::string::npos)
      << other.status();
  // The same request is a duplicate; no digest (an older caller) too.
  auto same = log_->Append(Accept("c1", kDigestA));
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->duplicate);
  EXPECT_TRUE(log_->Append(Accept("c1", "")).ok());
  // A refusal asked for an accepted id: the first answer, nothing recorded.
  auto late = log_->Append(Refuse("c1", kDigestA, kNotPlanned));
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_TRUE(late->duplicate);
  EXPECT_EQ(late->first_sequence, accepted->first_sequence);

  ASSERT_EQ(log_->Append(Refuse("r1", kDigestA, kNotPlanned)).status(),
            kNotPlanned);
  EXPECT_EQ(log_->Append(Accept("r1", kDigestB)).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(log_->Append(Refuse("r1", kDigestB, kNotPlanned)).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(log_->GetHead().sequence, 1u);
  Open();  // digests are durable too
  EXPECT_EQ(log_->Append(Accept("c1", kDigestB)).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(log_->GetHead().sequence, 1u);
}

TEST_F(EventLogRefusalTest, ALongMessageIsCutOnceAndAnsweredCutEveryTime) {
  // 2-byte characters; the cut lands inside one and backs off to its start.
  std::string message;
  while (message.size() <= kMaxRefusalMessageBytes) message += "é";
  message = "x" + message;
  auto first = log_->Append(
      Refuse("long", kDigestA, absl::InvalidArgumentError(message)));
  ASSERT_EQ(first.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string cut(first.status().message());
  EXPECT_LE(cut.size(), kMaxRefusalMessageBytes);
  EXPECT_EQ(cut.substr(cut.size() - 3), "...");
  EXPECT_EQ(message.compare(0, cut.size() - 3, cut, 0, cut.size() - 3), 0);
  EXPECT_EQ((cut.size() - 3 - 1) % 2, 0u) << "cut inside a character";
  EXPECT_EQ(log_->Append(Accept("long", kDigestA)).status(), first.status());
}

TEST_F(EventLogRefusalTest, ARefusalIsAnsweredOnlyOnceItsWriteSynced) {
  auto* impl = dynamic_cast<EventLogImpl*>(log_.get());
  ASSERT_NE(impl, nullptr);
  const uint64_t syncs = impl->sync_count();
  absl::Notification answered;
  log_->AppendAsync(Refuse("r", kDigestA, kNotPlanned), [&](auto outcome) {
    EXPECT_EQ(outcome.status(), kNotPlanned);
    answered.Notify();
  });
  answered.WaitForNotification();
  EXPECT_GT(impl->sync_count(), syncs);
}

TEST_F(EventLogRefusalTest, RacingRepeatsOfOneIdAllGetTheFirstAnswer) {
  // Per round, 8 threads send one id at once, half as a refusal and half
  // with events; many land in one group. Every answer is the first one.
  constexpr int kRounds = 40, kThreads = 8;
  for (int round = 0; round < kRounds; ++round) {
    const std::string id = "race-" + std::to_string(round);
    std::vector<absl::StatusOr<AppendResult>> answers(kThreads);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        ++ready;
        while (ready.load() < kThreads) {
        }
        answers[t] = log_->Append(t % 2 == 0 ? Refuse(id, kDigestA, kNotPlanned)
                                             : Accept(id, kDigestA));
      });
    }
    for (std::thread& t : threads) t.join();
    auto record = log_->FindCommand(id);
    ASSERT_TRUE(record.ok()) << record.status();
    for (const auto& answer : answers) {
      if (!record->refusal.ok()) {
        EXPECT_EQ(answer.status(), record->refusal) << id;
      } else {
        ASSERT_TRUE(answer.ok()) << id << ": " << answer.status();
        EXPECT_EQ(answer->first_sequence, record->result.first_sequence);
      }
    }
  }
  // One event per accepted round and none for a refused one: gapless.
  uint64_t accepted = 0;
  for (int round = 0; round < kRounds; ++round) {
    accepted += log_->LookupCommand("race-" + std::to_string(round)).ok();
  }
  EXPECT_EQ(log_->GetHead().sequence, accepted);
  EXPECT_TRUE(log_->Verify().ok());
}

TEST_F(EventLogRefusalTest, MalformedRequestsAreRefusedAndRecordNothing) {
  AppendRequest with_events = Accept("m1", kDigestA);
  with_events.refusal = kNotPlanned;
  EXPECT_EQ(log_->Append(with_events).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->Append(Refuse("m2", "short", kNotPlanned)).status().code(),
            absl::StatusCode::kInvalidArgument);
  AppendRequest long_actor = Accept("m3", kDigestA);
  long_actor.actor.assign(kMaxActorBytes + 1, 'a');
  EXPECT_EQ(log_->Append(long_actor).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      log_->Append(Accept(std::string(kMaxCommandIdBytes + 1, 'c'), kDigestA))
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  for (const char* id : {"m1", "m2", "m3"}) {
    EXPECT_EQ(log_->FindCommand(id).status().code(),
              absl::StatusCode::kNotFound)
        << id;
  }
  EXPECT_EQ(log_->GetHead().sequence, 0u);
}

}  // namespace
}  // namespace reporting::storage
