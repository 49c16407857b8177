// Blocking reasons of the roster and the members' opinions, while the unit
// is in analysis-and-evaluation (unit.h).
#include "absl/strings/str_cat.h"
#include "services/domain/unit.h"
#include "services/domain/unit_internal.h"

namespace reporting::domain {

using v1::BlockingReason;

namespace {

std::string BatchName(v1::Batch batch) {
  switch (batch) {
    case v1::BATCH_FIRST:
      return "first";
    case v1::BATCH_SECOND:
      return "second";
    default:
      return "unspecified";
  }
}

}  // namespace

namespace unit_internal {

void RosterReasons(const UnitState& s, const EvaluationsByMember& evaluations,
                   std::vector<BlockingReason>& out) {
  if (!NeedsMemberEvaluations(s)) return;
  const auto& members = s.roster.members;
  const uint32_t reported = s.roster.unit.member_count();
  if (members.size() < reported) {
    out.push_back(Reason(
        v1::BLOCKING_REASON_CODE_MEMBERS_NOT_REGISTERED,
        absl::StrCat(members.size(), " of the ", reported,
                     " reported members are registered; register the other ",
                     reported - members.size(),
                     " so that every member is evaluated")));
  }
  for (const auto& [member_id, info] : members) {
    auto it = evaluations.find(member_id);
    if (it == evaluations.end() || !it->second.recorded()) {
      out.push_back(
          Reason(v1::BLOCKING_REASON_CODE_EVALUATION_MISSING,
                 absl::StrCat("member ", member_id,
                              ": no opinion is recorded for the ",
                              BatchName(s.roster.unit.batch()), " batch"),
                 member_id));
      continue;
    }
    const EvaluationState& e = it->second;
    if (!e.is_signed()) {
      std::string what;
      switch (e.phase) {
        case EvaluationPhase::kDisputed:
          what =
              "opinion disputed; revise it, show it again and have it "
              "signed";
          break;
        case EvaluationPhase::kShown:
          what = "opinion shown but not signed";
          break;
        default:
          what = "opinion not yet shown to the member for signing";
          break;
      }
      out.push_back(Reason(v1::BLOCKING_REASON_CODE_EVALUATION_UNSIGNED,
                           absl::StrCat("member ", member_id, ": ", what),
                           member_id));
    }
    if (e.transformation_required() && !e.has_measure_with_helper()) {
      out.push_back(Reason(
          v1::BLOCKING_REASON_CODE_TRANSFORMATION_MEASURE_MISSING,
          absl::StrCat("member ", member_id, " is rated ", RatingName(e.rating),
                       ": assign an education-transformation measure with a "
                       "named helper"),
          member_id));
    }
  }
}

}  // namespace unit_internal

}  // namespace reporting::domain
