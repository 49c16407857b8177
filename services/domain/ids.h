// The node's ids (events.proto conventions) and their checks.
//
//   node    = 1*16 (ALPHA / DIGIT)      e.g. "371302" (an administrative
//                                         code; city departments may use
//                                         e.g. "371300D03")
//   unit    = node "-U" 1*8 DIGIT        "371302-U0042"
//   branch  = unit "-B" 1*8 DIGIT        "371302-U0042-B01"
//   member  = unit "-M" 1*8 DIGIT        "371302-U0042-M0007"
//   item    = unit "-R" 1*8 DIGIT        "371302-U0042-R003" (rectification)
//   meeting = unit "-S" 1*8 DIGIT        "371302-U0042-S01"
//
// Ids are hierarchical, so the unit of a branch, member, item or meeting is
// its prefix: a command never needs a lookup to find the unit it concerns.
// Digit counts are not fixed (the examples use 4, 2, 4, 3 and 2), but
// "U42" and "U0042" are different ids.
//
// Refusals (decided here, once, for every command and read):
//   malformed id                         -> INVALID_ARGUMENT
//   well-formed id of another node       -> PERMISSION_DENIED (a node may
//                                           only record its own units; the
//                                           clerk has dialled the wrong node)
// Pure functions; thread-safe.
#ifndef REPORTING_SERVICES_DOMAIN_IDS_H_
#define REPORTING_SERVICES_DOMAIN_IDS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace reporting::domain {

enum class IdKind { kUnit, kBranch, kMember, kItem, kMeeting };

// "unit", "branch", "member", "rectification item", "meeting".
const char* IdKindName(IdKind kind);

// INVALID_ARGUMENT unless `node_id` is a well-formed node id.
absl::Status ValidateNodeId(absl::string_view node_id);

// Checks a unit/branch/member/item/meeting id: well-formed (INVALID_ARGUMENT,
// naming `field`) and of node `own_node` (PERMISSION_DENIED). Returns the
// id's unit id ("371302-U0042"; the id itself for kUnit).
absl::StatusOr<std::string> CheckId(IdKind kind, absl::string_view field,
                                    absl::string_view id,
                                    absl::string_view own_node);

// The unit id of a well-formed branch/member/item/meeting id (the part
// before the last "-"). Undefined for malformed ids: call CheckId first.
std::string UnitOf(absl::string_view id);

// The node id of a well-formed id (the part before the first "-").
std::string NodeOf(absl::string_view id);

// Stream ids of the layout in README.md.
std::string NodeStream(absl::string_view node_id);  // node/<id>
std::string UnitStream(absl::string_view unit_id);  // unit/<id>
std::string EvaluationStream(absl::string_view member_id,
                             int batch_number);           // evaluation/<id>/<n>
std::string MaterialStream(absl::string_view member_id);  // material/<id>
std::string MeetingStream(absl::string_view meeting_id);  // meeting/<id>
std::string RectificationStream(absl::string_view item_id);
std::string CensusStream(absl::string_view unit_id);  // census/<id>

}  // namespace reporting::domain

#endif  // REPORTING_SERVICES_DOMAIN_IDS_H_
