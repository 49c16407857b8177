// Steps 3 and 4: the transition report and the supervisory review (unit.h).
#include "absl/strings/str_cat.h"
#include "services/domain/unit.h"
#include "services/domain/unit_internal.h"

namespace reporting::domain {

using unit_internal::CheckRoster;
using unit_internal::CheckStep;
using unit_internal::CheckUnitAndStage;
using unit_internal::RequireField;

absl::StatusOr<v1::TransitionReportSubmitted> DecideSubmitTransitionReport(
    const UnitState& s, const EvaluationsByMember& evaluations,
    const v1::TransitionReportSubmitted& request) {
  const std::string& id = request.unit_id();
  if (auto st = RequireField(id, "the report's situation", request.situation());
      !st.ok()) {
    return st;
  }
  if (auto st = RequireField(id, "the report's satisfaction result",
                             request.satisfaction_result());
      !st.ok()) {
    return st;
  }
  constexpr absl::string_view kAction = "submit its transition report";
  if (auto st = CheckUnitAndStage(s, id, request.stage(), kAction); !st.ok()) {
    return st;
  }
  // Leaving stage 3 ends the campaign: there is no next stage to plan.
  if (s.stage != v1::STAGE_RECTIFICATION_IMPROVEMENT) {
    if (auto st = RequireField(id, "the report's plan for the next stage",
                               request.next_stage_plan());
        !st.ok()) {
      return st;
    }
  }
  if (auto st = CheckStep(s, evaluations, v1::TRANSITION_STEP_REPORT, kAction);
      !st.ok()) {
    return st;
  }
  if (auto st = CheckRoster(s, evaluations, kAction); !st.ok()) return st;
  v1::TransitionReportSubmitted event = request;
  event.set_stage(s.stage);
  return event;
}

absl::StatusOr<v1::SupervisoryReviewRecorded> DecideRecordSupervisoryReview(
    const UnitState& s, const EvaluationsByMember& evaluations,
    const v1::SupervisoryReviewRecorded& request) {
  const std::string& id = request.unit_id();
  if (auto st = RequireField(id, "the reviewer", request.reviewer());
      !st.ok()) {
    return st;
  }
  if (!request.passed()) {
    if (auto st = RequireField(id, "comments saying why the report is returned",
                               request.comments());
        !st.ok()) {
      return st;
    }
  }
  constexpr absl::string_view kAction = "record the supervisory review";
  if (auto st = CheckUnitAndStage(s, id, request.stage(), kAction); !st.ok()) {
    return st;
  }
  if (auto st = CheckStep(s, evaluations,
                          v1::TRANSITION_STEP_SUPERVISORY_REVIEW, kAction);
      !st.ok()) {
    return st;
  }
  if (auto st = CheckRoster(s, evaluations, kAction); !st.ok()) return st;
  v1::SupervisoryReviewRecorded event = request;
  event.set_stage(s.stage);
  return event;
}

}  // namespace reporting::domain
