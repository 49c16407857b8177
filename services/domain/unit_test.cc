#include "services/domain/unit.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/blocking_side.h"

namespace reporting::domain {
namespace {

using ::testing::HasSubstr;

constexpr char kUnit[] = "371302-U0042";
constexpr char kToday[] = "2026-07-15";

class UnitTest : public ::testing::Test {
 protected:
  template <typename M>
  void Apply(const M& event) {
    v1::EventEnvelope e;
    e.set_stream_id(std::string("unit/") + kUnit);
    e.set_stream_version(events_.size() + 1);
    e.set_event_type(std::string(M::descriptor()->full_name()));
    e.set_recorded_at_us(1000 * static_cast<int64_t>(events_.size() + 1));
    e.set_payload(event.SerializeAsString());
    events_.push_back(e);
    auto folded = FoldUnit(events_);
    ASSERT_TRUE(folded.ok()) << folded.status();
    state_ = *folded;
  }
  template <typename M>
  void ApplyOk(const absl::StatusOr<M>& decided) {
    ASSERT_TRUE(decided.ok()) << decided.status();
    Apply(*decided);
  }

  void Register(v1::Batch batch = v1::BATCH_FIRST, uint32_t members = 0,
                bool node_leadership = false) {
    v1::UnitRegistered u;
    u.set_unit_id(kUnit);
    u.set_name("兰山区委办公室");
    u.set_batch(batch);
    u.set_member_count(members);
    u.set_node_leadership(node_leadership);
    Apply(u);
  }
  void AddMember(const std::string& member_id) {
    v1::MemberRegistered m;
    m.set_member_id(member_id);
    m.set_unit_id(kUnit);
    m.set_branch_id(std::string(kUnit) + "-B01");
    Apply(m);
  }

  void PassChecks() {
    for (int c = 1; c <= kLookBackCheckCount; ++c) {
      v1::SelfInspectionCheckRecorded r;
      r.set_unit_id(kUnit);
      r.set_check(static_cast<v1::LookBackCheck>(c));
      r.set_finding("in place");
      r.set_passed(true);
      ApplyOk(DecideRecordSelfInspectionCheck(state_, r));
    }
  }
  absl::StatusOr<v1::SelfInspectionCompleted> Complete() {
    v1::SelfInspectionCompleted r;
    r.set_unit_id(kUnit);
    return DecideCompleteSelfInspection(state_, evaluations_, r);
  }
  absl::StatusOr<v1::SatisfactionSurveyRecorded> Survey(uint32_t respondents,
                                                        uint32_t dissatisfied) {
    v1::SatisfactionSurveyRecorded r;
    r.set_unit_id(kUnit);
    r.set_respondents(respondents);
    r.set_satisfied(respondents - dissatisfied);
    r.set_dissatisfied(dissatisfied);
    return DecideRecordSurvey(state_, evaluations_, r);
  }
  absl::StatusOr<v1::RemediationRecorded> Remediate() {
    v1::RemediationRecorded r;
    r.set_unit_id(kUnit);
    r.set_measures("补课: second round of talks");
    return DecideRecordRemediation(state_, evaluations_, r);
  }
  absl::StatusOr<v1::TransitionReportSubmitted> Report() {
    v1::TransitionReportSubmitted r;
    r.set_unit_id(kUnit);
    r.set_situation("done");
    r.set_satisfaction_result("95% satisfied");
    r.set_next_stage_plan("plan");
    return DecideSubmitTransitionReport(state_, evaluations_, r);
  }
  absl::StatusOr<v1::SupervisoryReviewRecorded> Review(bool passed) {
    v1::SupervisoryReviewRecorded r;
    r.set_unit_id(kUnit);
    r.set_passed(passed);
    r.set_reviewer("督导组 3");
    r.set_comments(passed ? "" : "report too thin");
    return DecideRecordSupervisoryReview(state_, evaluations_, r);
  }
  absl::StatusOr<v1::TransitionApprovalRecorded> Approve(
      bool approved, v1::Approver approver = v1::APPROVER_NEXT_LEVEL_UP) {
    v1::TransitionApprovalRecorded r;
    r.set_unit_id(kUnit);
    r.set_approved(approved);
    r.set_approving_body("区委");
    r.set_approver(approver);
    r.set_comments(approved ? "" : "plan unclear");
    return DecideRecordApproval(state_, evaluations_, r);
  }
  absl::StatusOr<v1::TransitionMeetingHeld> Meeting() {
    v1::TransitionMeetingHeld r;
    r.set_unit_id(kUnit);
    r.set_secretary_name("张书记");
    return DecideHoldTransitionMeeting(state_, evaluations_, r, kToday);
  }
  // Steps 1-4 passed: the unit awaits approval.
  void ToApproval() {
    PassChecks();
    ApplyOk(Complete());
    ApplyOk(Survey(20, 0));
    ApplyOk(Report());
    ApplyOk(Review(true));
  }
  void WalkStage() {
    PassChecks();
    ApplyOk(Complete());
    ApplyOk(Survey(100, 5));
    ApplyOk(Report());
    ApplyOk(Review(true));
    ApplyOk(Approve(true));
    ApplyOk(Meeting());
  }

  // Sets the evaluation of a member as the fold would leave it.
  void Evaluate(const std::string& member_id, EvaluationPhase phase,
                v1::Rating rating, bool measure) {
    EvaluationState& e = evaluations_[member_id];
    e.member_id = member_id;
    e.phase = phase;
    e.rating = rating;
    e.measure = measure ? "谈心谈话, monthly study" : "";
    e.helper_name = measure ? "王老师" : "";
  }

  // blocking_side.h's condition of the unit as it stands.
  UnitCondition Condition() const {
    std::vector<v1::BlockingReasonCode> codes;
    for (const auto& r : BlockingReasons(state_, evaluations_)) {
      codes.push_back(r.code());
    }
    return ConditionOf(codes);
  }

  std::vector<v1::EventEnvelope> events_;
  UnitState state_;
  EvaluationsByMember evaluations_;
};

TEST_F(UnitTest, RegisteredUnitStartsInStudyWithEightChecksPending) {
  Register();
  EXPECT_EQ(state_.stage, v1::STAGE_STUDY_MOBILISATION);
  EXPECT_EQ(NextStep(state_), v1::TRANSITION_STEP_SELF_INSPECTION);
  auto reasons = BlockingReasons(state_, evaluations_);
  ASSERT_EQ(reasons.size(), 8u);
  EXPECT_EQ(reasons[0].code(),
            v1::BLOCKING_REASON_CODE_SELF_INSPECTION_INCOMPLETE);
  EXPECT_EQ(reasons[0].subject(), "LOOK_BACK_CHECK_IDEOLOGICAL_UNDERSTANDING");
}

TEST_F(UnitTest, UnknownUnitIsNotFound) {
  auto r = Complete();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(UnitTest, StepsOnlyInOrder) {
  Register();
  EXPECT_EQ(Survey(10, 0).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Report().status().message(),
              HasSubstr("look-back check 1 (ideological understanding)"));
  EXPECT_EQ(Meeting().status().code(), absl::StatusCode::kFailedPrecondition);
  PassChecks();
  ApplyOk(Complete());
  // Step 1 cannot be taken again once done.
  EXPECT_THAT(Complete().status().message(), HasSubstr("already done"));
  EXPECT_EQ(Review(true).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(UnitTest, FailedCheckBlocksCompletionUntilRecordedAgain) {
  Register();
  PassChecks();
  v1::SelfInspectionCheckRecorded r;
  r.set_unit_id(kUnit);
  r.set_check(v1::LOOK_BACK_CHECK_CRITICISM_DEPTH);
  r.set_finding("criticism superficial");
  r.set_passed(false);
  ApplyOk(DecideRecordSelfInspectionCheck(state_, r));
  EXPECT_THAT(Complete().status().message(),
              HasSubstr("criticism superficial"));
  r.set_passed(true);
  ApplyOk(DecideRecordSelfInspectionCheck(state_, r));
  EXPECT_TRUE(Complete().ok());
}

TEST_F(UnitTest, CheckNeedsValidKindAndFinding) {
  Register();
  v1::SelfInspectionCheckRecorded r;
  r.set_unit_id(kUnit);
  r.set_check(static_cast<v1::LookBackCheck>(9));
  r.set_finding("x");
  EXPECT_EQ(DecideRecordSelfInspectionCheck(state_, r).status().code(),
            absl::StatusCode::kInvalidArgument);
  r.set_check(v1::LOOK_BACK_CHECK_CRITICISM_DEPTH);
  r.set_finding("  ");
  EXPECT_EQ(DecideRecordSelfInspectionCheck(state_, r).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(UnitTest, SurveyOverTenPercentNeedsRemediationAndResurvey) {
  Register();
  PassChecks();
  ApplyOk(Complete());
  ApplyOk(Survey(8, 1));  // 12.5%
  EXPECT_EQ(state_.transition.surveys.back().survey_number, 1u);
  absl::Status refused = Report().status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.message(),
            "unit 371302-U0042 cannot submit its transition report: latest "
            "survey has 12.5% dissatisfied (over 10%); record remediation and "
            "a new survey first");
  // A new survey before remediation is refused too.
  EXPECT_EQ(Survey(10, 0).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ApplyOk(Remediate());
  EXPECT_EQ(Remediate().status().code(), absl::StatusCode::kFailedPrecondition);
  auto reasons = BlockingReasons(state_, evaluations_);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].code(), v1::BLOCKING_REASON_CODE_RESURVEY_REQUIRED);
  ApplyOk(Survey(10, 1));  // exactly 10% passes
  EXPECT_EQ(state_.transition.surveys.back().survey_number, 2u);
  EXPECT_EQ(NextStep(state_), v1::TRANSITION_STEP_REPORT);
  EXPECT_TRUE(Report().ok());
}

TEST_F(UnitTest, RemediationOnlyAfterFailedSurvey) {
  Register();
  PassChecks();
  ApplyOk(Complete());
  EXPECT_EQ(Remediate().status().code(), absl::StatusCode::kFailedPrecondition);
  ApplyOk(Survey(10, 1));
  EXPECT_EQ(Remediate().status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(UnitTest, ImpossibleSurveyNumbersAreInvalid) {
  Register();
  PassChecks();
  ApplyOk(Complete());
  EXPECT_EQ(Survey(0, 0).status().code(), absl::StatusCode::kInvalidArgument);
  v1::SatisfactionSurveyRecorded r;
  r.set_unit_id(kUnit);
  r.set_respondents(10);
  r.set_dissatisfied(11);
  EXPECT_EQ(DecideRecordSurvey(state_, evaluations_, r).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Would wrap around in 32 bits.
  r.set_dissatisfied(1);
  r.set_satisfied(4294967295u);
  r.set_basically_satisfied(2);
  EXPECT_EQ(DecideRecordSurvey(state_, evaluations_, r).status().code(),
            absl::StatusCode::kInvalidArgument);
  r.set_satisfied(9);
  r.set_basically_satisfied(0);
  r.set_survey_number(7);
  EXPECT_EQ(DecideRecordSurvey(state_, evaluations_, r).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(UnitTest, ReturnedReviewSendsBackToReport) {
  Register();
  PassChecks();
  ApplyOk(Complete());
  ApplyOk(Survey(20, 0));
  ApplyOk(Report());
  EXPECT_THAT(Approve(true).status().message(),
              HasSubstr("awaits the supervisory group's review"));
  ApplyOk(Review(false));
  EXPECT_EQ(NextStep(state_), v1::TRANSITION_STEP_REPORT);
  auto reasons = BlockingReasons(state_, evaluations_);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].code(), v1::BLOCKING_REASON_CODE_REPORT_RETURNED);
  EXPECT_THAT(reasons[0].message(), HasSubstr("report too thin"));
  EXPECT_EQ(Approve(true).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ApplyOk(Report());
  ApplyOk(Review(true));
  EXPECT_EQ(NextStep(state_), v1::TRANSITION_STEP_APPROVAL);
}

TEST_F(UnitTest, RejectedApprovalSendsBackToReport) {
  Register();
  ToApproval();
  EXPECT_THAT(Meeting().status().message(), HasSubstr("awaits approval"));
  ApplyOk(Approve(false));
  EXPECT_EQ(NextStep(state_), v1::TRANSITION_STEP_REPORT);
  EXPECT_EQ(BlockingReasons(state_, evaluations_)[0].code(),
            v1::BLOCKING_REASON_CODE_APPROVAL_REJECTED);
  EXPECT_EQ(Review(true).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(UnitTest, OrdinaryUnitApprovedByTheNextLevelUp) {
  Register();
  ToApproval();
  absl::Status city = Approve(true, v1::APPROVER_CITY_LEADING_GROUP).status();
  EXPECT_EQ(city.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(city.message(), HasSubstr("approved by the next level up"));
  absl::Status unsaid = Approve(true, v1::APPROVER_UNSPECIFIED).status();
  EXPECT_EQ(unsaid.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unsaid.message(), HasSubstr("say who approved"));
  EXPECT_EQ(Approve(true, static_cast<v1::Approver>(7)).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto approved = Approve(true, v1::APPROVER_NEXT_LEVEL_UP);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->approver(), v1::APPROVER_NEXT_LEVEL_UP);
}

TEST_F(UnitTest, NodeLeadershipApprovedByTheCityLeadingGroup) {
  Register(v1::BATCH_FIRST, 0, /*node_leadership=*/true);
  ToApproval();
  for (bool approved : {true, false}) {
    absl::Status own = Approve(approved, v1::APPROVER_NEXT_LEVEL_UP).status();
    EXPECT_EQ(own.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(own.message(),
                HasSubstr("is the node's own leadership: its transition "
                          "report is approved by the city leading group"));
  }
  ApplyOk(Approve(true, v1::APPROVER_CITY_LEADING_GROUP));
  EXPECT_EQ(NextStep(state_), v1::TRANSITION_STEP_MEETING);
}

TEST_F(UnitTest, ReturnOrRejectionNeedsComments) {
  Register();
  PassChecks();
  ApplyOk(Complete());
  ApplyOk(Survey(20, 0));
  ApplyOk(Report());
  v1::SupervisoryReviewRecorded r;
  r.set_unit_id(kUnit);
  r.set_reviewer("督导组");
  EXPECT_EQ(
      DecideRecordSupervisoryReview(state_, evaluations_, r).status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST_F(UnitTest, MeetingMovesToNextStageAndResetsTransition) {
  Register();
  WalkStage();
  EXPECT_EQ(state_.stage, v1::STAGE_ANALYSIS_EVALUATION);
  EXPECT_EQ(NextStep(state_), v1::TRANSITION_STEP_SELF_INSPECTION);
  EXPECT_TRUE(state_.transition.surveys.empty());
  WalkStage();
  EXPECT_EQ(state_.stage, v1::STAGE_RECTIFICATION_IMPROVEMENT);
  WalkStage();
  EXPECT_EQ(state_.stage, v1::STAGE_COMPLETED);
  EXPECT_EQ(NextStep(state_), v1::TRANSITION_STEP_UNSPECIFIED);
  EXPECT_TRUE(BlockingReasons(state_, evaluations_).empty());
  EXPECT_THAT(Complete().status().message(), HasSubstr("completed all three"));
}

TEST_F(UnitTest, MeetingFillsNextStageAndDate) {
  Register();
  PassChecks();
  ApplyOk(Complete());
  ApplyOk(Survey(20, 0));
  ApplyOk(Report());
  ApplyOk(Review(true));
  ApplyOk(Approve(true));
  v1::TransitionMeetingHeld r;
  r.set_unit_id(kUnit);
  r.set_secretary_name("张书记");
  r.set_next_stage(v1::STAGE_COMPLETED);
  EXPECT_EQ(DecideHoldTransitionMeeting(state_, evaluations_, r, kToday)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  r.clear_next_stage();
  r.set_held_on("2026-02-30");
  EXPECT_EQ(DecideHoldTransitionMeeting(state_, evaluations_, r, kToday)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  r.clear_held_on();
  auto held = DecideHoldTransitionMeeting(state_, evaluations_, r, kToday);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held->next_stage(), v1::STAGE_ANALYSIS_EVALUATION);
  EXPECT_EQ(held->stage(), v1::STAGE_STUDY_MOBILISATION);
  EXPECT_EQ(held->held_on(), kToday);
}

TEST_F(UnitTest, StageInRequestMustBeCurrent) {
  Register();
  v1::SelfInspectionCompleted r;
  r.set_unit_id(kUnit);
  r.set_stage(v1::STAGE_ANALYSIS_EVALUATION);
  EXPECT_THAT(
      DecideCompleteSelfInspection(state_, evaluations_, r).status().message(),
      HasSubstr("it is in stage study and mobilisation"));
}

TEST_F(UnitTest, AnalysisStageNeedsSignedOpinionsAndMeasures) {
  Register(v1::BATCH_FIRST, 3);
  AddMember("371302-U0042-M0001");
  AddMember("371302-U0042-M0002");
  WalkStage();  // the roster does not gate stage 1
  ASSERT_EQ(state_.stage, v1::STAGE_ANALYSIS_EVALUATION);
  ASSERT_TRUE(NeedsMemberEvaluations(state_));
  PassChecks();
  Evaluate("371302-U0042-M0001", EvaluationPhase::kShown,
           v1::RATING_BASICALLY_QUALIFIED, false);
  auto reasons = BlockingReasons(state_, evaluations_);
  ASSERT_EQ(reasons.size(), 4u);
  EXPECT_EQ(reasons[0].code(), v1::BLOCKING_REASON_CODE_MEMBERS_NOT_REGISTERED);
  EXPECT_EQ(reasons[1].code(), v1::BLOCKING_REASON_CODE_EVALUATION_UNSIGNED);
  EXPECT_EQ(reasons[1].message(),
            "member 371302-U0042-M0001: opinion shown but not signed");
  EXPECT_EQ(reasons[2].code(),
            v1::BLOCKING_REASON_CODE_TRANSFORMATION_MEASURE_MISSING);
  EXPECT_EQ(reasons[3].code(), v1::BLOCKING_REASON_CODE_EVALUATION_MISSING);
  EXPECT_EQ(reasons[3].subject(), "371302-U0042-M0002");
  EXPECT_THAT(Complete().status().message(),
              HasSubstr("opinion shown but not signed"));

  AddMember("371302-U0042-M0003");
  Evaluate("371302-U0042-M0001", EvaluationPhase::kSigned,
           v1::RATING_BASICALLY_QUALIFIED, true);
  Evaluate("371302-U0042-M0002", EvaluationPhase::kSigned, v1::RATING_EXCELLENT,
           false);
  Evaluate("371302-U0042-M0003", EvaluationPhase::kDisputed,
           v1::RATING_QUALIFIED, false);
  EXPECT_THAT(Complete().status().message(),
              HasSubstr("opinion disputed; revise it"));
  Evaluate("371302-U0042-M0003", EvaluationPhase::kSigned, v1::RATING_QUALIFIED,
           false);
  ApplyOk(Complete());
  // A member registered after self-inspection still blocks the way out.
  ApplyOk(Survey(20, 0));
  AddMember("371302-U0042-M0004");
  EXPECT_EQ(Report().status().code(), absl::StatusCode::kFailedPrecondition);
  Evaluate("371302-U0042-M0004", EvaluationPhase::kSigned, v1::RATING_QUALIFIED,
           false);
  EXPECT_TRUE(Report().ok());
}

// Blocked versus waiting (blocking_side.h): every reason of DOMAIN.md on
// its side.
TEST(BlockingSide, EachReasonOnItsSide) {
  const std::vector<v1::BlockingReasonCode> blocked = {
      v1::BLOCKING_REASON_CODE_SELF_INSPECTION_INCOMPLETE,
      v1::BLOCKING_REASON_CODE_EVALUATION_MISSING,
      v1::BLOCKING_REASON_CODE_EVALUATION_UNSIGNED,
      v1::BLOCKING_REASON_CODE_TRANSFORMATION_MEASURE_MISSING,
      v1::BLOCKING_REASON_CODE_REMEDIATION_REQUIRED,
      v1::BLOCKING_REASON_CODE_REPORT_RETURNED,
      v1::BLOCKING_REASON_CODE_APPROVAL_REJECTED,
      v1::BLOCKING_REASON_CODE_MEMBERS_NOT_REGISTERED,
      v1::BLOCKING_REASON_CODE_UNSPECIFIED};
  const std::vector<v1::BlockingReasonCode> waiting = {
      v1::BLOCKING_REASON_CODE_SURVEY_MISSING,
      v1::BLOCKING_REASON_CODE_RESURVEY_REQUIRED,
      v1::BLOCKING_REASON_CODE_AWAITING_REVIEW,
      v1::BLOCKING_REASON_CODE_AWAITING_APPROVAL,
      v1::BLOCKING_REASON_CODE_AWAITING_MEETING};
  // Every code of the enum is on one of the two lists.
  EXPECT_EQ(
      blocked.size() + waiting.size(),
      static_cast<size_t>(v1::BlockingReasonCode_descriptor()->value_count()));
  for (auto code : blocked) {
    EXPECT_EQ(SideOf(code), ReasonSide::kBlocked)
        << v1::BlockingReasonCode_Name(code);
  }
  for (auto code : waiting) {
    EXPECT_EQ(SideOf(code), ReasonSide::kWaiting)
        << v1::BlockingReasonCode_Name(code);
  }
  EXPECT_EQ(ConditionOf({}), UnitCondition::kClear);
  EXPECT_EQ(ConditionOf({v1::BLOCKING_REASON_CODE_AWAITING_REVIEW}),
            UnitCondition::kWaiting);
  EXPECT_EQ(ConditionOf({v1::BLOCKING_REASON_CODE_AWAITING_REVIEW,
                         v1::BLOCKING_REASON_CODE_EVALUATION_MISSING}),
            UnitCondition::kBlocked);
}

TEST_F(UnitTest, AwaitingApprovalIsWaitingNotBlocked) {
  Register();
  ToApproval();
  ASSERT_EQ(NextStep(state_), v1::TRANSITION_STEP_APPROVAL);
  EXPECT_EQ(Condition(), UnitCondition::kWaiting);
  // Waiting since the review passed, the last step's event.
  EXPECT_EQ(state_.step_since_us, events_.back().recorded_at_us());
  ApplyOk(Approve(true));
  EXPECT_EQ(Condition(), UnitCondition::kWaiting);  // the meeting
  ApplyOk(Meeting());
  EXPECT_EQ(Condition(), UnitCondition::kBlocked);  // checks to record
}

TEST_F(UnitTest, UnsignedOpinionBlocks) {
  Register(v1::BATCH_FIRST, 1);
  AddMember("371302-U0042-M0001");
  WalkStage();
  PassChecks();
  Evaluate("371302-U0042-M0001", EvaluationPhase::kShown, v1::RATING_QUALIFIED,
           false);
  EXPECT_EQ(Condition(), UnitCondition::kBlocked);
  Evaluate("371302-U0042-M0001", EvaluationPhase::kSigned, v1::RATING_QUALIFIED,
           false);
  EXPECT_EQ(Condition(), UnitCondition::kClear);  // complete: its own step
  ApplyOk(Complete());
  EXPECT_EQ(Condition(), UnitCondition::kWaiting);  // the survey
  ApplyOk(Survey(20, 0));
  EXPECT_EQ(Condition(), UnitCondition::kClear);  // the report: its own work
  ApplyOk(Report());
  EXPECT_EQ(Condition(), UnitCondition::kWaiting);  // review
  // A member registered late: the unit is blocked again, though its next
  // step is the review.
  AddMember("371302-U0042-M0002");
  EXPECT_EQ(Condition(), UnitCondition::kBlocked);
}

TEST_F(UnitTest, ReportPlanNotNeededWhenLeavingLastStage) {
  Register();
  WalkStage();
  WalkStage();
  PassChecks();
  ApplyOk(Complete());
  ApplyOk(Survey(20, 0));
  v1::TransitionReportSubmitted r;
  r.set_unit_id(kUnit);
  r.set_situation("done");
  r.set_satisfaction_result("all satisfied");
  EXPECT_TRUE(DecideSubmitTransitionReport(state_, evaluations_, r).ok());
}

v1::StageWorkSummaryFiled FullSummary() {
  v1::StageWorkSummaryFiled s;
  s.set_unit_id(kUnit);
  s.set_basic_situation("a");
  s.set_main_practices("b");
  s.set_initial_results("c");
  s.set_basic_experience("d");
  s.set_prominent_problems("e");
  s.set_improvement_measures("f");
  s.set_suggestions("g");
  return s;
}

TEST_F(UnitTest, WorkSummaryOncePerReachedStageWithSevenParts) {
  Register();
  v1::StageWorkSummaryFiled s = FullSummary();
  s.set_suggestions(" ");
  s.clear_main_practices();
  auto missing = DecideFileWorkSummary(state_, s);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("missing: main practices, suggestions"));
  s = FullSummary();
  s.set_stage(v1::STAGE_ANALYSIS_EVALUATION);
  EXPECT_EQ(DecideFileWorkSummary(state_, s).status().code(),
            absl::StatusCode::kFailedPrecondition);
  s.clear_stage();
  auto filed = DecideFileWorkSummary(state_, s);
  ASSERT_TRUE(filed.ok());
  EXPECT_EQ(filed->stage(), v1::STAGE_STUDY_MOBILISATION);
  Apply(*filed);
  EXPECT_EQ(DecideFileWorkSummary(state_, s).status().code(),
            absl::StatusCode::kAlreadyExists);
  WalkStage();
  // A finished stage's summary can still be filed, once.
  s.set_stage(v1::STAGE_STUDY_MOBILISATION);
  EXPECT_EQ(DecideFileWorkSummary(state_, s).status().code(),
            absl::StatusCode::kAlreadyExists);
  s.clear_stage();
  ApplyOk(DecideFileWorkSummary(state_, s));
  EXPECT_EQ(state_.summaries.size(), 2u);
}

TEST(SurveyMath, PercentText) {
  SurveyRecord s;
  s.respondents = 8;
  s.dissatisfied = 1;
  EXPECT_EQ(DissatisfiedPercentText(s), "12.5%");
  EXPECT_TRUE(OverTenPercent(s));
  s.respondents = 10;
  EXPECT_EQ(DissatisfiedPercentText(s), "10%");
  EXPECT_FALSE(OverTenPercent(s));
  s.respondents = 3;
  EXPECT_EQ(DissatisfiedPercentText(s), "33.3%");
  s.respondents = 4294967295u;
  s.dissatisfied = 429496730u;  // just over a tenth
  EXPECT_TRUE(OverTenPercent(s));
}

}  // namespace
}  // namespace reporting::domain
