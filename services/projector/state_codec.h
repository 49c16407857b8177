// The county's aggregate states (services/county/domain/) to and from the
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
#include "services/county/domain/census.h"
#include "services/county/domain/evaluation.h"
#include "services/county/domain/material.h"
#include "services/county/domain/meeting.h"
#include "services/county/domain/rectification.h"
#include "services/county/domain/unit.h"

namespace reporting::projector {

// Drop what the read models never need. Idempotent.
void SlimUnit(county::UnitState& s);
void SlimEvaluation(county::EvaluationState& s);
void SlimMeeting(county::MeetingState& s);
void SlimRectification(county::RectificationState& s);
void SlimCensus(county::CensusState& s);

v1::ProjectedUnit ToProto(const county::UnitState& s);
v1::ProjectedEvaluation ToProto(const county::EvaluationState& s);
v1::ProjectedMaterial ToProto(const county::MaterialState& s);
v1::ProjectedMeeting ToProto(const county::MeetingState& s);
v1::ProjectedRectification ToProto(const county::RectificationState& s);
v1::ProjectedCensus ToProto(const county::CensusState& s);

// The same, into a message that is reused (its strings keep their
// buffers): every field is set.
void ToProto(const county::EvaluationState& s, v1::ProjectedEvaluation* p);
void ToProto(const county::MaterialState& s, v1::ProjectedMaterial* p);
void ToProto(const county::MeetingState& s, v1::ProjectedMeeting* p);
void ToProto(const county::RectificationState& s,
             v1::ProjectedRectification* p);

county::UnitState FromProto(const v1::ProjectedUnit& p);
county::EvaluationState FromProto(const v1::ProjectedEvaluation& p);
county::MaterialState FromProto(const v1::ProjectedMaterial& p);
county::MeetingState FromProto(const v1::ProjectedMeeting& p);
county::RectificationState FromProto(const v1::ProjectedRectification& p);
county::CensusState FromProto(const v1::ProjectedCensus& p);

}  // namespace reporting::projector

#endif  // REPORTING_SERVICES_PROJECTOR_STATE_CODEC_H_
