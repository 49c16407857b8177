#include "services/domain/blocking_side.h"

namespace reporting::domain {

ReasonSide SideOf(v1::BlockingReasonCode code) {
  switch (code) {
    case v1::BLOCKING_REASON_CODE_SURVEY_MISSING:
    case v1::BLOCKING_REASON_CODE_RESURVEY_REQUIRED:
    case v1::BLOCKING_REASON_CODE_AWAITING_REVIEW:
    case v1::BLOCKING_REASON_CODE_AWAITING_APPROVAL:
    case v1::BLOCKING_REASON_CODE_AWAITING_MEETING:
      return ReasonSide::kWaiting;
    case v1::BLOCKING_REASON_CODE_SELF_INSPECTION_INCOMPLETE:
    case v1::BLOCKING_REASON_CODE_EVALUATION_MISSING:
    case v1::BLOCKING_REASON_CODE_EVALUATION_UNSIGNED:
    case v1::BLOCKING_REASON_CODE_TRANSFORMATION_MEASURE_MISSING:
    case v1::BLOCKING_REASON_CODE_REMEDIATION_REQUIRED:
    case v1::BLOCKING_REASON_CODE_REPORT_RETURNED:
    case v1::BLOCKING_REASON_CODE_APPROVAL_REJECTED:
    case v1::BLOCKING_REASON_CODE_MEMBERS_NOT_REGISTERED:
    default:
      return ReasonSide::kBlocked;
  }
}

UnitCondition ConditionOf(const std::vector<v1::BlockingReasonCode>& codes) {
  if (codes.empty()) return UnitCondition::kClear;
  for (v1::BlockingReasonCode code : codes) {
    if (SideOf(code) == ReasonSide::kBlocked) return UnitCondition::kBlocked;
  }
  return UnitCondition::kWaiting;
}

}  // namespace reporting::domain
