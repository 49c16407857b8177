// What EventLog::Open's tail check and a full Verify do with a stored log
// damaged behind the log's back (storage/README.md, "Open: the tail
// check"): an event deleted, the head record not describing the last event,
// a stored hash altered, an event stored past the head. Within the checked
// tail Open refuses with DATA_LOSS naming the sequence, so a damaged log is
// never served; further back Open serves and Verify names it. (Flipped
// envelope bytes are in event_log_test.cc.) The damage is done through
// event_log_testing.h, on a closed log.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "storage/event_log.h"
#include "storage/event_log_testing.h"
#include "storage/hash_chain.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kEvents = 10;

// A hash no event of these logs has.
std::string OtherHash() { return ChainHash(ZeroHash(), "not an envelope"); }

class EventLogOpenCheckTest : public ::testing::Test {
 protected:
  EventLogOptions Options(uint64_t verify_tail_on_open = 1024) {
    EventLogOptions o;
    o.node_id = "371302";
    o.verify_tail_on_open = verify_tail_on_open;
    o.now_us = [this] { return clock_us_.fetch_add(1); };
    return o;
  }

  // Writes kEvents events, one append each, and closes the log (the
  // event_log_testing helpers need it closed); keeps its head in head_.
  void SetUp() override {
    auto log = EventLog::Open(dir_.path(), Options());
    ASSERT_TRUE(log.ok()) << log.status();
    for (uint64_t i = 1; i <= kEvents; ++i) {
      AppendRequest r;
      r.command_id = "cmd-" + std::to_string(i);
      r.actor = "clerk:wang.li@371302";
      v1::UnitRegistered u;
      u.set_unit_id("371302-U0042");
      u.set_name("兰山区机关单位");
      r.events = {NewEvent{"unit/371302-U0042",
                           events::TypeOf<v1::UnitRegistered>(),
                           u.SerializeAsString()}};
      ASSERT_TRUE((*log)->Append(r).ok());
    }
    head_ = (*log)->GetHead();
    ASSERT_EQ(head_.sequence, kEvents);
    ASSERT_TRUE((*log)->Close().ok());
  }

  absl::Status OpenStatus(uint64_t verify_tail_on_open = 1024) {
    return EventLog::Open(dir_.path(), Options(verify_tail_on_open)).status();
  }

  testutil::TempDir dir_{"event-log-open-check-test"};
  std::atomic<int64_t> clock_us_{1700000000000000};
  Head head_;
};

// The damaged log is refused with DATA_LOSS and a message containing
// `what`; asserted as one so a failure shows the whole message.
MATCHER_P(IsDataLoss, what, "") {
  *result_listener << "status " << arg;
  return arg.code() == absl::StatusCode::kDataLoss &&
         std::string(arg.message()).find(what) != std::string::npos;
}

// (1) An event deleted inside the checked tail: Open refuses, naming it.
TEST_F(EventLogOpenCheckTest, MissingEventInsideTheTailIsRefused) {
  ASSERT_TRUE(testing::DeleteEvent(dir_.path(), 7).ok());
  EXPECT_THAT(OpenStatus(), IsDataLoss("event_log: open node=371302 sequence "
                                       "7: missing (the next stored event is "
                                       "8)"));
}

// The edges of a tail of 3 (events 8..10): its first event, and the event
// before it, whose stored hash the check starts from.
TEST_F(EventLogOpenCheckTest, MissingEventAtTheEdgeOfTheTailIsRefused) {
  ASSERT_TRUE(testing::DeleteEvent(dir_.path(), 8).ok());
  EXPECT_THAT(OpenStatus(3),
              IsDataLoss("sequence 8: missing (the next stored event is 9)"));
}

TEST_F(EventLogOpenCheckTest, MissingEventBeforeTheTailIsRefused) {
  ASSERT_TRUE(testing::DeleteEvent(dir_.path(), 7).ok());
  EXPECT_THAT(OpenStatus(3),
              IsDataLoss("sequence 7: missing (the next stored event is 8)"));
}

// (2) The head record names an event that is not stored: the head's own
// event deleted, or the head moved past the last event.
TEST_F(EventLogOpenCheckTest, HeadEventMissingIsRefused) {
  ASSERT_TRUE(testing::DeleteEvent(dir_.path(), kEvents).ok());
  EXPECT_THAT(OpenStatus(), IsDataLoss("head record says sequence 10 but the "
                                       "last stored event is sequence 9"));
}

TEST_F(EventLogOpenCheckTest, HeadPastTheLastEventIsRefused) {
  ASSERT_TRUE(testing::SetHead(dir_.path(), 12, head_.hash).ok());
  EXPECT_THAT(OpenStatus(), IsDataLoss("head record says sequence 12 but the "
                                       "last stored event is sequence 10"));
}

// (2) The head record's hash is not the last event's: new appends would
// chain onto a hash the log does not hold. Refused even when Open
// recomputes no hashes (verify_tail_on_open = 0): comparing the two stored
// hashes costs one read.
TEST_F(EventLogOpenCheckTest, HeadHashNotTheLastEventsIsRefused) {
  ASSERT_TRUE(testing::SetHead(dir_.path(), kEvents, OtherHash()).ok());
  for (uint64_t tail : {uint64_t{1024}, uint64_t{3}, uint64_t{0}}) {
    SCOPED_TRACE(tail);
    EXPECT_THAT(OpenStatus(tail),
                IsDataLoss("event_log: open node=371302 sequence 10: head "
                           "record's hash does not match the event's"));
  }
}

// (3) Damage further back than the tail: Open serves (its cost is bounded
// by the tail), a full Verify finds it and names the sequence.
TEST_F(EventLogOpenCheckTest, MissingEventFarBackIsFoundByVerify) {
  ASSERT_TRUE(testing::DeleteEvent(dir_.path(), 4).ok());
  auto log = EventLog::Open(dir_.path(), Options(3));
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ((*log)->GetHead().sequence, kEvents);
  EXPECT_THAT((*log)->Verify(),
              IsDataLoss("event_log: verify node=371302 sequence 4: missing "
                         "(the next stored event is 5)"));
}

TEST_F(EventLogOpenCheckTest, AlteredHashFarBackIsFoundByVerify) {
  ASSERT_TRUE(testing::SetStoredHash(dir_.path(), 4, OtherHash()).ok());
  auto log = EventLog::Open(dir_.path(), Options(3));
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_THAT((*log)->Verify(),
              IsDataLoss("event_log: verify node=371302 sequence 4: stored "
                         "hash does not match its bytes"));
}

// (4) A stored hash altered (the envelope intact) inside the tail, and the
// head event's own.
TEST_F(EventLogOpenCheckTest, AlteredHashInsideTheTailIsRefused) {
  ASSERT_TRUE(testing::SetStoredHash(dir_.path(), 7, OtherHash()).ok());
  EXPECT_THAT(OpenStatus(), IsDataLoss("event_log: open node=371302 sequence "
                                       "7: stored hash does not match its "
                                       "bytes"));
}

TEST_F(EventLogOpenCheckTest, AlteredHashOfTheHeadEventIsRefused) {
  ASSERT_TRUE(testing::SetStoredHash(dir_.path(), kEvents, OtherHash()).ok());
  EXPECT_THAT(OpenStatus(),
              IsDataLoss("sequence 10: stored hash does not match its bytes"));
  // Without recomputing, the head record and the event still disagree.
  EXPECT_THAT(OpenStatus(0), IsDataLoss("sequence 10: head record's hash does "
                                        "not match the event's"));
}

// The stored hash of the event before a tail of 3 (7; the tail is 8..10)
// is where the check starts: the damage is named as 7's, not as the next
// event's (whose bytes are intact).
TEST_F(EventLogOpenCheckTest, AlteredHashBeforeTheTailIsNamedAsItsOwn) {
  ASSERT_TRUE(testing::SetStoredHash(dir_.path(), 7, OtherHash()).ok());
  EXPECT_THAT(OpenStatus(3),
              IsDataLoss("sequence 7: stored hash does not match its bytes"));
}

// (5) An event stored past the head (no append leaves one: its events and
// the head are one write), even one that continues the chain correctly:
// refused, naming both sequences, and left as it was for an auditor.
TEST_F(EventLogOpenCheckTest, EventPastTheHeadIsRefused) {
  absl::StatusOr<uint64_t> extra = testing::StoreEventPastHead(dir_.path());
  ASSERT_TRUE(extra.ok()) << extra.status();
  ASSERT_EQ(*extra, kEvents + 1);
  for (uint64_t tail : {uint64_t{1024}, uint64_t{0}}) {
    SCOPED_TRACE(tail);
    EXPECT_THAT(OpenStatus(tail), IsDataLoss("head record says sequence 10 but "
                                             "the last stored event is "
                                             "sequence 11"));
  }
  // The refused opens removed nothing: the extra event is still stored,
  // and without it the log opens and verifies.
  ASSERT_TRUE(testing::DeleteEvent(dir_.path(), kEvents + 1).ok());
  auto log = EventLog::Open(dir_.path(), Options());
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_TRUE((*log)->Verify().ok());
}

}  // namespace
}  // namespace reporting::storage
