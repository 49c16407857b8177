// State rows of the numerous kinds (opinions, materials, meetings,
// rectification items: most of a rebuild's rows), encoded straight from the
// county's structs: byte for byte what SerializeRow gives for a
// ProjectedAggregate holding ToProto(state), without building a message.
//
// The bytes (protobuf wire format, as the generated code writes a proto3
// message: fields in number order, fields equal to their default left out;
// state_row_test pins them against SerializeRow):
//
//   row       := tag(kind_field, LEN) varint(size(inner)) inner
//   inner     := field*                       in field-number order
//   field     := tag(n, VARINT) varint(value)  integers, bools, enums
//                                              (an enum < 0 as 10 bytes)
//              | tag(n, LEN) varint(len) bytes strings
//   tag(n, w) := varint(n << 3 | w)
//
// kind_field: evaluation 2, material 3, meeting 4, rectification 5
// (projection.proto ProjectedAggregate); inner's fields as in
// ProjectedEvaluation, ProjectedMaterial, ProjectedMeeting,
// ProjectedRectification, from the lines of state_schema.h (the same lines
// ToProto reads).
//
// Pure functions; thread-compatible.
#ifndef REPORTING_SERVICES_PROJECTOR_STATE_ROW_H_
#define REPORTING_SERVICES_PROJECTOR_STATE_ROW_H_

#include <string>

#include "services/domain/evaluation.h"
#include "services/domain/material.h"
#include "services/domain/meeting.h"
#include "services/domain/rectification.h"

namespace reporting::projector {

std::string EncodeStateRow(const domain::EvaluationState& s);
std::string EncodeStateRow(const domain::MaterialState& s);
std::string EncodeStateRow(const domain::MeetingState& s);
std::string EncodeStateRow(const domain::RectificationState& s);

}  // namespace reporting::projector

#endif  // REPORTING_SERVICES_PROJECTOR_STATE_ROW_H_
