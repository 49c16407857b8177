// Scenario: two units, one of each batch, through all three stages on one
// in-process node, with a returned report, a failed survey and its
// remediation, a disputed evaluation, rectification items and a census,
// checking what the clerk reads (GetUnit, GetBlockingReasons) on the way.
//
// The same scenario runs twice: straight through, and with the node
// restarted (log closed and reopened) between the stages; the final views
// and the log head must be identical.
#include <functional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/county/testing/test_node.h"
#include "services/county/testing/transition_driver.h"

namespace reporting::county::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char kOrgan[] = "371302-U0001";      // first batch: an organ (机关)
const char kCommunity[] = "371302-U0101";  // second batch: a community (社区)

#define OK(expr)                                                           \
  do {                                                                     \
    grpc::Status ok_status_ = (expr);                                      \
    ASSERT_TRUE(ok_status_.ok()) << #expr << ": " << Describe(ok_status_); \
  } while (0)

std::vector<v1::BlockingReasonCode> Codes(
    const v1::GetBlockingReasonsResponse& r) {
  std::vector<v1::BlockingReasonCode> codes;
  for (const auto& reason : r.reasons()) codes.push_back(reason.code());
  return codes;
}

struct Outcome {
  v1::UnitView organ;
  v1::UnitView community;
  uint64_t head = 0;
};

class Scenario {
 public:
  // `between_stages` runs after each stage of both units.
  Scenario(TestNode& node, std::function<void()> between_stages)
      : node_(node), between_(std::move(between_stages)) {}

  void Run(Outcome* out) {
    node_.Register(kOrgan, 2, 2, v1::BATCH_FIRST);
    node_.Register(kCommunity, 1, 3, v1::BATCH_SECOND);
    ASSERT_NO_FATAL_FAILURE(StudyStage());
    between_();
    ASSERT_NO_FATAL_FAILURE(AnalysisStage());
    between_();
    ASSERT_NO_FATAL_FAILURE(RectificationStage());
    between_();
    out->organ = organ_.View();
    out->community = community_.View();
    out->head = node_.log().GetHead().sequence;
  }

 private:
  // Stage 1: the organ's report is returned once by the supervisory group.
  void StudyStage() {
    v1::UnitView view = organ_.View();
    EXPECT_EQ(view.stage(), v1::STAGE_STUDY_MOBILISATION);
    EXPECT_EQ(view.batch(), v1::BATCH_FIRST);
    EXPECT_EQ(view.members_registered(), 4u);
    EXPECT_EQ(view.branches_registered(), 2u);
    EXPECT_EQ(view.next_step(), v1::TRANSITION_STEP_SELF_INSPECTION);
    EXPECT_EQ(view.blocking_size(), 8);

    OK(organ_.PassAllChecks());
    OK(organ_.CompleteSelfInspection());
    OK(organ_.Survey(120, 100, 15, 5));
    OK(organ_.Report());
    OK(organ_.Review(false));
    v1::GetBlockingReasonsResponse blocking = organ_.Blocking();
    EXPECT_EQ(blocking.next_step(), v1::TRANSITION_STEP_REPORT);
    EXPECT_THAT(Codes(blocking),
                ElementsAre(v1::BLOCKING_REASON_CODE_REPORT_RETURNED));
    EXPECT_EQ(organ_.Approve(true).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
    OK(organ_.Report());
    OK(organ_.Review(true));
    OK(organ_.Approve(true));
    OK(organ_.Meeting());
    OK(organ_.Summary(v1::STAGE_STUDY_MOBILISATION));

    // The community corrects a failed look-back check before completing.
    OK(community_.PassAllChecks());
    OK(community_.Check(v1::LOOK_BACK_CHECK_ORGANISATION_LEADERSHIP, false,
                        "领导小组未按时调度"));
    EXPECT_THAT(community_.CompleteSelfInspection().error_message(),
                HasSubstr("领导小组未按时调度"));
    OK(community_.Check(v1::LOOK_BACK_CHECK_ORGANISATION_LEADERSHIP));
    OK(community_.CompleteSelfInspection());
    OK(community_.Survey(60, 50, 6, 4));
    OK(community_.Report());
    OK(community_.Review(true));
    OK(community_.Approve(true));
    OK(community_.Meeting());

    EXPECT_EQ(organ_.View().stage(), v1::STAGE_ANALYSIS_EVALUATION);
    EXPECT_EQ(community_.View().stage(), v1::STAGE_ANALYSIS_EVALUATION);
  }

  // Stage 2: the organ has a disputed opinion and a basically qualified
  // member; the community's first survey is over 10%.
  void AnalysisStage() {
    // Nothing evaluated yet: every member blocks the way out.
    OK(organ_.PassAllChecks());
    v1::GetBlockingReasonsResponse blocking = organ_.Blocking();
    EXPECT_THAT(Codes(blocking),
                ElementsAre(v1::BLOCKING_REASON_CODE_EVALUATION_MISSING,
                            v1::BLOCKING_REASON_CODE_EVALUATION_MISSING,
                            v1::BLOCKING_REASON_CODE_EVALUATION_MISSING,
                            v1::BLOCKING_REASON_CODE_EVALUATION_MISSING));

    const std::string m1 = organ_.Member(1), m2 = organ_.Member(2),
                      m3 = organ_.Member(3), m4 = organ_.Member(4);
    OK(organ_.EvaluateAndSign(m1, v1::RATING_EXCELLENT));
    OK(organ_.Record(m2, v1::RATING_BASICALLY_QUALIFIED));
    OK(organ_.Show(m2));
    OK(organ_.Dispute(m2));
    OK(organ_.EvaluateAndSign(m3, v1::RATING_BASICALLY_QUALIFIED));
    OK(organ_.EvaluateAndSign(m4));
    blocking = organ_.Blocking();
    EXPECT_THAT(
        Codes(blocking),
        ElementsAre(v1::BLOCKING_REASON_CODE_EVALUATION_UNSIGNED,
                    v1::BLOCKING_REASON_CODE_TRANSFORMATION_MEASURE_MISSING,
                    v1::BLOCKING_REASON_CODE_TRANSFORMATION_MEASURE_MISSING));
    EXPECT_EQ(blocking.reasons(0).subject(), m2);
    EXPECT_THAT(blocking.reasons(0).message(), HasSubstr("opinion disputed"));
    grpc::Status refused = organ_.CompleteSelfInspection();
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_THAT(refused.error_message(),
                HasSubstr(blocking.reasons(0).message()));

    // The dispute is settled: revised to qualified, shown again, signed.
    OK(organ_.Revise(m2, v1::RATING_QUALIFIED));
    EXPECT_EQ(organ_.Sign(m2).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
    OK(organ_.Show(m2));
    OK(organ_.Sign(m2));
    EXPECT_THAT(
        Codes(organ_.Blocking()),
        ElementsAre(v1::BLOCKING_REASON_CODE_TRANSFORMATION_MEASURE_MISSING));
    OK(organ_.AssignMeasure(m3));
    EXPECT_EQ(organ_.Blocking().reasons_size(), 0);
    OK(organ_.CompleteSelfInspection());
    OK(organ_.Survey(80, 70, 5, 5));
    OK(organ_.Report());
    OK(organ_.Review(true));
    OK(organ_.Approve(true));
    OK(organ_.Meeting());
    // The summary of a finished stage can be filed after leaving it.
    OK(organ_.Summary(v1::STAGE_ANALYSIS_EVALUATION));

    for (int m = 1; m <= 2; ++m) {
      OK(community_.EvaluateAndSign(community_.Member(m)));
    }
    OK(community_.EvaluateAndSign(community_.Member(3),
                                  v1::RATING_UNQUALIFIED));
    OK(community_.AssignMeasure(community_.Member(3), "社区书记"));
    OK(community_.PassAllChecks());
    OK(community_.CompleteSelfInspection());
    OK(community_.Survey(200, 150, 20, 30));  // 15%
    v1::UnitView view = community_.View();
    EXPECT_EQ(view.next_step(), v1::TRANSITION_STEP_SURVEY);
    EXPECT_DOUBLE_EQ(view.latest_survey().dissatisfied_percent(), 15.0);
    EXPECT_FALSE(view.latest_survey().remediation_recorded());
    grpc::Status report = community_.Report();
    EXPECT_EQ(report.error_message(),
              "unit 371302-U0101 cannot submit its transition report: latest "
              "survey has 15% dissatisfied (over 10%); record remediation and "
              "a new survey first");
    OK(community_.Remediate());
    EXPECT_TRUE(community_.View().latest_survey().remediation_recorded());
    EXPECT_THAT(Codes(community_.Blocking()),
                ElementsAre(v1::BLOCKING_REASON_CODE_RESURVEY_REQUIRED));
    OK(community_.Survey(200, 170, 20, 10));  // 5%
    EXPECT_EQ(community_.View().latest_survey().survey_number(), 2u);
    OK(community_.Report());
    OK(community_.Review(true));
    OK(community_.Approve(true));
    OK(community_.Meeting());
    EXPECT_EQ(community_.View().stage(), v1::STAGE_RECTIFICATION_IMPROVEMENT);
  }

  // Stage 3: rectification items and the census, then both units finish.
  void RectificationStage() {
    v1::RectificationItemIdentified item;
    item.set_item_id("371302-U0001-R001");
    item.set_kind(v1::RECTIFICATION_KIND_CONDUCT);
    item.set_description("文山会海, 会议过多");
    OK(node_.Send(&Stub::IdentifyRectification, item));
    v1::RectificationItemPlanned plan;
    plan.set_item_id(item.item_id());
    plan.set_measures("压缩会议数量三分之一");
    plan.set_responsible_person("办公室主任");
    plan.set_deadline("2099-12-31");
    plan.set_class_(v1::RECTIFICATION_CLASS_IMMEDIATE);
    OK(node_.Send(&Stub::PlanRectification, plan));
    v1::RectificationItemCompleted done;
    done.set_item_id(item.item_id());
    done.set_evidence("会议台账");
    OK(node_.Send(&Stub::CompleteRectification, done));

    item.set_item_id("371302-U0101-R001");
    item.set_kind(v1::RECTIFICATION_KIND_PUBLIC_VITAL_INTERESTS);
    item.set_description("老旧小区无电梯");
    OK(node_.Send(&Stub::IdentifyRectification, item));
    plan.set_item_id(item.item_id());
    plan.set_class_(v1::RECTIFICATION_CLASS_HARD_FOR_NOW);
    OK(node_.Send(&Stub::PlanRectification, plan));
    v1::RectificationExplanationPublished explained;
    explained.set_item_id(item.item_id());
    explained.set_cause("需统一规划和资金");
    explained.set_next_steps("列入旧改计划");
    OK(node_.Send(&Stub::PublishRectificationExplanation, explained));

    v1::CensusReported census;
    census.set_unit_id(kOrgan);
    census.set_condition(v1::ORGANISATION_CONDITION_NORMAL);
    census.set_secretary_able_to_lead(true);
    census.mutable_floating()->set_total(3);
    census.mutable_floating()->set_contactable(3);
    census.mutable_floating()->set_temporary_relation(1);
    v1::CensusProblem* problem = census.add_main_problems();
    problem->set_problem_id("P1");
    problem->set_description("流动党员教育管理薄弱");
    OK(node_.Send(&Stub::ReportCensus, census));
    v1::CensusProblemResolved resolved;
    resolved.set_unit_id(kOrgan);
    resolved.set_problem_id("P1");
    resolved.set_resolution("建立流动党员微信群");
    OK(node_.Send(&Stub::ResolveCensusProblem, resolved));

    for (TransitionDriver* unit : {&organ_, &community_}) {
      OK(unit->WalkStage());
      OK(unit->Summary(v1::STAGE_RECTIFICATION_IMPROVEMENT));
      v1::UnitView view = unit->View();
      EXPECT_EQ(view.stage(), v1::STAGE_COMPLETED);
      EXPECT_EQ(view.next_step(), v1::TRANSITION_STEP_UNSPECIFIED);
      EXPECT_EQ(view.blocking_size(), 0);
    }
    EXPECT_THAT(
        organ_.View().summaries_filed(),
        ElementsAre(v1::STAGE_STUDY_MOBILISATION, v1::STAGE_ANALYSIS_EVALUATION,
                    v1::STAGE_RECTIFICATION_IMPROVEMENT));
  }

  TestNode& node_;
  std::function<void()> between_;
  TransitionDriver organ_{node_, kOrgan};
  TransitionDriver community_{node_, kCommunity};
};

// Views compared without their stream versions' origin: both runs must
// produce the same state and the same number of events.
TEST(ScenarioTest, BothBatchesThroughAllThreeStages) {
  TestNode node;
  Outcome straight;
  Scenario(node, [] {}).Run(&straight);
  if (HasFatalFailure()) return;

  TestNode restarted_node;
  Outcome restarted;
  Scenario(restarted_node, [&] { restarted_node.Restart(); }).Run(&restarted);
  if (HasFatalFailure()) return;

  EXPECT_EQ(straight.head, restarted.head);
  EXPECT_EQ(straight.organ.SerializeAsString(),
            restarted.organ.SerializeAsString());
  EXPECT_EQ(straight.community.SerializeAsString(),
            restarted.community.SerializeAsString());
}

}  // namespace
}  // namespace reporting::county::testing
