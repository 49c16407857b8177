// Rectification (整改) rules through gRPC, one test per rule, and
// GetRectification. The node's clock is pinned so "overdue" is exact.
#include <atomic>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/county/testing/test_node.h"

namespace reporting::county::testing {
namespace {

using grpc::StatusCode;
using ::testing::HasSubstr;

const char kUnit[] = "371302-U0042";
const char kItem[] = "371302-U0042-R003";

int64_t NoonOn(int y, int m, int d) {
  return absl::ToUnixMicros(absl::FromCivil(
      absl::CivilSecond(y, m, d, 12, 0, 0), absl::LocalTimeZone()));
}

class RectificationRulesTest : public ::testing::Test {
 protected:
  RectificationRulesTest()
      : node_([this] {
          TestNodeOptions options;
          options.now_us = [this] { return now_us_.load(); };
          return options;
        }()) {}
  void SetUp() override { node_.Register(kUnit, 1, 1); }

  uint64_t Head() { return node_.log().GetHead().sequence; }

  grpc::Status Identify(const std::string& item = kItem,
                        v1::RectificationKind kind =
                            v1::RECTIFICATION_KIND_PUBLIC_VITAL_INTERESTS) {
    v1::RectificationItemIdentified e;
    e.set_item_id(item);
    e.set_kind(kind);
    e.set_description("群众办事排队时间长");
    return node_.Send(&Stub::IdentifyRectification, e);
  }
  grpc::Status Plan(v1::RectificationClass c,
                    const std::string& deadline = "2026-08-31") {
    v1::RectificationItemPlanned e;
    e.set_item_id(kItem);
    e.set_measures("增设窗口, 推行预约办理");
    e.set_responsible_person("李主任");
    e.set_deadline(deadline);
    e.set_class_(c);
    return node_.Send(&Stub::PlanRectification, e);
  }
  grpc::Status Progress(uint32_t percent) {
    v1::RectificationProgressReported e;
    e.set_item_id(kItem);
    e.set_progress("两个新窗口已开放");
    e.set_percent_done(percent);
    return node_.Send(&Stub::ReportRectificationProgress, e);
  }
  grpc::Status Complete() {
    v1::RectificationItemCompleted e;
    e.set_item_id(kItem);
    e.set_evidence("排队时间统计表");
    return node_.Send(&Stub::CompleteRectification, e);
  }
  grpc::Status Explain() {
    v1::RectificationExplanationPublished e;
    e.set_item_id(kItem);
    e.set_cause("需新建办事大厅, 当年无法完成");
    e.set_next_steps("已列入明年建设计划");
    return node_.Send(&Stub::PublishRectificationExplanation, e);
  }
  v1::RectificationView View(grpc::Status* status = nullptr) {
    v1::GetRectificationRequest request;
    request.set_item_id(kItem);
    v1::RectificationView view;
    grpc::ClientContext ctx;
    grpc::Status s = node_.clerk().GetRectification(&ctx, request, &view);
    if (status != nullptr) *status = s;
    return view;
  }

  std::atomic<int64_t> now_us_{NoonOn(2026, 7, 15)};
  TestNode node_;
};

TEST_F(RectificationRulesTest, IdentifyNeedsKindAndRegisteredUnitOnce) {
  const uint64_t head = Head();
  EXPECT_EQ(Identify(kItem, v1::RECTIFICATION_KIND_UNSPECIFIED).error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Identify("371302-U0077-R001").error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(Identify("371311-U0042-R001").error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Identify("371302-U0042-X1").error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Head(), head);
  ASSERT_TRUE(Identify().ok());
  EXPECT_EQ(Identify().error_code(), StatusCode::ALREADY_EXISTS);
  v1::RectificationView view = View();
  EXPECT_EQ(view.status(), v1::RECTIFICATION_STATUS_IDENTIFIED);
  EXPECT_EQ(view.unit_id(), kUnit);
}

TEST_F(RectificationRulesTest, PlannedBeforeProgress) {
  ASSERT_TRUE(Identify().ok());
  grpc::Status early = Progress(30);
  EXPECT_EQ(early.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(early.error_message(), HasSubstr("not planned yet"));
  EXPECT_EQ(
      Plan(v1::RECTIFICATION_CLASS_WITH_EFFORT, "2026-02-30").error_code(),
      StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Plan(v1::RECTIFICATION_CLASS_UNSPECIFIED).error_code(),
            StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Plan(v1::RECTIFICATION_CLASS_WITH_EFFORT).ok());
  ASSERT_TRUE(Progress(30).ok());
  v1::RectificationView view = View();
  EXPECT_EQ(view.status(), v1::RECTIFICATION_STATUS_PLANNED);
  EXPECT_EQ(view.percent_done(), 30u);
  EXPECT_EQ(view.deadline(), "2026-08-31");
}

TEST_F(RectificationRulesTest, ImpossiblePercentRefusedBeforeWriting) {
  ASSERT_TRUE(Identify().ok());
  ASSERT_TRUE(Plan(v1::RECTIFICATION_CLASS_IMMEDIATE).ok());
  const uint64_t head = Head();
  EXPECT_EQ(Progress(101).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Progress(4294967295u).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Head(), head);
}

TEST_F(RectificationRulesTest, CompletedAtMostOnce) {
  ASSERT_TRUE(Identify().ok());
  EXPECT_EQ(Complete().error_code(), StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Plan(v1::RECTIFICATION_CLASS_IMMEDIATE).ok());
  ASSERT_TRUE(Complete().ok());
  const uint64_t head = Head();
  grpc::Status again = Complete();
  EXPECT_EQ(again.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(again.error_message(),
              HasSubstr("already completed on 2026-07-15"));
  EXPECT_EQ(Progress(100).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Head(), head);
  v1::RectificationView view = View();
  EXPECT_EQ(view.status(), v1::RECTIFICATION_STATUS_COMPLETED);
  EXPECT_EQ(view.percent_done(), 100u);
}

TEST_F(RectificationRulesTest, HardForNowClosedByExplanationNotCompletion) {
  ASSERT_TRUE(Identify().ok());
  ASSERT_TRUE(Plan(v1::RECTIFICATION_CLASS_HARD_FOR_NOW).ok());
  grpc::Status complete = Complete();
  EXPECT_EQ(complete.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(complete.error_message(), HasSubstr("publish an explanation"));
  ASSERT_TRUE(Explain().ok());
  EXPECT_EQ(View().status(), v1::RECTIFICATION_STATUS_EXPLAINED);
  EXPECT_EQ(Explain().error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Complete().error_code(), StatusCode::FAILED_PRECONDITION);
}

TEST_F(RectificationRulesTest, ExplanationOnlyForHardForNow) {
  ASSERT_TRUE(Identify().ok());
  ASSERT_TRUE(Plan(v1::RECTIFICATION_CLASS_WITH_EFFORT).ok());
  grpc::Status s = Explain();
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("complete it with evidence"));
}

TEST_F(RectificationRulesTest, OverdueFollowsDeadlineAndNodeClock) {
  ASSERT_TRUE(Identify().ok());
  ASSERT_TRUE(Plan(v1::RECTIFICATION_CLASS_WITH_EFFORT, "2026-07-31").ok());
  EXPECT_FALSE(View().overdue());
  now_us_ = NoonOn(2026, 7, 31);  // the deadline day itself
  EXPECT_FALSE(View().overdue());
  now_us_ = NoonOn(2026, 8, 1);
  EXPECT_TRUE(View().overdue());
  // Completing it late ends the overdue state.
  ASSERT_TRUE(Complete().ok());
  EXPECT_FALSE(View().overdue());
}

TEST_F(RectificationRulesTest, ExplainedItemIsNotOverdue) {
  ASSERT_TRUE(Identify().ok());
  ASSERT_TRUE(Plan(v1::RECTIFICATION_CLASS_HARD_FOR_NOW, "2026-07-01").ok());
  EXPECT_TRUE(View().overdue());
  ASSERT_TRUE(Explain().ok());
  EXPECT_FALSE(View().overdue());
}

TEST_F(RectificationRulesTest, UnknownItemNotFound) {
  grpc::Status read;
  View(&read);
  EXPECT_EQ(read.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(Plan(v1::RECTIFICATION_CLASS_IMMEDIATE).error_code(),
            StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace reporting::county::testing
