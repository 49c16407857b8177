#include "services/domain/unit_loader.h"

#include <utility>

#include "services/domain/evaluation.h"
#include "services/domain/ids.h"
#include "services/domain/registration.h"

namespace reporting::domain {

absl::StatusOr<LoadedUnit> LoadUnit(absl::string_view unit_id,
                                    bool with_evaluations,
                                    StreamReader read_main, StreamReader read) {
  LoadedUnit loaded;
  absl::StatusOr<Stream> unit = read_main(UnitStream(unit_id));
  if (!unit.ok()) return unit.status();
  loaded.stream_id = unit->id;
  absl::StatusOr<UnitState> state = FoldUnit(unit->events);
  if (!state.ok()) return state.status();
  loaded.state = *std::move(state);
  if (!with_evaluations || !NeedsMemberEvaluations(loaded.state)) {
    return loaded;
  }
  const int batch = BatchNumber(loaded.state.roster.unit.batch());
  for (const auto& member : loaded.state.roster.members) {
    const std::string& member_id = member.first;
    absl::StatusOr<Stream> evaluation =
        read(EvaluationStream(member_id, batch));
    if (!evaluation.ok()) return evaluation.status();
    if (evaluation->events.empty()) continue;
    absl::StatusOr<EvaluationState> folded = FoldEvaluation(evaluation->events);
    if (!folded.ok()) return folded.status();
    loaded.evaluations[member_id] = *std::move(folded);
  }
  return loaded;
}

}  // namespace reporting::domain
