// Stage-transition (转段) and work-summary rules through gRPC, one test per
// rule: an in-process node with a real event log (testing/test_node.h).
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/county/testing/test_node.h"
#include "services/county/testing/transition_driver.h"

namespace reporting::county::testing {
namespace {

using grpc::StatusCode;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char kUnit[] = "371302-U0042";

class TransitionRulesTest : public ::testing::Test {
 protected:
  void SetUp() override { node_.Register(kUnit, 1, 2); }

  uint64_t Head() { return node_.log().GetHead().sequence; }

  // Brings the unit into analysis-and-evaluation with all eight checks
  // passed; members' opinions are left to the test.
  void IntoAnalysisWithChecks() {
    ASSERT_TRUE(unit_.WalkStage().ok());
    ASSERT_EQ(unit_.View().stage(), v1::STAGE_ANALYSIS_EVALUATION);
    ASSERT_TRUE(unit_.PassAllChecks().ok());
  }

  TestNode node_;
  TransitionDriver unit_{node_, kUnit};
};

TEST_F(TransitionRulesTest, SixStepsOnlyInOrder) {
  const uint64_t head = Head();
  // Nothing but step 1 is possible at the start.
  EXPECT_EQ(unit_.Survey(10, 0).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(unit_.Report().error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(unit_.Review(true).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(unit_.Approve(true).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(unit_.Meeting().error_code(), StatusCode::FAILED_PRECONDITION);
  grpc::Status early = unit_.CompleteSelfInspection();
  EXPECT_EQ(early.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(early.error_message(),
              HasSubstr("look-back check 1 (ideological understanding) is not "
                        "recorded yet"));
  EXPECT_EQ(Head(), head) << "refusals must not write";

  ASSERT_TRUE(unit_.PassAllChecks().ok());
  ASSERT_TRUE(unit_.CompleteSelfInspection().ok());
  EXPECT_EQ(unit_.View().next_step(), v1::TRANSITION_STEP_SURVEY);
  // Step 1 is closed now; step 3 onwards still wait for step 2.
  EXPECT_EQ(unit_.Check(v1::LOOK_BACK_CHECK_CRITICISM_DEPTH).error_code(),
            StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(unit_.Report().error_message(),
              HasSubstr("no satisfaction survey is recorded"));
  ASSERT_TRUE(unit_.Survey(20, 1).ok());
  EXPECT_EQ(unit_.Survey(20, 1).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(unit_.Review(true).error_code(), StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(unit_.Report().ok());
  EXPECT_EQ(unit_.Report().error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(unit_.View().next_step(), v1::TRANSITION_STEP_SUPERVISORY_REVIEW);
}

TEST_F(TransitionRulesTest, ApprovalOnlyAfterPassedReview) {
  ASSERT_TRUE(unit_.PassAllChecks().ok());
  ASSERT_TRUE(unit_.CompleteSelfInspection().ok());
  ASSERT_TRUE(unit_.Survey(20, 0).ok());
  ASSERT_TRUE(unit_.Report().ok());
  grpc::Status early = unit_.Approve(true);
  EXPECT_EQ(early.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(early.error_message(),
            "unit 371302-U0042 cannot record the approval: the transition "
            "report awaits the supervisory group's review (step 4)");
  ASSERT_TRUE(unit_.Review(true).ok());
  EXPECT_TRUE(unit_.Approve(true).ok());
  EXPECT_EQ(unit_.View().next_step(), v1::TRANSITION_STEP_MEETING);
}

TEST_F(TransitionRulesTest, ReturnedReviewSendsUnitBackToReport) {
  ASSERT_TRUE(unit_.PassAllChecks().ok());
  ASSERT_TRUE(unit_.CompleteSelfInspection().ok());
  ASSERT_TRUE(unit_.Survey(20, 0).ok());
  ASSERT_TRUE(unit_.Report().ok());
  ASSERT_TRUE(unit_.Review(false).ok());

  v1::GetBlockingReasonsResponse blocking = unit_.Blocking();
  EXPECT_EQ(blocking.next_step(), v1::TRANSITION_STEP_REPORT);
  ASSERT_EQ(blocking.reasons_size(), 1);
  EXPECT_EQ(blocking.reasons(0).code(),
            v1::BLOCKING_REASON_CODE_REPORT_RETURNED);
  EXPECT_THAT(blocking.reasons(0).message(), HasSubstr("报告过于简单"));
  EXPECT_FALSE(unit_.View().report_submitted());
  // Neither approval nor a second review before a new report.
  grpc::Status approve = unit_.Approve(true);
  EXPECT_EQ(approve.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(approve.error_message(),
              HasSubstr(blocking.reasons(0).message()));
  EXPECT_EQ(unit_.Review(true).error_code(), StatusCode::FAILED_PRECONDITION);

  ASSERT_TRUE(unit_.Report().ok());
  ASSERT_TRUE(unit_.Review(true).ok());
  EXPECT_TRUE(unit_.Approve(true).ok());
}

TEST_F(TransitionRulesTest, NodeLeadershipApprovedByCityLeadingGroupOnly) {
  v1::UnitRegistered committee;
  committee.set_unit_id("371302-U0001");
  committee.set_name("中共兰山区委员会");
  committee.set_batch(v1::BATCH_FIRST);
  committee.set_member_count(1);
  committee.set_node_leadership(true);
  ASSERT_TRUE(node_.Send(&Stub::RegisterUnit, committee).ok());
  TransitionDriver own{node_, "371302-U0001"};
  EXPECT_TRUE(own.View().node_leadership());
  EXPECT_FALSE(unit_.View().node_leadership());
  ASSERT_TRUE(own.ToApproval().ok());
  const uint64_t head = Head();
  grpc::Status by_county = own.ApproveAs(true, v1::APPROVER_NEXT_LEVEL_UP);
  EXPECT_EQ(by_county.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(by_county.error_message(),
            "unit 371302-U0001 is the node's own leadership: its transition "
            "report is approved by the city leading group (approver 2), not "
            "the next level up");
  EXPECT_EQ(Head(), head) << "refusals must not write";
  EXPECT_TRUE(own.ApproveAs(true, v1::APPROVER_CITY_LEADING_GROUP).ok());
  EXPECT_EQ(own.View().next_step(), v1::TRANSITION_STEP_MEETING);

  // Any other unit: the next level up, and the approver must be said.
  ASSERT_TRUE(unit_.ToApproval().ok());
  grpc::Status by_city = unit_.ApproveAs(true, v1::APPROVER_CITY_LEADING_GROUP);
  EXPECT_EQ(by_city.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(by_city.error_message(),
              HasSubstr("approved by the next level up (approver 1)"));
  grpc::Status unsaid = unit_.ApproveAs(true, v1::APPROVER_UNSPECIFIED);
  EXPECT_EQ(unsaid.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(unsaid.error_message(), HasSubstr("say who approved"));
  EXPECT_TRUE(unit_.ApproveAs(true, v1::APPROVER_NEXT_LEVEL_UP).ok());
}

TEST_F(TransitionRulesTest, RejectedApprovalSendsUnitBackToReport) {
  ASSERT_TRUE(unit_.PassAllChecks().ok());
  ASSERT_TRUE(unit_.CompleteSelfInspection().ok());
  ASSERT_TRUE(unit_.Survey(20, 0).ok());
  ASSERT_TRUE(unit_.Report().ok());
  ASSERT_TRUE(unit_.Review(true).ok());
  ASSERT_TRUE(unit_.Approve(false).ok());
  v1::GetBlockingReasonsResponse blocking = unit_.Blocking();
  EXPECT_EQ(blocking.next_step(), v1::TRANSITION_STEP_REPORT);
  ASSERT_EQ(blocking.reasons_size(), 1);
  EXPECT_EQ(blocking.reasons(0).code(),
            v1::BLOCKING_REASON_CODE_APPROVAL_REJECTED);
  EXPECT_EQ(unit_.Meeting().error_code(), StatusCode::FAILED_PRECONDITION);
  // Back through review and approval again.
  ASSERT_TRUE(unit_.Report().ok());
  EXPECT_EQ(unit_.Approve(true).error_code(), StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(unit_.Review(true).ok());
  ASSERT_TRUE(unit_.Approve(true).ok());
  EXPECT_TRUE(unit_.Meeting().ok());
}

TEST_F(TransitionRulesTest, MeetingOnlyAfterApprovalThenNextStage) {
  ASSERT_TRUE(unit_.PassAllChecks().ok());
  ASSERT_TRUE(unit_.CompleteSelfInspection().ok());
  ASSERT_TRUE(unit_.Survey(20, 0).ok());
  ASSERT_TRUE(unit_.Report().ok());
  ASSERT_TRUE(unit_.Review(true).ok());
  grpc::Status early = unit_.Meeting();
  EXPECT_EQ(early.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(early.error_message(), HasSubstr("awaits approval"));
  EXPECT_EQ(unit_.Blocking().reasons(0).code(),
            v1::BLOCKING_REASON_CODE_AWAITING_APPROVAL);
  ASSERT_TRUE(unit_.Approve(true).ok());
  EXPECT_EQ(unit_.Blocking().reasons(0).code(),
            v1::BLOCKING_REASON_CODE_AWAITING_MEETING);
  ASSERT_TRUE(unit_.Meeting().ok());

  v1::UnitView view = unit_.View();
  EXPECT_EQ(view.stage(), v1::STAGE_ANALYSIS_EVALUATION);
  EXPECT_EQ(view.next_step(), v1::TRANSITION_STEP_SELF_INSPECTION);
  EXPECT_EQ(view.checks_passed_size(), 0);
  EXPECT_FALSE(view.has_latest_survey());
}

TEST_F(TransitionRulesTest, UnitCompletesAfterThirdStage) {
  ASSERT_TRUE(unit_.WalkStage().ok());
  for (int m = 1; m <= 2; ++m) {
    ASSERT_TRUE(unit_.EvaluateAndSign(unit_.Member(m)).ok());
  }
  ASSERT_TRUE(unit_.WalkStage().ok());
  EXPECT_EQ(unit_.View().stage(), v1::STAGE_RECTIFICATION_IMPROVEMENT);
  ASSERT_TRUE(unit_.WalkStage().ok());
  v1::UnitView view = unit_.View();
  EXPECT_EQ(view.stage(), v1::STAGE_COMPLETED);
  EXPECT_EQ(view.next_step(), v1::TRANSITION_STEP_UNSPECIFIED);
  EXPECT_EQ(view.blocking_size(), 0);
  EXPECT_THAT(unit_.PassAllChecks().error_message(),
              HasSubstr("completed all three stages"));
}

TEST_F(TransitionRulesTest, SurveyOverTenPercentBlocksReportUntilRemediation) {
  ASSERT_TRUE(unit_.PassAllChecks().ok());
  ASSERT_TRUE(unit_.CompleteSelfInspection().ok());
  ASSERT_TRUE(unit_.Survey(40, 30, 5, 5).ok());  // 12.5%
  const uint64_t head = Head();
  grpc::Status report = unit_.Report();
  EXPECT_EQ(report.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(report.error_message(),
            "unit 371302-U0042 cannot submit its transition report: latest "
            "survey has 12.5% dissatisfied (over 10%); record remediation and "
            "a new survey first");
  v1::GetBlockingReasonsResponse blocking = unit_.Blocking();
  ASSERT_EQ(blocking.reasons_size(), 1);
  EXPECT_EQ(blocking.reasons(0).code(),
            v1::BLOCKING_REASON_CODE_REMEDIATION_REQUIRED);
  EXPECT_THAT(report.error_message(), HasSubstr(blocking.reasons(0).message()));
  // A new survey cannot replace remediation.
  EXPECT_EQ(unit_.Survey(40, 0).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Head(), head);

  ASSERT_TRUE(unit_.Remediate().ok());
  EXPECT_EQ(unit_.Blocking().reasons(0).code(),
            v1::BLOCKING_REASON_CODE_RESURVEY_REQUIRED);
  EXPECT_EQ(unit_.Report().error_code(), StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(unit_.Survey(40, 35, 0, 5).ok());  // still 12.5%
  EXPECT_EQ(unit_.Report().error_code(), StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(unit_.Remediate().ok());
  ASSERT_TRUE(unit_.Survey(40, 37, 0, 3).ok());  // 7.5%
  v1::UnitView view = unit_.View();
  EXPECT_EQ(view.latest_survey().survey_number(), 3u);
  EXPECT_DOUBLE_EQ(view.latest_survey().dissatisfied_percent(), 7.5);
  EXPECT_TRUE(unit_.Report().ok());
}

TEST_F(TransitionRulesTest, ExactlyTenPercentDissatisfiedPasses) {
  ASSERT_TRUE(unit_.PassAllChecks().ok());
  ASSERT_TRUE(unit_.CompleteSelfInspection().ok());
  ASSERT_TRUE(unit_.Survey(50, 40, 5, 5).ok());  // exactly 10%
  EXPECT_EQ(unit_.Remediate().error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(unit_.Report().ok());
}

TEST_F(TransitionRulesTest, RemediationOnlyAfterSurveyOverTenPercent) {
  ASSERT_TRUE(unit_.PassAllChecks().ok());
  ASSERT_TRUE(unit_.CompleteSelfInspection().ok());
  grpc::Status none = unit_.Remediate();
  EXPECT_EQ(none.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(none.error_message(), HasSubstr("no survey is recorded"));
}

TEST_F(TransitionRulesTest, ImpossibleSurveyNumbersRefusedBeforeWriting) {
  ASSERT_TRUE(unit_.PassAllChecks().ok());
  ASSERT_TRUE(unit_.CompleteSelfInspection().ok());
  const uint64_t head = Head();
  // More dissatisfied than respondents.
  grpc::Status s = unit_.Survey(10, 0, 0, 11);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("11 dissatisfied but only 10"));
  // Answers that only fit if the sum wrapped around 2^32 ("negative").
  EXPECT_EQ(unit_.Survey(10, 4294967295u, 6, 5).error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(unit_.Survey(10, 6, 3, 2).error_code(),
            StatusCode::INVALID_ARGUMENT);
  // Nobody asked.
  EXPECT_EQ(unit_.Survey(0, 0, 0, 0).error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(unit_.Survey(4294967295u, 0, 0, 4294967295u).error_code(),
            grpc::StatusCode::OK)
      << "a huge but consistent survey is possible (and fails the 10% rule)";
  EXPECT_EQ(Head(), head + 1);
  EXPECT_EQ(unit_.Blocking().reasons(0).code(),
            v1::BLOCKING_REASON_CODE_REMEDIATION_REQUIRED);
}

TEST_F(TransitionRulesTest, CannotLeaveAnalysisWithUnsignedOpinion) {
  IntoAnalysisWithChecks();
  const std::string m1 = unit_.Member(1), m2 = unit_.Member(2);
  ASSERT_TRUE(unit_.EvaluateAndSign(m1).ok());
  ASSERT_TRUE(unit_.Record(m2).ok());
  ASSERT_TRUE(unit_.Show(m2).ok());

  const uint64_t head = Head();
  grpc::Status s = unit_.CompleteSelfInspection();
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(),
            "unit 371302-U0042 cannot complete its self-inspection: member "
            "371302-U0042-M0002: opinion shown but not signed");
  EXPECT_EQ(Head(), head);
  v1::GetBlockingReasonsResponse blocking = unit_.Blocking();
  ASSERT_EQ(blocking.reasons_size(), 1);
  EXPECT_EQ(blocking.reasons(0).code(),
            v1::BLOCKING_REASON_CODE_EVALUATION_UNSIGNED);
  EXPECT_EQ(blocking.reasons(0).subject(), m2);

  ASSERT_TRUE(unit_.Sign(m2).ok());
  EXPECT_TRUE(unit_.CompleteSelfInspection().ok());
}

TEST_F(TransitionRulesTest, CannotLeaveAnalysisWithMissingOpinion) {
  IntoAnalysisWithChecks();
  ASSERT_TRUE(unit_.EvaluateAndSign(unit_.Member(1)).ok());
  grpc::Status s = unit_.CompleteSelfInspection();
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(),
              HasSubstr("member 371302-U0042-M0002: no opinion is recorded for "
                        "the first batch"));
  EXPECT_EQ(unit_.Blocking().reasons(0).code(),
            v1::BLOCKING_REASON_CODE_EVALUATION_MISSING);
}

TEST_F(TransitionRulesTest, CannotLeaveAnalysisWithoutTransformationMeasure) {
  IntoAnalysisWithChecks();
  const std::string m1 = unit_.Member(1), m2 = unit_.Member(2);
  ASSERT_TRUE(unit_.EvaluateAndSign(m1).ok());
  ASSERT_TRUE(unit_.EvaluateAndSign(m2, v1::RATING_UNQUALIFIED).ok());
  grpc::Status s = unit_.CompleteSelfInspection();
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(),
              HasSubstr("member 371302-U0042-M0002 is rated unqualified: "
                        "assign an education-transformation measure with a "
                        "named helper"));
  v1::GetBlockingReasonsResponse blocking = unit_.Blocking();
  ASSERT_EQ(blocking.reasons_size(), 1);
  EXPECT_EQ(blocking.reasons(0).code(),
            v1::BLOCKING_REASON_CODE_TRANSFORMATION_MEASURE_MISSING);
  ASSERT_TRUE(unit_.AssignMeasure(m2).ok());
  EXPECT_TRUE(unit_.CompleteSelfInspection().ok());
}

TEST_F(TransitionRulesTest, LateMemberBlocksLeavingAnalysisAtTheMeeting) {
  IntoAnalysisWithChecks();
  ASSERT_TRUE(unit_.EvaluateAndSign(unit_.Member(1)).ok());
  ASSERT_TRUE(unit_.EvaluateAndSign(unit_.Member(2)).ok());
  ASSERT_TRUE(unit_.CompleteSelfInspection().ok());
  ASSERT_TRUE(unit_.Survey(20, 0).ok());
  ASSERT_TRUE(unit_.Report().ok());
  ASSERT_TRUE(unit_.Review(true).ok());
  ASSERT_TRUE(unit_.Approve(true).ok());
  // A member registered now has no opinion: the unit cannot leave.
  v1::MemberRegistered late;
  late.set_member_id("371302-U0042-M0009");
  late.set_branch_id(TestNode::Branch(kUnit, 1));
  late.set_name("党员9");
  ASSERT_TRUE(node_.Send(&Stub::RegisterMember, late).ok());
  grpc::Status s = unit_.Meeting();
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("371302-U0042-M0009"));
  ASSERT_TRUE(unit_.EvaluateAndSign("371302-U0042-M0009").ok());
  EXPECT_TRUE(unit_.Meeting().ok());
}

TEST_F(TransitionRulesTest, StageNamedInRequestMustBeCurrent) {
  v1::SelfInspectionCompleted e;
  e.set_unit_id(kUnit);
  e.set_stage(v1::STAGE_ANALYSIS_EVALUATION);
  grpc::Status s = node_.Send(&Stub::CompleteSelfInspection, e);
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("in stage study and mobilisation"));
}

TEST_F(TransitionRulesTest,
       UnknownForeignAndMalformedUnitsRefusedBeforeWriting) {
  const uint64_t head = Head();
  TransitionDriver unknown(node_, "371302-U0999");
  EXPECT_EQ(unknown.Check(v1::LOOK_BACK_CHECK_CRITICISM_DEPTH).error_code(),
            StatusCode::NOT_FOUND);
  EXPECT_EQ(unknown.Survey(10, 0).error_code(), StatusCode::NOT_FOUND);
  TransitionDriver foreign(node_, "371311-U0042");
  EXPECT_EQ(foreign.Report().error_code(), StatusCode::PERMISSION_DENIED);
  TransitionDriver malformed(node_, "371302/U42");
  EXPECT_EQ(malformed.Meeting().error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(unit_.Check(v1::LOOK_BACK_CHECK_UNSPECIFIED).error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      unit_.Check(v1::LOOK_BACK_CHECK_CRITICISM_DEPTH, true, "  ").error_code(),
      StatusCode::INVALID_ARGUMENT);
  unknown.View();
  EXPECT_EQ(unknown.last_read().error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(Head(), head);
}

TEST_F(TransitionRulesTest, RetriedCommandIsAnsweredOnce) {
  v1::SelfInspectionCheckRecorded e;
  e.set_unit_id(kUnit);
  e.set_check(v1::LOOK_BACK_CHECK_PROBLEMS_ACCURACY);
  e.set_finding("问题查摆准确");
  e.set_passed(true);
  const v1::CommandMeta meta = node_.Meta();
  v1::CommandResult first, again;
  ASSERT_TRUE(
      node_.Send(&Stub::RecordSelfInspectionCheck, e, &first, &meta).ok());
  ASSERT_TRUE(
      node_.Send(&Stub::RecordSelfInspectionCheck, e, &again, &meta).ok());
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.first_sequence(), first.first_sequence());
  EXPECT_THAT(unit_.View().checks_passed(),
              ElementsAre(v1::LOOK_BACK_CHECK_PROBLEMS_ACCURACY));
}

TEST_F(TransitionRulesTest, WorkSummaryNeedsSevenPartsOncePerReachedStage) {
  v1::StageWorkSummaryFiled partial;
  partial.set_unit_id(kUnit);
  partial.set_basic_situation("基本情况");
  grpc::Status s = node_.Send(&Stub::FileWorkSummary, partial);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("main practices"));
  EXPECT_EQ(unit_.Summary(v1::STAGE_ANALYSIS_EVALUATION).error_code(),
            StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(unit_.Summary().ok());
  EXPECT_EQ(unit_.Summary().error_code(), StatusCode::ALREADY_EXISTS);
  ASSERT_TRUE(unit_.WalkStage().ok());
  EXPECT_EQ(unit_.Summary(v1::STAGE_STUDY_MOBILISATION).error_code(),
            StatusCode::ALREADY_EXISTS);
  ASSERT_TRUE(unit_.Summary(v1::STAGE_ANALYSIS_EVALUATION).ok());
  EXPECT_THAT(
      unit_.View().summaries_filed(),
      ElementsAre(v1::STAGE_STUDY_MOBILISATION, v1::STAGE_ANALYSIS_EVALUATION));
}

}  // namespace
}  // namespace reporting::county::testing
