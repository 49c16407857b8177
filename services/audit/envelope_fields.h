// EnvelopeFields: the fields of a stored EventEnvelope that replay filters
// look at, decoded straight from the stored bytes as views into them (no
// message object, no copies). Replay uses it only when a filter needs a
// field; an unfiltered replay never decodes an envelope.
//
// Grammar (storage/envelope.h): a proto3 EventEnvelope; any field order is
// accepted, unknown fields are skipped, a repeated singular field keeps its
// last value (protobuf's own rule).
//
// Thread safety: pure functions.
#ifndef REPORTING_SERVICES_AUDIT_ENVELOPE_FIELDS_H_
#define REPORTING_SERVICES_AUDIT_ENVELOPE_FIELDS_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace reporting::audit {

struct EnvelopeFields {
  absl::string_view node_id;
  uint64_t sequence = 0;
  absl::string_view stream_id;
  absl::string_view event_type;
  int64_t recorded_at_us = 0;
  absl::string_view actor;
  absl::string_view command_id;
  absl::string_view payload;
  absl::string_view prev_hash;
};

// False when `envelope` is not a well-formed protobuf message. The views
// point into `envelope`.
bool DecodeEnvelopeFields(absl::string_view envelope, EnvelopeFields* out);

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_AUDIT_ENVELOPE_FIELDS_H_
