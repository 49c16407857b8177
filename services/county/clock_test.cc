// The county's clock (issue 21, point 4), faked through the node's
// injectable clock: dates from clerks more than a day in the node's future
// are refused; a clock set back after running a day ahead records times
// that run backwards, each such command counted and the episode warned
// about, also after a restart.
#include <atomic>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reporting/v1/envelope.pb.h"
#include "services/county/clock_watch.h"
#include "services/county/testing/test_node.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"

namespace reporting::county::testing {
namespace {

using grpc::StatusCode;
using ::testing::HasSubstr;

const char kUnit[] = "371302-U0001";

int64_t Noon(int year, int month, int day) {
  return absl::ToUnixMicros(absl::FromCivil(
      absl::CivilSecond(year, month, day, 12, 0, 0), absl::LocalTimeZone()));
}
constexpr int64_t kDayUs = int64_t{86400} * 1000000;

// Captures spdlog's default logger while alive.
class LogCapture {
 public:
  LogCapture() : old_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("t", sink));
  }
  ~LogCapture() { spdlog::set_default_logger(old_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> old_;
};

class ClockTest : public ::testing::Test {
 protected:
  ClockTest() : node_(Options()) { node_.Register(kUnit, 1, 1); }
  TestNodeOptions Options() {
    TestNodeOptions o;
    o.now_us = [this] { return clock_us_.load(); };
    return o;
  }
  grpc::Status Identify(int n) {
    v1::RectificationItemIdentified e;
    e.set_item_id(absl::StrCat(kUnit, "-R", n));
    e.set_kind(v1::RECTIFICATION_KIND_CONDUCT);
    e.set_description("会议过多");
    return node_.Send(&Stub::IdentifyRectification, e);
  }
  int64_t HeadTime() { return HeadRecordedAt(node_.log()); }

  std::atomic<int64_t> clock_us_{Noon(2026, 6, 1)};
  TestNode node_;
};

TEST_F(ClockTest, DatesMoreThanADayAheadOfTheNodeAreRefused) {
  v1::EvaluationRecorded recorded;
  recorded.set_member_id(TestNode::Member(kUnit, 1));
  recorded.set_rating(v1::RATING_QUALIFIED);
  recorded.add_shortcomings("理论学习不够深入");
  ASSERT_TRUE(node_.Send(&Stub::RecordEvaluation, recorded).ok());
  const uint64_t head = node_.log().GetHead().sequence;

  v1::EvaluationShown shown;
  shown.set_member_id(TestNode::Member(kUnit, 1));
  shown.set_shown_on("2026-06-03");
  grpc::Status ahead = node_.Send(&Stub::ShowEvaluation, shown);
  EXPECT_EQ(ahead.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ahead.error_message(),
              HasSubstr("body.shown_on 2026-06-03 is more than a day after "
                        "this node's date 2026-06-01"));
  EXPECT_EQ(node_.log().GetHead().sequence, head);

  shown.set_shown_on("2026-06-02");  // a day of slack
  EXPECT_TRUE(node_.Send(&Stub::ShowEvaluation, shown).ok());

  // A deadline is a plan: far ahead is fine.
  ASSERT_TRUE(Identify(1).ok());
  v1::RectificationItemPlanned plan;
  plan.set_item_id(absl::StrCat(kUnit, "-R1"));
  plan.set_measures("精简会议");
  plan.set_responsible_person("王书记");
  plan.set_deadline("2027-06-30");
  plan.set_class_(v1::RECTIFICATION_CLASS_WITH_EFFORT);
  EXPECT_TRUE(node_.Send(&Stub::PlanRectification, plan).ok());
  // The node's clock decides: the same date is accepted once it is near.
  v1::RectificationItemCompleted done;
  done.set_item_id(absl::StrCat(kUnit, "-R1"));
  done.set_evidence("纪要");
  done.set_completed_on("2026-06-10");
  EXPECT_EQ(node_.Send(&Stub::CompleteRectification, done).error_code(),
            StatusCode::INVALID_ARGUMENT);
  clock_us_ = Noon(2026, 6, 10);
  EXPECT_TRUE(node_.Send(&Stub::CompleteRectification, done).ok());
}

TEST_F(ClockTest, AClockSetBackIsCountedAndWarnedAbout) {
  clock_us_ = Noon(2026, 6, 2);  // a day ahead
  ASSERT_TRUE(Identify(1).ok());
  EXPECT_EQ(HeadTime(), Noon(2026, 6, 2));  // events carry the node's clock
  {
    LogCapture log;
    clock_us_ = Noon(2026, 6, 1);  // set right
    ASSERT_TRUE(Identify(2).ok());
    EXPECT_EQ(HeadTime(), Noon(2026, 6, 1));  // recorded times ran backwards
    ASSERT_TRUE(Identify(3).ok());
    EXPECT_EQ(node_.clock_watch().backwards(), 2u);
    EXPECT_THAT(log.text(), HasSubstr("recorded times run backwards: the "
                                      "clock is 86400.0 s behind"));
    // Warned once per episode, counted every time.
    const std::string text = log.text();
    EXPECT_EQ(text.find("run backwards"), text.rfind("run backwards"));
  }
  clock_us_ = Noon(2026, 6, 2) + 2000000;  // past the latest time again
  ASSERT_TRUE(Identify(4).ok());
  EXPECT_EQ(node_.clock_watch().backwards(), 2u);

  // A restart with the clock behind the log's head: warned at start and
  // counted from the first command.
  clock_us_ = Noon(2026, 6, 1);
  LogCapture log;
  node_.Restart();
  EXPECT_THAT(log.text(), HasSubstr("s behind the last time recorded"));
  ASSERT_TRUE(Identify(5).ok());
  EXPECT_EQ(node_.clock_watch().backwards(), 1u);
}

TEST(ClockWatchTest, SmallStepsBackAreNotCountedAndTheCallbackCounts) {
  int counted = 0;
  ClockWatch watch("371302", 10 * kDayUs, 10 * kDayUs, [&] { ++counted; });
  watch.Observe(10 * kDayUs - 500000);  // half a second: tolerated
  EXPECT_EQ(watch.backwards(), 0u);
  watch.Observe(10 * kDayUs - 5000000);
  EXPECT_EQ(watch.backwards(), 1u);
  EXPECT_EQ(counted, 1);
}

}  // namespace
}  // namespace reporting::county::testing
