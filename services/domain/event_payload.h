// Reading typed payloads out of envelopes, for the folds in this folder.
#ifndef REPORTING_SERVICES_DOMAIN_EVENT_PAYLOAD_H_
#define REPORTING_SERVICES_DOMAIN_EVENT_PAYLOAD_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "reporting/v1/envelope.pb.h"

namespace reporting::domain {

// True when the envelope holds an event of type M.
template <typename M>
bool Is(const v1::EventEnvelope& event) {
  return event.event_type() == M::descriptor()->full_name();
}

// The envelope's payload as M; INTERNAL (stored data the log accepted
// should always parse) naming the sequence otherwise.
template <typename M>
absl::StatusOr<M> PayloadAs(const v1::EventEnvelope& event) {
  M message;
  if (!Is<M>(event) || !message.ParseFromString(event.payload())) {
    return absl::InternalError(absl::StrCat("event ", event.sequence(), " in ",
                                            event.stream_id(), " is not a ",
                                            M::descriptor()->full_name()));
  }
  return message;
}

// PayloadAs into `message`, which is reused (a fold calls this for every
// event); same refusal as PayloadAs.
template <typename M>
absl::Status PayloadInto(const v1::EventEnvelope& event, M& message) {
  if (!Is<M>(event) || !message.ParseFromString(event.payload())) {
    return absl::InternalError(absl::StrCat("event ", event.sequence(), " in ",
                                            event.stream_id(), " is not a ",
                                            M::descriptor()->full_name()));
  }
  return absl::OkStatus();
}

// Parses the payload of `event` (whose type the fold named `fold` has
// already dispatched on) into `message`: INTERNAL "<fold> fold: cannot
// parse <type> at sequence <n> of stream <id>" when it does not parse.
template <typename M>
absl::Status ParseForFold(absl::string_view fold,
                          const v1::EventEnvelope& event, M& message) {
  if (!message.ParseFromString(event.payload())) {
    return absl::InternalError(absl::StrCat(
        fold, " fold: cannot parse ", event.event_type(), " at sequence ",
        event.sequence(), " of stream ", event.stream_id()));
  }
  return absl::OkStatus();
}

}  // namespace reporting::domain

#endif  // REPORTING_SERVICES_DOMAIN_EVENT_PAYLOAD_H_
