#include "services/domain/rectification.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reporting::domain {
namespace {

using ::testing::HasSubstr;

constexpr char kItem[] = "371302-U0042-R003";
constexpr char kUnit[] = "371302-U0042";
constexpr char kToday[] = "2026-07-15";

class RectificationTest : public ::testing::Test {
 protected:
  template <typename M>
  void ApplyOk(const absl::StatusOr<M>& decided) {
    ASSERT_TRUE(decided.ok()) << decided.status();
    v1::EventEnvelope e;
    e.set_stream_version(state_.version + 1);
    e.set_event_type(std::string(M::descriptor()->full_name()));
    e.set_payload(decided->SerializeAsString());
    ASSERT_TRUE(ApplyRectificationEvent(state_, e).ok());
  }
  void Identify() {
    v1::RectificationItemIdentified r;
    r.set_item_id(kItem);
    r.set_kind(v1::RECTIFICATION_KIND_CONDUCT);
    r.set_description("窗口服务态度差");
    ApplyOk(DecideIdentifyRectification(state_, kUnit, r));
  }
  v1::RectificationItemPlanned Plan(v1::RectificationClass c,
                                    const std::string& deadline) {
    v1::RectificationItemPlanned r;
    r.set_item_id(kItem);
    r.set_measures("train window staff");
    r.set_responsible_person("李主任");
    r.set_deadline(deadline);
    r.set_class_(c);
    return r;
  }
  absl::StatusOr<v1::RectificationProgressReported> Progress(uint32_t pct) {
    v1::RectificationProgressReported r;
    r.set_item_id(kItem);
    r.set_progress("half the staff trained");
    r.set_percent_done(pct);
    return DecideReportProgress(state_, r);
  }
  absl::StatusOr<v1::RectificationItemCompleted> Complete() {
    v1::RectificationItemCompleted r;
    r.set_item_id(kItem);
    r.set_evidence("training records");
    return DecideCompleteRectification(state_, r, kToday);
  }
  absl::StatusOr<v1::RectificationExplanationPublished> Explain() {
    v1::RectificationExplanationPublished r;
    r.set_item_id(kItem);
    r.set_cause("needs a new building");
    r.set_next_steps("budget request for next year");
    return DecidePublishExplanation(state_, r, kToday);
  }

  RectificationState state_;
};

TEST_F(RectificationTest, IdentifyNeedsKindDescriptionAndOnce) {
  v1::RectificationItemIdentified r;
  r.set_item_id(kItem);
  r.set_description("x");
  EXPECT_EQ(DecideIdentifyRectification(state_, kUnit, r).status().code(),
            absl::StatusCode::kInvalidArgument);
  r.set_kind(v1::RECTIFICATION_KIND_PUBLIC_VITAL_INTERESTS);
  r.set_unit_id("371302-U0043");
  EXPECT_EQ(DecideIdentifyRectification(state_, kUnit, r).status().code(),
            absl::StatusCode::kInvalidArgument);
  r.clear_unit_id();
  auto identified = DecideIdentifyRectification(state_, kUnit, r);
  ASSERT_TRUE(identified.ok());
  EXPECT_EQ(identified->unit_id(), kUnit);
  ApplyOk(identified);
  EXPECT_EQ(DecideIdentifyRectification(state_, kUnit, r).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(RectificationTest, UnknownItemIsNotFound) {
  EXPECT_EQ(DecidePlanRectification(
                state_, Plan(v1::RECTIFICATION_CLASS_IMMEDIATE, "2026-08-01"))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST_F(RectificationTest, PlanNeedsAllFieldsAndRealDeadline) {
  Identify();
  auto plan = Plan(v1::RECTIFICATION_CLASS_IMMEDIATE, "2026-13-01");
  EXPECT_EQ(DecidePlanRectification(state_, plan).status().code(),
            absl::StatusCode::kInvalidArgument);
  plan = Plan(v1::RECTIFICATION_CLASS_UNSPECIFIED, "2026-08-01");
  EXPECT_EQ(DecidePlanRectification(state_, plan).status().code(),
            absl::StatusCode::kInvalidArgument);
  plan = Plan(v1::RECTIFICATION_CLASS_IMMEDIATE, "2026-08-01");
  plan.set_responsible_person("");
  EXPECT_EQ(DecidePlanRectification(state_, plan).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RectificationTest, ProgressOnlyAfterPlanAndWithinPercent) {
  Identify();
  EXPECT_THAT(Progress(10).status().message(), HasSubstr("not planned yet"));
  ApplyOk(DecidePlanRectification(
      state_, Plan(v1::RECTIFICATION_CLASS_WITH_EFFORT, "2026-08-01")));
  EXPECT_EQ(Progress(101).status().code(), absl::StatusCode::kInvalidArgument);
  ApplyOk(Progress(50));
  EXPECT_EQ(state_.percent_done, 50u);
}

TEST_F(RectificationTest, CompletedAtMostOnce) {
  Identify();
  EXPECT_EQ(Complete().status().code(), absl::StatusCode::kFailedPrecondition);
  ApplyOk(DecidePlanRectification(
      state_, Plan(v1::RECTIFICATION_CLASS_IMMEDIATE, "2026-08-01")));
  auto done = Complete();
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->completed_on(), kToday);
  ApplyOk(done);
  EXPECT_EQ(state_.status, v1::RECTIFICATION_STATUS_COMPLETED);
  EXPECT_THAT(Complete().status().message(), HasSubstr("already completed"));
  EXPECT_EQ(Progress(100).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(DecidePlanRectification(
                state_, Plan(v1::RECTIFICATION_CLASS_IMMEDIATE, "2026-09-01"))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RectificationTest, HardForNowIsClosedByExplanationOnly) {
  Identify();
  ApplyOk(DecidePlanRectification(
      state_, Plan(v1::RECTIFICATION_CLASS_HARD_FOR_NOW, "2026-08-01")));
  EXPECT_THAT(Complete().status().message(), HasSubstr("publish an"));
  ApplyOk(Explain());
  EXPECT_EQ(state_.status, v1::RECTIFICATION_STATUS_EXPLAINED);
  EXPECT_EQ(Explain().status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(RectificationTest, ExplanationOnlyForHardForNow) {
  Identify();
  ApplyOk(DecidePlanRectification(
      state_, Plan(v1::RECTIFICATION_CLASS_WITH_EFFORT, "2026-08-01")));
  EXPECT_THAT(Explain().status().message(),
              HasSubstr("only hard-for-now items"));
}

TEST_F(RectificationTest, OverdueFromDeadlineAndToday) {
  Identify();
  EXPECT_FALSE(IsOverdue(state_, "2030-01-01"));  // not planned: no deadline
  ApplyOk(DecidePlanRectification(
      state_, Plan(v1::RECTIFICATION_CLASS_WITH_EFFORT, "2026-07-14")));
  EXPECT_FALSE(IsOverdue(state_, "2026-07-14"));  // the deadline day itself
  EXPECT_TRUE(IsOverdue(state_, "2026-07-15"));
  EXPECT_TRUE(ToRectificationView(state_, "2026-07-15").overdue());
  ApplyOk(Complete());
  EXPECT_FALSE(IsOverdue(state_, "2026-07-15"));
}

}  // namespace
}  // namespace reporting::domain
