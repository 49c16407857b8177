// The checks every unit decision shares (unit_internal.h).
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/domain/dates.h"
#include "services/domain/text.h"
#include "services/domain/unit.h"
#include "services/domain/unit_internal.h"

namespace reporting::domain {

using v1::BlockingReason;

namespace unit_internal {
namespace {

// Refusal messages list at most this many reasons; GetBlockingReasons has
// them all.
constexpr size_t kMaxReasonsInMessage = 5;

}  // namespace

absl::Status Refuse(absl::string_view unit_id, absl::string_view action,
                    const std::vector<BlockingReason>& reasons) {
  std::vector<std::string> messages;
  for (size_t i = 0; i < reasons.size() && i < kMaxReasonsInMessage; ++i) {
    messages.push_back(reasons[i].message());
  }
  std::string more;
  if (reasons.size() > kMaxReasonsInMessage) {
    more = absl::StrCat("; and ", reasons.size() - kMaxReasonsInMessage,
                        " more (see GetBlockingReasons)");
  }
  return absl::FailedPreconditionError(
      absl::StrCat("unit ", unit_id, " cannot ", action, ": ",
                   absl::StrJoin(messages, "; "), more));
}

absl::Status CheckUnitAndStage(const UnitState& s, absl::string_view unit_id,
                               v1::Stage requested, absl::string_view action) {
  if (requested != v1::STAGE_UNSPECIFIED &&
      (!v1::Stage_IsValid(requested) || requested == v1::STAGE_COMPLETED)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unit ", unit_id, ": stage ", static_cast<int>(requested),
                     " is not a stage a unit transitions out of (1..3)"));
  }
  if (absl::Status error = RequireUnit(s.roster, unit_id); !error.ok()) {
    return error;
  }
  if (s.stage == v1::STAGE_COMPLETED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "unit ", unit_id, " cannot ", action,
        ": it has completed all three stages; no transition is left"));
  }
  if (requested != v1::STAGE_UNSPECIFIED && requested != s.stage) {
    return absl::FailedPreconditionError(
        absl::StrCat("unit ", unit_id, " cannot ", action, ": it is in stage ",
                     StageName(s.stage), ", not ", StageName(requested)));
  }
  return absl::OkStatus();
}

absl::Status CheckApprover(const UnitState& s, absl::string_view unit_id,
                           v1::Approver approver) {
  if (s.roster.unit.node_leadership()) {
    if (approver == v1::APPROVER_CITY_LEADING_GROUP) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "unit ", unit_id,
        " is the node's own leadership: its transition report is approved "
        "by the city leading group (approver 2), not the next level up"));
  }
  if (approver == v1::APPROVER_NEXT_LEVEL_UP) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "unit ", unit_id,
      "'s transition report is approved by the next level up (approver 1); "
      "the city leading group approves only a node's own leadership"));
}

absl::Status CheckStep(const UnitState& s,
                       const EvaluationsByMember& evaluations,
                       v1::TransitionStep step, absl::string_view action) {
  const v1::TransitionStep next = NextStep(s);
  if (next == step) return absl::OkStatus();
  if (step < next) {
    return absl::FailedPreconditionError(absl::StrCat(
        "unit ", s.unit_id(), " cannot ", action, ": the ", StepName(step),
        " is already done in stage ", StageName(s.stage),
        "; the next step is the ", StepName(next)));
  }
  std::vector<BlockingReason> reasons = BlockingReasons(s, evaluations);
  if (reasons.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "unit ", s.unit_id(), " cannot ", action, ": the next step is the ",
        StepName(next), "; take it first"));
  }
  return Refuse(s.unit_id(), action, reasons);
}

absl::Status CheckRoster(const UnitState& s,
                         const EvaluationsByMember& evaluations,
                         absl::string_view action) {
  std::vector<BlockingReason> reasons;
  RosterReasons(s, evaluations, reasons);
  if (reasons.empty()) return absl::OkStatus();
  return Refuse(s.unit_id(), action, reasons);
}

absl::Status RequireField(absl::string_view unit_id, absl::string_view field,
                          absl::string_view value) {
  if (IsBlank(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unit ", unit_id, ": ", field, " is required"));
  }
  return absl::OkStatus();
}

absl::Status CheckDate(absl::string_view unit_id, absl::string_view field,
                       absl::string_view value) {
  if (!value.empty() && !IsValidDate(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unit ", unit_id, ": ", field, " \"", value,
                     "\" is not a date (YYYY-MM-DD)"));
  }
  return absl::OkStatus();
}

}  // namespace unit_internal

}  // namespace reporting::domain
