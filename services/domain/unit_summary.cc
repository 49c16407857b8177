// The stage's work summary, filed for record (unit.h).
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/domain/text.h"
#include "services/domain/unit.h"
#include "services/domain/unit_internal.h"

namespace reporting::domain {

absl::StatusOr<v1::StageWorkSummaryFiled> DecideFileWorkSummary(
    const UnitState& s, const v1::StageWorkSummaryFiled& request) {
  const std::string& id = request.unit_id();
  const std::pair<absl::string_view, const std::string*> parts[] = {
      {"basic situation", &request.basic_situation()},
      {"main practices", &request.main_practices()},
      {"initial results", &request.initial_results()},
      {"basic experience", &request.basic_experience()},
      {"prominent problems", &request.prominent_problems()},
      {"improvement measures", &request.improvement_measures()},
      {"suggestions", &request.suggestions()},
  };
  std::vector<absl::string_view> missing;
  for (const auto& [name, value] : parts) {
    if (IsBlank(*value)) missing.push_back(name);
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", id, ": the work summary needs all seven parts; missing: ",
        absl::StrJoin(missing, ", ")));
  }
  v1::Stage stage = request.stage();
  if (stage != v1::STAGE_UNSPECIFIED &&
      (!v1::Stage_IsValid(stage) || stage == v1::STAGE_COMPLETED)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", id, ": a work summary is filed for stage 1, 2 or 3, not ",
        static_cast<int>(stage)));
  }
  if (absl::Status error = RequireUnit(s.roster, id); !error.ok()) return error;
  if (stage == v1::STAGE_UNSPECIFIED) {
    if (s.stage == v1::STAGE_COMPLETED) {
      return absl::InvalidArgumentError(
          absl::StrCat("unit ", id,
                       " has completed the campaign; name the stage the "
                       "summary is for"));
    }
    stage = s.stage;
  }
  if (stage > s.stage) {
    return absl::FailedPreconditionError(absl::StrCat(
        "unit ", id, " cannot file a work summary for stage ", StageName(stage),
        ": it is still in stage ", StageName(s.stage)));
  }
  if (s.summaries.count(stage) != 0) {
    return absl::AlreadyExistsError(absl::StrCat(
        "unit ", id, " has already filed its work summary for stage ",
        StageName(stage)));
  }
  v1::StageWorkSummaryFiled event = request;
  event.set_stage(stage);
  return event;
}

}  // namespace reporting::domain
