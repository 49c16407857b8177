// The digest of a command request that its command id is recorded with
// (proto/reporting/v1/command.proto, "A command id is answered once"): a
// resend of the same request has the same digest; a command id reused for
// a different request is refused with ALREADY_EXISTS.
//
//   digest := SHA-256( full_name || 0x00 || deterministic(canonical) )
//
// full_name is the request message's protobuf full name (e.g.
// "reporting.v1.CompleteRectificationRequest"); deterministic() is
// protobuf's deterministic serialization; canonical is the request with
// the fields that do not say what is asked cleared: meta.command_id (the
// key itself) and meta.expected_version (a precondition on the state: a
// client that re-reads and resends with a newer version still asks the
// same thing). For ImportBatchRequest: batch_id. Everything else (actor,
// body, an import's rows) is covered.
//
// Thread safety: pure functions.
#ifndef REPORTING_SERVICES_COUNTY_REQUEST_DIGEST_H_
#define REPORTING_SERVICES_COUNTY_REQUEST_DIGEST_H_

#include <string>

#include "google/protobuf/message.h"
#include "reporting/v1/clerk.pb.h"

namespace reporting::county {

// SHA-256 (32 bytes) of `canonical` as above; the caller clears the
// fields first (CommandDigest and ImportDigest do).
std::string RequestDigest(const google::protobuf::Message& canonical);

// A CommandService request (any message with a `CommandMeta meta`).
template <typename Request>
std::string CommandDigest(const Request& request) {
  Request canonical = request;
  canonical.mutable_meta()->clear_command_id();
  canonical.mutable_meta()->clear_expected_version();
  return RequestDigest(canonical);
}

std::string ImportDigest(const v1::ImportBatchRequest& request);

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_REQUEST_DIGEST_H_
