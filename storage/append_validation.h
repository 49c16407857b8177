// Checks an AppendRequest before anything is written. Every refusal is
// INVALID_ARGUMENT with a message a clerk can act on: it names the command,
// the event (by position and stream) and the limit.
//
// Thread safety: pure function.
#ifndef REPORTING_STORAGE_APPEND_VALIDATION_H_
#define REPORTING_STORAGE_APPEND_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "storage/event_log.h"

namespace reporting::storage {

// OK when: command_id is 1..kMaxCommandIdBytes and actor
// 1..kMaxActorBytes bytes; request_digest is empty or kDigestBytes; and
// either a refusal is to be recorded (no events, no expected versions) or
// there are 1..kMaxEventsPerAppend events, every stream id (also those
// named only in expected_versions) is valid (ValidateStreamId), and every
// payload is 1..kMaxPayloadBytes bytes and parses as its known event_type.
absl::Status ValidateAppendRequest(absl::string_view node_id,
                                   const AppendRequest& request);

// Non-empty, <= kMaxStreamIdBytes bytes, no NUL byte (NUL separates the
// stream id from the version in stream_index keys).
absl::Status ValidateStreamId(absl::string_view stream_id);

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_APPEND_VALIDATION_H_
