// Loading what the unit rules decide on: the unit's stream folded
// (unit.h) and, while the unit is in analysis-and-evaluation, each
// registered member's evaluation stream for the unit's batch folded
// (evaluation.h). The streams come through a reader the caller gives, so
// the same load serves the county's transition commands (which read
// through a CommandContext, so every stream lands in the read set), the
// county's read API and the city's dashboard (which read a log directly,
// services/common/log_stream.h).
#ifndef REPORTING_SERVICES_DOMAIN_UNIT_LOADER_H_
#define REPORTING_SERVICES_DOMAIN_UNIT_LOADER_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/domain/stream.h"
#include "services/domain/unit.h"

namespace reporting::domain {

struct LoadedUnit {
  std::string stream_id;  // "unit/<unit_id>"
  UnitState state;
  // Filled only when NeedsMemberEvaluations(state) and asked for.
  EvaluationsByMember evaluations;
};

// Reads one whole stream by its id.
using StreamReader =
    absl::FunctionRef<absl::StatusOr<Stream>(absl::string_view)>;

// Reads and folds unit `unit_id` (an id already checked with CheckId) with
// `read_main`, and, when `with_evaluations` and the unit's rules need them,
// its members' evaluations with `read`. Does not check that the unit is
// registered: the decisions do (NOT_FOUND). A reader's error is returned
// as it is.
absl::StatusOr<LoadedUnit> LoadUnit(absl::string_view unit_id,
                                    bool with_evaluations,
                                    StreamReader read_main, StreamReader read);

}  // namespace reporting::domain

#endif  // REPORTING_SERVICES_DOMAIN_UNIT_LOADER_H_
