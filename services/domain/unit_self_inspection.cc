// Step 1, self-inspection: the eight look-back checks and completion
// (unit.h).
#include "absl/strings/str_cat.h"
#include "services/domain/unit.h"
#include "services/domain/unit_internal.h"

namespace reporting::domain {

using unit_internal::CheckStep;
using unit_internal::CheckUnitAndStage;
using unit_internal::Refuse;
using unit_internal::RequireField;
using v1::BlockingReason;

absl::StatusOr<v1::SelfInspectionCheckRecorded> DecideRecordSelfInspectionCheck(
    const UnitState& s, const v1::SelfInspectionCheckRecorded& request) {
  const std::string& id = request.unit_id();
  const auto check = request.check();
  if (check == v1::LOOK_BACK_CHECK_UNSPECIFIED ||
      !v1::LookBackCheck_IsValid(check)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", id, ": look-back check must be one of the eight (1..8), got ",
        static_cast<int>(check)));
  }
  if (auto st = RequireField(id, "the check's finding", request.finding());
      !st.ok()) {
    return st;
  }
  constexpr absl::string_view kAction = "record a look-back check";
  if (auto st = CheckUnitAndStage(s, id, request.stage(), kAction); !st.ok()) {
    return st;
  }
  if (NextStep(s) != v1::TRANSITION_STEP_SELF_INSPECTION) {
    return absl::FailedPreconditionError(
        absl::StrCat("unit ", id, " cannot ", kAction,
                     ": self-inspection (step 1) of stage ", StageName(s.stage),
                     " is already completed"));
  }
  v1::SelfInspectionCheckRecorded event = request;
  event.set_stage(s.stage);
  return event;
}

absl::StatusOr<v1::SelfInspectionCompleted> DecideCompleteSelfInspection(
    const UnitState& s, const EvaluationsByMember& evaluations,
    const v1::SelfInspectionCompleted& request) {
  const std::string& id = request.unit_id();
  constexpr absl::string_view kAction = "complete its self-inspection";
  if (auto st = CheckUnitAndStage(s, id, request.stage(), kAction); !st.ok()) {
    return st;
  }
  if (auto st = CheckStep(s, evaluations, v1::TRANSITION_STEP_SELF_INSPECTION,
                          kAction);
      !st.ok()) {
    return st;
  }
  std::vector<BlockingReason> reasons = BlockingReasons(s, evaluations);
  if (!reasons.empty()) return Refuse(id, kAction, reasons);
  v1::SelfInspectionCompleted event = request;
  event.set_stage(s.stage);
  return event;
}

}  // namespace reporting::domain
