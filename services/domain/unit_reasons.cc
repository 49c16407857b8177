// What blocks the unit's next step (unit.h BlockingReasons): the step's own
// reasons here, the roster's in unit_roster_reasons.cc.
#include "absl/strings/str_cat.h"
#include "services/domain/unit.h"
#include "services/domain/unit_internal.h"

namespace reporting::domain {

using unit_internal::RosterReasons;
using unit_internal::StepReasons;
using v1::BlockingReason;
using v1::BlockingReasonCode;

namespace unit_internal {

BlockingReason Reason(BlockingReasonCode code, std::string message,
                      std::string subject) {
  BlockingReason r;
  r.set_code(code);
  r.set_message(std::move(message));
  r.set_subject(std::move(subject));
  return r;
}

void StepReasons(const UnitState& s, std::vector<BlockingReason>& out) {
  const TransitionProgress& t = s.transition;
  switch (NextStep(s)) {
    case v1::TRANSITION_STEP_SELF_INSPECTION:
      for (int c = 1; c <= kLookBackCheckCount; ++c) {
        const auto check = static_cast<v1::LookBackCheck>(c);
        auto it = t.checks.find(check);
        if (it == t.checks.end()) {
          out.push_back(
              Reason(v1::BLOCKING_REASON_CODE_SELF_INSPECTION_INCOMPLETE,
                     absl::StrCat("look-back check ", c, " (", CheckName(check),
                                  ") is not recorded yet"),
                     v1::LookBackCheck_Name(check)));
        } else if (!it->second) {
          out.push_back(
              Reason(v1::BLOCKING_REASON_CODE_SELF_INSPECTION_INCOMPLETE,
                     absl::StrCat("look-back check ", c, " (", CheckName(check),
                                  ") is recorded as not passed (",
                                  t.findings.at(check),
                                  "); record it again once it passes"),
                     v1::LookBackCheck_Name(check)));
        }
      }
      break;
    case v1::TRANSITION_STEP_SURVEY:
      if (t.surveys.empty()) {
        out.push_back(
            Reason(v1::BLOCKING_REASON_CODE_SURVEY_MISSING,
                   absl::StrCat("no satisfaction survey is recorded in stage ",
                                StageName(s.stage),
                                " yet; record the survey (step 2) first")));
      } else {
        const SurveyRecord& last = t.surveys.back();
        const std::string subject = absl::StrCat("survey ", last.survey_number);
        if (!last.remediation_recorded) {
          out.push_back(Reason(
              v1::BLOCKING_REASON_CODE_REMEDIATION_REQUIRED,
              absl::StrCat("latest survey has ", DissatisfiedPercentText(last),
                           " dissatisfied (over 10%); record remediation and "
                           "a new survey first"),
              subject));
        } else {
          out.push_back(Reason(
              v1::BLOCKING_REASON_CODE_RESURVEY_REQUIRED,
              absl::StrCat("remediation is recorded after survey ",
                           last.survey_number, " (",
                           DissatisfiedPercentText(last),
                           " dissatisfied); record a new survey at or under "
                           "10% dissatisfied first"),
              subject));
        }
      }
      break;
    case v1::TRANSITION_STEP_REPORT:
      if (t.sent_back == SentBack::kReviewReturned) {
        out.push_back(
            Reason(v1::BLOCKING_REASON_CODE_REPORT_RETURNED,
                   absl::StrCat("the supervisory group returned the transition "
                                "report (",
                                t.sent_back_comments,
                                "); submit a revised report (step 3)")));
      } else if (t.sent_back == SentBack::kApprovalRejected) {
        out.push_back(
            Reason(v1::BLOCKING_REASON_CODE_APPROVAL_REJECTED,
                   absl::StrCat("the next level up rejected the transition (",
                                t.sent_back_comments,
                                "); submit a revised report (step 3)")));
      }
      break;
    case v1::TRANSITION_STEP_SUPERVISORY_REVIEW:
      out.push_back(
          Reason(v1::BLOCKING_REASON_CODE_AWAITING_REVIEW,
                 "the transition report awaits the supervisory group's "
                 "review (step 4)"));
      break;
    case v1::TRANSITION_STEP_APPROVAL:
      out.push_back(Reason(
          v1::BLOCKING_REASON_CODE_AWAITING_APPROVAL,
          "the supervisory review passed; the transition awaits approval by "
          "the next level up (step 5)"));
      break;
    case v1::TRANSITION_STEP_MEETING:
      out.push_back(
          Reason(v1::BLOCKING_REASON_CODE_AWAITING_MEETING,
                 "the transition is approved; hold the transition meeting "
                 "(step 6)"));
      break;
    default:
      break;
  }
}

}  // namespace unit_internal

std::vector<BlockingReason> BlockingReasons(
    const UnitState& s, const EvaluationsByMember& evaluations) {
  std::vector<BlockingReason> out;
  if (NextStep(s) == v1::TRANSITION_STEP_UNSPECIFIED) return out;
  StepReasons(s, out);
  RosterReasons(s, evaluations, out);
  return out;
}

}  // namespace reporting::domain
