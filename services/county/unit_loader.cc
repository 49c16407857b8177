#include "services/county/unit_loader.h"

#include <utility>

#include "absl/time/time.h"
#include "services/county/domain/dates.h"
#include "services/county/domain/evaluation.h"
#include "services/county/domain/registration.h"
#include "services/county/ids.h"
#include "storage/status_macros.h"

namespace reporting::county {

absl::StatusOr<LoadedUnit> LoadUnit(absl::string_view unit_id,
                                    bool with_evaluations,
                                    StreamReader read_main, StreamReader read) {
  LoadedUnit loaded;
  ASSIGN_OR_RETURN(Stream unit, read_main(UnitStream(unit_id)));
  loaded.stream_id = unit.id;
  ASSIGN_OR_RETURN(loaded.state, FoldUnit(unit.events));
  if (!with_evaluations || !NeedsMemberEvaluations(loaded.state)) {
    return loaded;
  }
  const int batch = BatchNumber(loaded.state.roster.unit.batch());
  for (const auto& member : loaded.state.roster.members) {
    const std::string& member_id = member.first;
    ASSIGN_OR_RETURN(Stream evaluation,
                     read(EvaluationStream(member_id, batch)));
    if (evaluation.events.empty()) continue;
    ASSIGN_OR_RETURN(loaded.evaluations[member_id],
                     FoldEvaluation(evaluation.events));
  }
  return loaded;
}

std::string NodeToday(const NodeEnv& env) {
  return DateOf(absl::FromUnixMicros(env.now_us()), absl::LocalTimeZone());
}

}  // namespace reporting::county
