#include "services/domain/campaign_walker.h"

#include <cstddef>
#include <vector>

namespace reporting::domain {

bool WalkStage(const StageWalk& walk, TransitionActs& acts) {
  // Step 1: the eight look-back checks, then completion.
  for (int c = 1; c <= kLookBackCheckCount; ++c) {
    if (!acts.RecordCheck(static_cast<v1::LookBackCheck>(c),
                          c != walk.failed_check)) {
      return false;
    }
  }
  if (walk.failed_check != 0 || walk.last == TransitionAct::kRecordCheck) {
    return true;
  }
  if (!acts.CompleteSelfInspection()) return false;
  if (walk.last == TransitionAct::kCompleteSelfInspection) return true;

  // Step 2: surveys until one is at or under 10%, remediation after each
  // that is not.
  int survey = 1;
  for (int failed = 0; failed < walk.failed_surveys; ++failed) {
    if (!acts.RecordSurvey(survey++, /*passes=*/false)) return false;
    if (walk.last == TransitionAct::kRecordSurvey) return true;
    if (!acts.RecordRemediation()) return false;
    if (walk.last == TransitionAct::kRecordRemediation) return true;
  }
  if (!acts.RecordSurvey(survey, /*passes=*/true)) return false;
  if (walk.last == TransitionAct::kRecordSurvey) return true;

  // Steps 3 to 5: a returned report or a rejected approval sends the unit
  // back to the report. Step 6 after the approval.
  int returned = walk.returned_reports;
  int rejected = walk.rejected_approvals;
  for (int report = 1;; ++report) {
    if (!acts.SubmitReport(report)) return false;
    if (walk.last == TransitionAct::kSubmitReport) return true;
    const bool passed = returned == 0;
    if (!acts.RecordReview(report, passed)) return false;
    if (walk.last == TransitionAct::kRecordReview) return true;
    if (!passed) {
      --returned;
      continue;
    }
    const bool approved = rejected == 0;
    if (!acts.RecordApproval(report, approved)) return false;
    if (walk.last == TransitionAct::kRecordApproval) return true;
    if (!approved) {
      --rejected;
      continue;
    }
    return acts.HoldMeeting();
  }
}

TransitionAct NextAct(const UnitState& state) {
  switch (NextStep(state)) {
    case v1::TRANSITION_STEP_SELF_INSPECTION:
      return state.transition.checks.size() ==
                     static_cast<size_t>(kLookBackCheckCount)
                 ? TransitionAct::kCompleteSelfInspection
                 : TransitionAct::kRecordCheck;
    case v1::TRANSITION_STEP_SURVEY: {
      const std::vector<SurveyRecord>& surveys = state.transition.surveys;
      return !surveys.empty() && !surveys.back().remediation_recorded
                 ? TransitionAct::kRecordRemediation
                 : TransitionAct::kRecordSurvey;
    }
    case v1::TRANSITION_STEP_REPORT:
      return TransitionAct::kSubmitReport;
    case v1::TRANSITION_STEP_SUPERVISORY_REVIEW:
      return TransitionAct::kRecordReview;
    case v1::TRANSITION_STEP_APPROVAL:
      return TransitionAct::kRecordApproval;
    case v1::TRANSITION_STEP_MEETING:
      return TransitionAct::kHoldMeeting;
    default:
      return TransitionAct::kNone;
  }
}

}  // namespace reporting::domain
