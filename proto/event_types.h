// The registry of domain event types: every message of
// reporting/v1/events.proto, by its full protobuf name.
//
// Thread safety: all functions are safe to call concurrently.
#ifndef REPORTING_PROTO_EVENT_TYPES_H_
#define REPORTING_PROTO_EVENT_TYPES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace reporting::events {

// True when `type` names a message of events.proto, e.g.
// "reporting.v1.EvaluationRecorded".
bool IsKnownType(absl::string_view type);

// All event type names, sorted.
const std::vector<std::string>& AllTypes();

// The full event type name of a payload message.
template <typename M>
std::string TypeOf() {
  return std::string(M::descriptor()->full_name());
}

// Checks that `type` is a known event type and that `payload` parses as that
// message. INVALID_ARGUMENT otherwise, naming the type.
absl::Status ValidatePayload(absl::string_view type, absl::string_view payload);

// Parses `payload` as the message named by `type` (INVALID_ARGUMENT when
// unknown or malformed).
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> ParsePayload(
    absl::string_view type, absl::string_view payload);

}  // namespace reporting::events

#endif  // REPORTING_PROTO_EVENT_TYPES_H_
