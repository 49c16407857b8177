// Which unit and which member an event's payload names: the meaning of
// ReplayRequest.unit_id and member_id (audit.proto; README.md "Filters").
//
// An event NAMES UNIT U when a top-level string field of its payload
//   - called `unit_id` equals U, or
//   - called `branch_id`, `member_id`, `item_id` or `meeting_id` holds an
//     id whose unit is U (ids are hierarchical, services/domain/ids.h: the
//     unit of "371302-U0042-M0007" is "371302-U0042", the part before the
//     last "-").
// An event NAMES MEMBER M when a top-level string field of its payload
// called `member_id` equals M.
//
// With the stream layout (services/domain/README.md) this gives:
// unit U's filter returns every event of unit/U and census/U, of the
// evaluation and material streams of U's members, of U's meetings and of
// U's rectification items; member M's filter returns M's MemberRegistered
// (in the unit stream) and every event of M's evaluation and material
// streams. NodeRegistered names no unit. Every payload of events.proto
// that belongs to a unit carries one of these fields (unit_id, or the id
// of the member, item or meeting it concerns), so the rule needs no state
// and no lookup, and an auditor can apply it to an export by hand.
//
// Speed: the field numbers are looked up once per event type from the
// registry's descriptors (proto/event_types.h), then a payload is scanned
// on the wire (no message is built); a payload whose bytes do not contain
// the id at all (string fields are stored verbatim) is rejected without
// decoding. Event types unknown to this build name nothing.
//
// Thread safety: pure functions over an immutable table built on first use.
#ifndef REPORTING_SERVICES_AUDIT_PAYLOAD_NAMES_H_
#define REPORTING_SERVICES_AUDIT_PAYLOAD_NAMES_H_

#include "absl/strings/string_view.h"

namespace reporting::audit {

// True when `id`'s unit is `unit_id` (id = unit_id "-" part, no further
// "-"), e.g. UnitOfIdIs("371302-U0042-M0007", "371302-U0042").
bool UnitOfIdIs(absl::string_view id, absl::string_view unit_id);

// The rules above, for a payload of `event_type`. A payload that does not
// decode names nothing.
bool PayloadNamesUnit(absl::string_view event_type, absl::string_view payload,
                      absl::string_view unit_id);
bool PayloadNamesMember(absl::string_view event_type, absl::string_view payload,
                        absl::string_view member_id);

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_AUDIT_PAYLOAD_NAMES_H_
