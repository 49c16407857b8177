// Figures (projection.proto NodeFigures): what each aggregate contributes
// to its node's counts, and the query-time parts (overdue, completion rate).
//
// A node's figures are the sum of its aggregates' contributions. The
// projector keeps them incrementally: before an event it subtracts the
// aggregate's contribution (sign -1), after it adds the new one (sign +1).
// Map entries that fall to zero are erased, so incremental figures and
// figures built from scratch are equal messages.
//
// Meaning comes from the county's domain code (NextStep, BlockingReasons,
// OverTenPercent, NeedsTransformation, IsOverdue, RectificationState's
// planned()/closed()); this file only counts.
//
// Pure functions; thread-compatible.
#ifndef REPORTING_SERVICES_PROJECTOR_FIGURES_H_
#define REPORTING_SERVICES_PROJECTOR_FIGURES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "reporting/v1/projection.pb.h"
#include "services/domain/census.h"
#include "services/domain/evaluation.h"
#include "services/domain/material.h"
#include "services/domain/meeting.h"
#include "services/domain/rectification.h"
#include "services/domain/unit.h"

namespace reporting::projector {

// The proto condition of a unit whose reasons have these codes
// (domain::ConditionOf: blocked versus waiting).
v1::UnitCondition ConditionOf(const std::vector<v1::BlockingReasonCode>& codes);

// "YYYY-MM-DD", the UTC day of `us` (us since epoch): the key of
// UnitFigures.waiting_since.
std::string UtcDay(int64_t us);

// The unit's row: stage, next step, blocking reasons by code (from
// domain::BlockingReasons with the members' opinions), latest survey.
v1::UnitRow MakeUnitRow(absl::string_view node_id,
                        const domain::UnitState& unit,
                        const domain::EvaluationsByMember& evaluations);

v1::RectificationRow MakeRectificationRow(
    absl::string_view node_id, const domain::RectificationState& item);

// Contributions; sign is +1 or -1.
void AddUnit(const v1::UnitRow& row, int sign, v1::UnitFigures& out);
void AddEvaluation(const domain::EvaluationState& s, int sign,
                   v1::EvaluationFigures& out);
void AddMaterial(const domain::MaterialState& s, int sign,
                 v1::MaterialFigures& out);
void AddMeeting(const domain::MeetingState& s, int sign,
                v1::MeetingFigures& out);
void AddRectification(const domain::RectificationState& s, int sign,
                      v1::RectificationFigures& out);
void AddCensus(const domain::CensusState& s, int sign, v1::CensusFigures& out);

// out += in, every count and map entry (names and ids untouched).
void AddFigures(const v1::NodeFigures& in, v1::NodeFigures& out);
void AddCensusFigures(const v1::CensusFigures& in, v1::CensusFigures& out);

// Fills the parts that depend on the day asked: overdue (open planned items
// with a deadline before `today`, as domain::IsOverdue) and the completion
// rate.
void FinishForDay(absl::string_view today, v1::NodeFigures& figures);

// domain::IsOverdue for a row; fills row.overdue and returns it.
bool MarkOverdue(absl::string_view today, v1::RectificationRow& row);

}  // namespace reporting::projector

#endif  // REPORTING_SERVICES_PROJECTOR_FIGURES_H_
