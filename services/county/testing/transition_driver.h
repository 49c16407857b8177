// TransitionDriver: sends one unit's transition, summary and evaluation
// commands to a TestNode with valid defaults, so a test states only what
// it is about. Header-only test helper.
//
//   TransitionDriver unit(node, "371302-U0042");
//   ASSERT_TRUE(unit.WalkStage().ok());            // all six steps
//   EXPECT_EQ(unit.Survey(8, 1).error_code(), ...) // one step
//
// Not thread-safe (one test thread drives one unit).
#ifndef REPORTING_SERVICES_COUNTY_TESTING_TRANSITION_DRIVER_H_
#define REPORTING_SERVICES_COUNTY_TESTING_TRANSITION_DRIVER_H_

#include <string>
#include <utility>

#include "services/county/testing/test_node.h"
#include "services/domain/campaign_walker.h"

namespace reporting::county::testing {

class TransitionDriver {
 public:
  TransitionDriver(TestNode& node, std::string unit_id)
      : node_(node), unit_(std::move(unit_id)) {}

  const std::string& unit_id() const { return unit_; }
  std::string Member(int n) const { return TestNode::Member(unit_, n); }

  // ---- Step 1
  grpc::Status Check(v1::LookBackCheck check, bool passed = true,
                     const std::string& finding = "落实到位") {
    v1::SelfInspectionCheckRecorded e;
    e.set_unit_id(unit_);
    e.set_check(check);
    e.set_finding(finding);
    e.set_passed(passed);
    return node_.Send(&Stub::RecordSelfInspectionCheck, e);
  }
  // Records all eight checks as passed; the first failure, if any.
  grpc::Status PassAllChecks() {
    return Walk(domain::TransitionAct::kRecordCheck, 20, 20, 0, 0);
  }
  grpc::Status CompleteSelfInspection() {
    v1::SelfInspectionCompleted e;
    e.set_unit_id(unit_);
    return node_.Send(&Stub::CompleteSelfInspection, e);
  }
  // ---- Step 2
  grpc::Status Survey(uint32_t respondents, uint32_t satisfied,
                      uint32_t basically_satisfied, uint32_t dissatisfied) {
    v1::SatisfactionSurveyRecorded e;
    e.set_unit_id(unit_);
    e.set_respondents(respondents);
    e.set_satisfied(satisfied);
    e.set_basically_satisfied(basically_satisfied);
    e.set_dissatisfied(dissatisfied);
    return node_.Send(&Stub::RecordSurvey, e);
  }
  grpc::Status Survey(uint32_t respondents, uint32_t dissatisfied) {
    return Survey(respondents, respondents - dissatisfied, 0, dissatisfied);
  }
  grpc::Status Remediate() {
    v1::RemediationRecorded e;
    e.set_unit_id(unit_);
    e.set_measures("补课: 再次组织专题学习, 逐户走访群众");
    return node_.Send(&Stub::RecordRemediation, e);
  }
  // ---- Steps 3 to 6
  grpc::Status Report() {
    v1::TransitionReportSubmitted e;
    e.set_unit_id(unit_);
    e.set_situation("本阶段工作完成情况");
    e.set_satisfaction_result("满意率 95%");
    e.set_next_stage_plan("下一阶段工作安排");
    return node_.Send(&Stub::SubmitTransitionReport, e);
  }
  grpc::Status Review(bool passed) {
    v1::SupervisoryReviewRecorded e;
    e.set_unit_id(unit_);
    e.set_passed(passed);
    e.set_reviewer("第三督导组");
    e.set_comments(passed ? "同意转段" : "报告过于简单, 问题查摆不具体");
    return node_.Send(&Stub::RecordSupervisoryReview, e);
  }
  // Approved or rejected by the next level up (ApproveAs: by the level
  // given).
  grpc::Status Approve(bool approved) {
    return ApproveAs(approved, v1::APPROVER_NEXT_LEVEL_UP);
  }
  grpc::Status ApproveAs(bool approved, v1::Approver approver) {
    v1::TransitionApprovalRecorded e;
    e.set_unit_id(unit_);
    e.set_approved(approved);
    e.set_approver(approver);
    e.set_approving_body(approver == v1::APPROVER_CITY_LEADING_GROUP
                             ? "市委领导小组"
                             : "中共兰山区委");
    e.set_comments(approved ? "" : "整改计划不明确");
    return node_.Send(&Stub::RecordApproval, e);
  }
  grpc::Status Meeting() {
    v1::TransitionMeetingHeld e;
    e.set_unit_id(unit_);
    e.set_held_on("2026-06-30");
    e.set_secretary_name("王书记");
    return node_.Send(&Stub::HoldTransitionMeeting, e);
  }
  // Steps 1-4 with passing values (the unit awaits approval); the first
  // failure, if any.
  grpc::Status ToApproval() {
    return Walk(domain::TransitionAct::kRecordReview, 20, 20, 0, 0);
  }
  // Steps 1-6 with passing values; the first failure, if any.
  grpc::Status WalkStage() {
    return Walk(domain::TransitionAct::kHoldMeeting, 50, 45, 3, 2);
  }
  grpc::Status Summary(v1::Stage stage = v1::STAGE_UNSPECIFIED) {
    v1::StageWorkSummaryFiled e;
    e.set_unit_id(unit_);
    e.set_stage(stage);
    e.set_basic_situation("基本情况");
    e.set_main_practices("主要做法");
    e.set_initial_results("初步成效");
    e.set_basic_experience("基本经验");
    e.set_prominent_problems("突出问题");
    e.set_improvement_measures("改进措施");
    e.set_suggestions("意见建议");
    return node_.Send(&Stub::FileWorkSummary, e);
  }

  // ---- Member evaluations (the framework's commands)
  grpc::Status Record(const std::string& member,
                      v1::Rating rating = v1::RATING_QUALIFIED) {
    v1::EvaluationRecorded e;
    e.set_member_id(member);
    e.set_rating(rating);
    e.add_shortcomings("理论学习不够深入");
    e.set_self_review("个人讲评");
    e.set_peer_review("党员互评");
    return node_.Send(&Stub::RecordEvaluation, e);
  }
  grpc::Status Show(const std::string& member) {
    v1::EvaluationShown e;
    e.set_member_id(member);
    e.set_shown_on("2026-05-10");
    return node_.Send(&Stub::ShowEvaluation, e);
  }
  grpc::Status Sign(const std::string& member) {
    v1::EvaluationSigned e;
    e.set_member_id(member);
    e.set_signed_on("2026-05-11");
    return node_.Send(&Stub::SignEvaluation, e);
  }
  grpc::Status Dispute(const std::string& member) {
    v1::EvaluationDisputed e;
    e.set_member_id(member);
    e.set_reason("不同意评定等次");
    return node_.Send(&Stub::DisputeEvaluation, e);
  }
  grpc::Status Revise(const std::string& member, v1::Rating rating) {
    v1::EvaluationRevised e;
    e.set_member_id(member);
    e.set_rating(rating);
    e.add_shortcomings("联系群众不够紧密");
    e.set_revision_note("according to the member's objection");
    return node_.Send(&Stub::ReviseEvaluation, e);
  }
  grpc::Status AssignMeasure(const std::string& member,
                             const std::string& helper = "李老师") {
    v1::TransformationMeasureAssigned e;
    e.set_member_id(member);
    e.set_measure("谈心谈话, 每月一次专题学习");
    e.set_helper_name(helper);
    return node_.Send(&Stub::AssignTransformationMeasure, e);
  }
  // Records, shows and signs an opinion; the first failure, if any.
  grpc::Status EvaluateAndSign(const std::string& member,
                               v1::Rating rating = v1::RATING_QUALIFIED) {
    grpc::Status s = Record(member, rating);
    if (s.ok()) s = Show(member);
    if (s.ok()) s = Sign(member);
    return s;
  }

  // ---- Reads
  v1::UnitView View() {
    v1::GetUnitRequest request;
    request.set_unit_id(unit_);
    v1::UnitView view;
    grpc::ClientContext ctx;
    last_read_ = node_.clerk().GetUnit(&ctx, request, &view);
    return view;
  }
  v1::GetBlockingReasonsResponse Blocking() {
    v1::GetBlockingReasonsRequest request;
    request.set_unit_id(unit_);
    v1::GetBlockingReasonsResponse response;
    grpc::ClientContext ctx;
    last_read_ = node_.clerk().GetBlockingReasons(&ctx, request, &response);
    return response;
  }
  // Status of the last View() or Blocking().
  const grpc::Status& last_read() const { return last_read_; }

 private:
  // The walk's acts as commands to the node (every step passes); keeps the
  // first failure.
  class Acts : public domain::TransitionActs {
   public:
    Acts(TransitionDriver& unit, uint32_t respondents, uint32_t satisfied,
         uint32_t basically_satisfied, uint32_t dissatisfied)
        : unit_(unit),
          respondents_(respondents),
          satisfied_(satisfied),
          basically_satisfied_(basically_satisfied),
          dissatisfied_(dissatisfied) {}

    bool RecordCheck(v1::LookBackCheck check, bool passed) override {
      return Sent(unit_.Check(check, passed));
    }
    bool CompleteSelfInspection() override {
      return Sent(unit_.CompleteSelfInspection());
    }
    bool RecordSurvey(int, bool) override {
      return Sent(unit_.Survey(respondents_, satisfied_, basically_satisfied_,
                               dissatisfied_));
    }
    bool RecordRemediation() override { return Sent(unit_.Remediate()); }
    bool SubmitReport(int) override { return Sent(unit_.Report()); }
    bool RecordReview(int, bool passed) override {
      return Sent(unit_.Review(passed));
    }
    bool RecordApproval(int, bool approved) override {
      return Sent(unit_.Approve(approved));
    }
    bool HoldMeeting() override { return Sent(unit_.Meeting()); }

    const grpc::Status& status() const { return status_; }

   private:
    bool Sent(grpc::Status status) {
      status_ = std::move(status);
      return status_.ok();
    }

    TransitionDriver& unit_;
    const uint32_t respondents_, satisfied_, basically_satisfied_,
        dissatisfied_;
    grpc::Status status_;
  };

  // domain::WalkStage to `last` with passing values and the survey given;
  // the first failure, if any.
  grpc::Status Walk(domain::TransitionAct last, uint32_t respondents,
                    uint32_t satisfied, uint32_t basically_satisfied,
                    uint32_t dissatisfied) {
    domain::StageWalk walk;
    walk.last = last;
    Acts acts(*this, respondents, satisfied, basically_satisfied, dissatisfied);
    domain::WalkStage(walk, acts);
    return acts.status();
  }

  TestNode& node_;
  std::string unit_;
  grpc::Status last_read_;
};

}  // namespace reporting::county::testing

#endif  // REPORTING_SERVICES_COUNTY_TESTING_TRANSITION_DRIVER_H_
