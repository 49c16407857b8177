// The county's aggregate states (services/domain/) to and from the
// projector's persisted state messages (projection.proto Projected*).
//
// The messages keep exactly what the read models and the rule check
// (rule_check.h) depend on: the lines of state_schema.h, plus the map-shaped
// members converted by hand here (kUnitByHand, kCensusByHand). ToProto drops
// the rest (names, free texts). Slim* drops the same parts from an in-memory
// state, so that a state rebuilt from its row equals the state the projector
// holds: FromProto(ToProto(Slim(s))) == Slim(s) (state_schema_test).
//
// Pure functions; thread-compatible.
#ifndef REPORTING_SERVICES_PROJECTOR_STATE_CODEC_H_
#define REPORTING_SERVICES_PROJECTOR_STATE_CODEC_H_

#include "reporting/v1/projection.pb.h"
#include "services/domain/census.h"
#include "services/domain/evaluation.h"
#include "services/domain/material.h"
#include "services/domain/meeting.h"
#include "services/domain/rectification.h"
#include "services/domain/unit.h"

namespace reporting::projector {

// Drop what the read models never need. Idempotent.
void SlimUnit(domain::UnitState& s);
void SlimEvaluation(domain::EvaluationState& s);
void SlimMeeting(domain::MeetingState& s);
void SlimRectification(domain::RectificationState& s);
void SlimCensus(domain::CensusState& s);

v1::ProjectedUnit ToProto(const domain::UnitState& s);
v1::ProjectedEvaluation ToProto(const domain::EvaluationState& s);
v1::ProjectedMaterial ToProto(const domain::MaterialState& s);
v1::ProjectedMeeting ToProto(const domain::MeetingState& s);
v1::ProjectedRectification ToProto(const domain::RectificationState& s);
v1::ProjectedCensus ToProto(const domain::CensusState& s);

domain::UnitState FromProto(const v1::ProjectedUnit& p);
domain::EvaluationState FromProto(const v1::ProjectedEvaluation& p);
domain::MaterialState FromProto(const v1::ProjectedMaterial& p);
domain::MeetingState FromProto(const v1::ProjectedMeeting& p);
domain::RectificationState FromProto(const v1::ProjectedRectification& p);
domain::CensusState FromProto(const v1::ProjectedCensus& p);

// The fields not in state_schema.h: the unit's and the census's map-shaped
// members, converted by hand in state_codec.cc, and the unit's node_id,
// which the projector sets from the row's key.
inline constexpr int kUnitByHand[] = {
    v1::ProjectedUnit::kNodeIdFieldNumber,
    v1::ProjectedUnit::kBranchIdsFieldNumber,
    v1::ProjectedUnit::kMemberIdsFieldNumber,
    v1::ProjectedUnit::kMemberBranchIdsFieldNumber,
    v1::ProjectedUnit::kChecksFieldNumber,
    v1::ProjectedUnit::kSummariesFiledFieldNumber,
};
inline constexpr int kCensusByHand[] = {
    v1::ProjectedCensus::kResolvedProblemIdsFieldNumber,
};

}  // namespace reporting::projector

#endif  // REPORTING_SERVICES_PROJECTOR_STATE_CODEC_H_
