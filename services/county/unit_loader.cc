#include "services/county/unit_loader.h"

#include <utility>

#include "absl/time/time.h"
#include "services/domain/dates.h"
#include "services/domain/evaluation.h"
#include "services/domain/ids.h"
#include "services/domain/registration.h"
#include "storage/status_macros.h"

namespace reporting::county {

absl::StatusOr<LoadedUnit> LoadUnit(absl::string_view unit_id,
                                    bool with_evaluations,
                                    StreamReader read_main, StreamReader read) {
  LoadedUnit loaded;
  ASSIGN_OR_RETURN(Stream unit, read_main(domain::UnitStream(unit_id)));
  loaded.stream_id = unit.id;
  ASSIGN_OR_RETURN(loaded.state, domain::FoldUnit(unit.events));
  if (!with_evaluations || !domain::NeedsMemberEvaluations(loaded.state)) {
    return loaded;
  }
  const int batch = domain::BatchNumber(loaded.state.roster.unit.batch());
  for (const auto& member : loaded.state.roster.members) {
    const std::string& member_id = member.first;
    ASSIGN_OR_RETURN(Stream evaluation,
                     read(domain::EvaluationStream(member_id, batch)));
    if (evaluation.events.empty()) continue;
    ASSIGN_OR_RETURN(loaded.evaluations[member_id],
                     domain::FoldEvaluation(evaluation.events));
  }
  return loaded;
}

std::string NodeToday(const NodeEnv& env) {
  return domain::DateOf(absl::FromUnixMicros(env.now_us()),
                        absl::LocalTimeZone());
}

}  // namespace reporting::county
