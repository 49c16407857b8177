// Steps 5 and 6: the approval and the transition meeting (unit.h).
#include "absl/strings/str_cat.h"
#include "services/domain/unit.h"
#include "services/domain/unit_internal.h"

namespace reporting::domain {

using unit_internal::CheckApprover;
using unit_internal::CheckDate;
using unit_internal::CheckRoster;
using unit_internal::CheckStep;
using unit_internal::CheckUnitAndStage;
using unit_internal::RequireField;
using unit_internal::StageAfter;

absl::StatusOr<v1::TransitionApprovalRecorded> DecideRecordApproval(
    const UnitState& s, const EvaluationsByMember& evaluations,
    const v1::TransitionApprovalRecorded& request) {
  const std::string& id = request.unit_id();
  if (auto st =
          RequireField(id, "the approving body", request.approving_body());
      !st.ok()) {
    return st;
  }
  if (!request.approved()) {
    if (auto st = RequireField(id, "comments saying why it is rejected",
                               request.comments());
        !st.ok()) {
      return st;
    }
  }
  if (request.approver() != v1::APPROVER_NEXT_LEVEL_UP &&
      request.approver() != v1::APPROVER_CITY_LEADING_GROUP) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", id,
        ": say who approved: approver 1 (the next level up) or 2 (the city "
        "leading group), got ",
        static_cast<int>(request.approver())));
  }
  constexpr absl::string_view kAction = "record the approval";
  if (auto st = CheckUnitAndStage(s, id, request.stage(), kAction); !st.ok()) {
    return st;
  }
  if (auto st =
          CheckStep(s, evaluations, v1::TRANSITION_STEP_APPROVAL, kAction);
      !st.ok()) {
    return st;
  }
  if (auto st = CheckRoster(s, evaluations, kAction); !st.ok()) return st;
  if (auto st = CheckApprover(s, id, request.approver()); !st.ok()) return st;
  v1::TransitionApprovalRecorded event = request;
  event.set_stage(s.stage);
  return event;
}

absl::StatusOr<v1::TransitionMeetingHeld> DecideHoldTransitionMeeting(
    const UnitState& s, const EvaluationsByMember& evaluations,
    const v1::TransitionMeetingHeld& request, absl::string_view today) {
  const std::string& id = request.unit_id();
  if (auto st = RequireField(id, "the party secretary addressing the meeting",
                             request.secretary_name());
      !st.ok()) {
    return st;
  }
  if (auto st = CheckDate(id, "held_on", request.held_on()); !st.ok()) {
    return st;
  }
  constexpr absl::string_view kAction = "hold its transition meeting";
  if (auto st = CheckUnitAndStage(s, id, request.stage(), kAction); !st.ok()) {
    return st;
  }
  const v1::Stage next = StageAfter(s.stage);
  if (request.next_stage() != v1::STAGE_UNSPECIFIED &&
      request.next_stage() != next) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", id, ": next_stage is set by the node; after stage ",
        StageName(s.stage), " it is ", StageName(next), " (leave it unset)"));
  }
  if (auto st = CheckStep(s, evaluations, v1::TRANSITION_STEP_MEETING, kAction);
      !st.ok()) {
    return st;
  }
  if (auto st = CheckRoster(s, evaluations, kAction); !st.ok()) return st;
  v1::TransitionMeetingHeld event = request;
  event.set_stage(s.stage);
  event.set_next_stage(next);
  if (event.held_on().empty()) event.set_held_on(std::string(today));
  return event;
}

}  // namespace reporting::domain
