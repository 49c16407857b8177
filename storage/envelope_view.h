// EnvelopeView: the fields of a serialized reporting.v1.EventEnvelope as
// views into its bytes, decoded without building a message (no copies, no
// allocation). The replica ingest checks every received envelope with it.
//
// It accepts and refuses exactly what protobuf's own parser does for an
// EventEnvelope (pinned by envelope_view_test against ParseFromString):
// any field order; unknown fields (and known field numbers with another
// wire type) are skipped; a repeated singular field keeps its last value;
// the proto3 `string` fields must be valid UTF-8. Field grammar in
// storage/envelope.h.
//
// Thread safety: pure function.
#ifndef REPORTING_STORAGE_ENVELOPE_VIEW_H_
#define REPORTING_STORAGE_ENVELOPE_VIEW_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace reporting::storage {

struct EnvelopeView {
  absl::string_view node_id;     // 1
  uint64_t sequence = 0;         // 2
  absl::string_view stream_id;   // 3
  uint64_t stream_version = 0;   // 4
  absl::string_view event_id;    // 5
  absl::string_view event_type;  // 6
  int64_t recorded_at_us = 0;    // 7
  absl::string_view actor;       // 8
  absl::string_view command_id;  // 9
  absl::string_view payload;     // 10
  absl::string_view prev_hash;   // 11
};

// False when `envelope` would not parse as an EventEnvelope. On success
// the views point into `envelope`; absent fields are proto3 defaults.
bool DecodeEnvelopeView(absl::string_view envelope, EnvelopeView* out);

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_ENVELOPE_VIEW_H_
