// The one walk through a stage (campaign_walker.h) against the unit's own
// rules: every act it does is the act NextAct names for the state so far
// and is accepted by the unit's decisions, and each place a walk can end
// leaves the unit with the blocking reason that place stands for.
#include "services/domain/campaign_walker.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/testing/test_stream.h"

namespace reporting::domain {
namespace {

using ::testing::ElementsAre;

constexpr char kUnit[] = "371302-U0042";
constexpr char kMember[] = "371302-U0042-M0001";

// Decides each act with the unit's rules and records it; remembers the
// acts done, and fails the test when an act is not the one NextAct names
// or is refused.
class DecidingActs : public TransitionActs {
 public:
  DecidingActs() : stream_(std::string("unit/") + kUnit) {
    v1::UnitRegistered unit;
    unit.set_unit_id(kUnit);
    unit.set_name("兰山区委办公室");
    unit.set_batch(v1::BATCH_FIRST);
    unit.set_member_count(1);
    Record(unit);
    v1::BranchRegistered branch;
    branch.set_branch_id(std::string(kUnit) + "-B01");
    branch.set_unit_id(kUnit);
    branch.set_name("第一党支部");
    Record(branch);
    v1::MemberRegistered member;
    member.set_member_id(kMember);
    member.set_unit_id(kUnit);
    member.set_branch_id(branch.branch_id());
    member.set_name("王芳");
    Record(member);
    // The member's opinion, signed: the analysis-and-evaluation gate holds.
    EvaluationState opinion;
    opinion.phase = EvaluationPhase::kSigned;
    opinion.member_id = kMember;
    opinion.rating = v1::RATING_QUALIFIED;
    evaluations_[kMember] = opinion;
  }

  bool RecordCheck(v1::LookBackCheck check, bool passed) override {
    v1::SelfInspectionCheckRecorded r;
    r.set_unit_id(kUnit);
    r.set_check(check);
    r.set_finding(passed ? "落实到位" : "查摆问题不够具体");
    r.set_passed(passed);
    return Done(TransitionAct::kRecordCheck, passed ? "check" : "check failed",
                DecideRecordSelfInspectionCheck(state_, r));
  }
  bool CompleteSelfInspection() override {
    v1::SelfInspectionCompleted r;
    r.set_unit_id(kUnit);
    return Done(TransitionAct::kCompleteSelfInspection, "complete",
                DecideCompleteSelfInspection(state_, evaluations_, r));
  }
  bool RecordSurvey(int number, bool passes) override {
    v1::SatisfactionSurveyRecorded r;
    r.set_unit_id(kUnit);
    r.set_respondents(20);
    r.set_dissatisfied(passes ? 2 : 3);  // exactly 10% passes
    r.set_satisfied(r.respondents() - r.dissatisfied());
    return Done(TransitionAct::kRecordSurvey,
                "survey" + std::to_string(number) + (passes ? "" : " over"),
                DecideRecordSurvey(state_, evaluations_, r));
  }
  bool RecordRemediation() override {
    v1::RemediationRecorded r;
    r.set_unit_id(kUnit);
    r.set_measures("补课");
    return Done(TransitionAct::kRecordRemediation, "remediation",
                DecideRecordRemediation(state_, evaluations_, r));
  }
  bool SubmitReport(int report) override {
    v1::TransitionReportSubmitted r;
    r.set_unit_id(kUnit);
    r.set_situation("情况");
    r.set_satisfaction_result("满意");
    r.set_next_stage_plan("安排");
    return Done(TransitionAct::kSubmitReport, "report" + std::to_string(report),
                DecideSubmitTransitionReport(state_, evaluations_, r));
  }
  bool RecordReview(int report, bool passed) override {
    v1::SupervisoryReviewRecorded r;
    r.set_unit_id(kUnit);
    r.set_passed(passed);
    r.set_reviewer("第三督导组");
    r.set_comments(passed ? "同意" : "报告过于简单");
    return Done(TransitionAct::kRecordReview,
                "review" + std::to_string(report) + (passed ? "" : " returned"),
                DecideRecordSupervisoryReview(state_, evaluations_, r));
  }
  bool RecordApproval(int report, bool approved) override {
    v1::TransitionApprovalRecorded r;
    r.set_unit_id(kUnit);
    r.set_approved(approved);
    r.set_approver(v1::APPROVER_NEXT_LEVEL_UP);
    r.set_approving_body("中共兰山区委");
    r.set_comments(approved ? "" : "整改计划不明确");
    return Done(
        TransitionAct::kRecordApproval,
        "approval" + std::to_string(report) + (approved ? "" : " rejected"),
        DecideRecordApproval(state_, evaluations_, r));
  }
  bool HoldMeeting() override {
    v1::TransitionMeetingHeld r;
    r.set_unit_id(kUnit);
    r.set_held_on("2026-06-30");
    r.set_secretary_name("王书记");
    return Done(
        TransitionAct::kHoldMeeting, "meeting",
        DecideHoldTransitionMeeting(state_, evaluations_, r, "2026-07-01"));
  }

  const UnitState& state() const { return state_; }
  const std::vector<std::string>& done() const { return done_; }
  void clear_done() { done_.clear(); }
  std::vector<v1::BlockingReasonCode> Reasons() const {
    std::vector<v1::BlockingReasonCode> codes;
    for (const v1::BlockingReason& r : BlockingReasons(state_, evaluations_)) {
      codes.push_back(r.code());
    }
    return codes;
  }
  // The next act that refuses (ends the walk), counted from now.
  int refuse_after = -1;

 private:
  void Record(const google::protobuf::Message& event) {
    stream_.Add(event);
    absl::StatusOr<UnitState> folded = FoldUnit(stream_.events());
    ASSERT_TRUE(folded.ok()) << folded.status();
    state_ = *folded;
  }
  template <typename M>
  bool Done(TransitionAct act, const std::string& name,
            const absl::StatusOr<M>& decided) {
    if (refuse_after == 0) return false;
    if (refuse_after > 0) --refuse_after;
    EXPECT_EQ(NextAct(state_), act) << name << " is not the next act";
    EXPECT_TRUE(decided.ok()) << name << ": " << decided.status();
    if (!decided.ok()) return false;
    Record(*decided);
    done_.push_back(name);
    return true;
  }

  testing::TestStream stream_;
  UnitState state_;
  EvaluationsByMember evaluations_;
  std::vector<std::string> done_;
};

const std::vector<std::string> kChecks(8, "check");

std::vector<std::string> Then(std::vector<std::string> acts,
                              std::initializer_list<const char*> more) {
  acts.insert(acts.end(), more.begin(), more.end());
  return acts;
}

TEST(CampaignWalkerTest, TheSixStepsInOrderTakeTheUnitToTheNextStage) {
  DecidingActs acts;
  EXPECT_EQ(acts.state().stage, v1::STAGE_STUDY_MOBILISATION);
  ASSERT_TRUE(WalkStage(StageWalk(), acts));
  EXPECT_EQ(acts.done(), Then(kChecks, {"complete", "survey1", "report1",
                                        "review1", "approval1", "meeting"}));
  EXPECT_EQ(acts.state().stage, v1::STAGE_ANALYSIS_EVALUATION);
}

TEST(CampaignWalkerTest, EveryDetourReturnsToTheStepTheRulesSendItTo) {
  DecidingActs acts;
  StageWalk walk;
  walk.failed_surveys = 2;
  walk.returned_reports = 1;
  walk.rejected_approvals = 1;
  ASSERT_TRUE(WalkStage(walk, acts));
  EXPECT_EQ(
      acts.done(),
      Then(kChecks, {"complete", "survey1 over", "remediation", "survey2 over",
                     "remediation", "survey3", "report1", "review1 returned",
                     "report2", "review2", "approval2 rejected", "report3",
                     "review3", "approval3", "meeting"}));
  EXPECT_EQ(acts.state().stage, v1::STAGE_ANALYSIS_EVALUATION);
}

TEST(CampaignWalkerTest, ThreeWalksCompleteTheCampaign) {
  DecidingActs acts;
  for (int stage = 1; stage <= 3; ++stage) {
    ASSERT_TRUE(WalkStage(StageWalk(), acts)) << "stage " << stage;
  }
  EXPECT_EQ(acts.state().stage, v1::STAGE_COMPLETED);
  EXPECT_EQ(NextAct(acts.state()), TransitionAct::kNone);
}

TEST(CampaignWalkerTest, EachEndLeavesTheUnitWhereItSays) {
  struct End {
    const char* name;
    StageWalk walk;
    std::vector<v1::BlockingReasonCode> reasons;
    TransitionAct next;
  };
  auto walk = [](TransitionAct last, int failed_check = 0,
                 int failed_surveys = 0, int returned = 0, int rejected = 0) {
    StageWalk w;
    w.last = last;
    w.failed_check = failed_check;
    w.failed_surveys = failed_surveys;
    w.returned_reports = returned;
    w.rejected_approvals = rejected;
    return w;
  };
  using A = TransitionAct;
  const End ends[] = {
      {"a check failed",
       walk(A::kHoldMeeting, 3),
       {v1::BLOCKING_REASON_CODE_SELF_INSPECTION_INCOMPLETE},
       A::kCompleteSelfInspection},
      {"checks passed", walk(A::kRecordCheck), {}, A::kCompleteSelfInspection},
      {"survey missing",
       walk(A::kCompleteSelfInspection),
       {v1::BLOCKING_REASON_CODE_SURVEY_MISSING},
       A::kRecordSurvey},
      {"survey over 10%",
       walk(A::kRecordSurvey, 0, 1),
       {v1::BLOCKING_REASON_CODE_REMEDIATION_REQUIRED},
       A::kRecordRemediation},
      {"resurvey required",
       walk(A::kRecordRemediation, 0, 1),
       {v1::BLOCKING_REASON_CODE_RESURVEY_REQUIRED},
       A::kRecordSurvey},
      {"report due", walk(A::kRecordSurvey), {}, A::kSubmitReport},
      {"awaiting review",
       walk(A::kSubmitReport),
       {v1::BLOCKING_REASON_CODE_AWAITING_REVIEW},
       A::kRecordReview},
      {"report returned",
       walk(A::kRecordReview, 0, 0, 1),
       {v1::BLOCKING_REASON_CODE_REPORT_RETURNED},
       A::kSubmitReport},
      {"awaiting approval",
       walk(A::kRecordReview),
       {v1::BLOCKING_REASON_CODE_AWAITING_APPROVAL},
       A::kRecordApproval},
      {"approval rejected",
       walk(A::kRecordApproval, 0, 0, 0, 1),
       {v1::BLOCKING_REASON_CODE_APPROVAL_REJECTED},
       A::kSubmitReport},
      {"awaiting meeting",
       walk(A::kRecordApproval),
       {v1::BLOCKING_REASON_CODE_AWAITING_MEETING},
       A::kHoldMeeting},
  };
  for (const End& end : ends) {
    DecidingActs acts;
    ASSERT_TRUE(WalkStage(end.walk, acts)) << end.name;
    EXPECT_EQ(acts.state().stage, v1::STAGE_STUDY_MOBILISATION) << end.name;
    EXPECT_EQ(acts.Reasons(), end.reasons) << end.name;
    EXPECT_EQ(NextAct(acts.state()), end.next) << end.name;
  }
}

TEST(CampaignWalkerTest, AnActThatReturnsFalseEndsTheWalk) {
  DecidingActs acts;
  acts.refuse_after = 9;  // the eight checks and completion, then no survey
  EXPECT_FALSE(WalkStage(StageWalk(), acts));
  EXPECT_EQ(acts.done(), Then(kChecks, {"complete"}));
}

TEST(CampaignWalkerTest, NothingComesNextForAnUnregisteredUnit) {
  EXPECT_EQ(NextAct(UnitState()), TransitionAct::kNone);
}

}  // namespace
}  // namespace reporting::domain
