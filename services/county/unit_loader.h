// Loading what the unit rules decide on: the unit's stream folded
// (domain/unit.h) and, while the unit is in analysis-and-evaluation, each
// registered member's evaluation stream for the unit's batch folded
// (domain/evaluation.h). Shared by the transition commands (which read
// through a CommandContext, so every stream lands in the read set) and the
// clerk's read API (which reads the log directly).
//
// Also the node's calendar date, which the overdue rule and date defaults
// use.
#ifndef REPORTING_SERVICES_COUNTY_UNIT_LOADER_H_
#define REPORTING_SERVICES_COUNTY_UNIT_LOADER_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/county/command_context.h"
#include "services/domain/unit.h"

namespace reporting::county {

struct LoadedUnit {
  std::string stream_id;  // "unit/<unit_id>"
  domain::UnitState state;
  // Filled only when NeedsMemberEvaluations(state) and asked for.
  domain::EvaluationsByMember evaluations;
};

using StreamReader =
    absl::FunctionRef<absl::StatusOr<Stream>(absl::string_view)>;

// Reads and folds unit `unit_id` (an id already checked with CheckId) with
// `read_main`, and, when `with_evaluations` and the unit's rules need them,
// its members' evaluations with `read`. Does not check that the unit is
// registered: the decisions do (NOT_FOUND).
absl::StatusOr<LoadedUnit> LoadUnit(absl::string_view unit_id,
                                    bool with_evaluations,
                                    StreamReader read_main, StreamReader read);

// The node's date, "YYYY-MM-DD", by the node's clock in the local time zone
// (events.proto: dates are in the node's local time).
std::string NodeToday(const NodeEnv& env);

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_UNIT_LOADER_H_
