// The county's aggregate states (services/domain/) to and from the
// projector's persisted state messages (projection.proto Projected*).
//
// The messages keep exactly what the read models and the rule check
// (rule_check.h) depend on; ToProto drops the rest (names, free texts). Slim*
// drops the same parts from an in-memory state, so that a state rebuilt from
// its row equals the state the projector holds: FromProto(ToProto(Slim(s))) ==
// Slim(s).
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

// The same, into a message that is reused (its strings keep their
// buffers): every field is set.
void ToProto(const domain::EvaluationState& s, v1::ProjectedEvaluation* p);
void ToProto(const domain::MaterialState& s, v1::ProjectedMaterial* p);
void ToProto(const domain::MeetingState& s, v1::ProjectedMeeting* p);
void ToProto(const domain::RectificationState& s,
             v1::ProjectedRectification* p);

domain::UnitState FromProto(const v1::ProjectedUnit& p);
domain::EvaluationState FromProto(const v1::ProjectedEvaluation& p);
domain::MaterialState FromProto(const v1::ProjectedMaterial& p);
domain::MeetingState FromProto(const v1::ProjectedMeeting& p);
domain::RectificationState FromProto(const v1::ProjectedRectification& p);
domain::CensusState FromProto(const v1::ProjectedCensus& p);

}  // namespace reporting::projector

#endif  // REPORTING_SERVICES_PROJECTOR_STATE_CODEC_H_
