// The form every command request must have before anything else is looked
// at (command.proto, "Limits"): no field the schema does not define, and
// every text within its limit. Checked by RunCommand before the command id
// is looked up, so a refused request is not recorded and writes nothing.
//
//   unknown fields       INVALID_ARGUMENT naming the field number and the
//                        message it was found in; nested data the schema
//                        does not define (however deep) is an unknown field
//   ids, dates           fields named *_id, *_on and deadline: at most
//                        kMaxCodeBytes (their formats are checked by the
//                        command)
//   names                name, *_name, responsible_person, reviewer,
//                        approving_body, category, scope: kMaxNameBytes
//   other text           kMaxTextBytes (descriptions, reasons, reviews...)
//   repeated fields      at most kMaxEntries entries
//   the whole body       at most kMaxBodyBytes serialized, so that its
//                        event (the body plus the fields the node derives)
//                        stays within storage::kMaxPayloadBytes
//
// CommandMeta's own limits are ValidateMeta's (command_context.h).
//
// Pure functions; thread-safe.
#ifndef REPORTING_SERVICES_COUNTY_REQUEST_FORM_H_
#define REPORTING_SERVICES_COUNTY_REQUEST_FORM_H_

#include <cstddef>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "storage/event_log.h"

namespace reporting::county {

inline constexpr size_t kMaxCodeBytes = 64;
inline constexpr size_t kMaxNameBytes = 256;
inline constexpr size_t kMaxTextBytes = 8 * 1024;
inline constexpr int kMaxEntries = 100;
inline constexpr size_t kMaxBodyBytes = 60 * 1024;
static_assert(kMaxBodyBytes + 4 * 1024 <= storage::kMaxPayloadBytes,
              "room for the fields the node derives");

// The limit of a string field by the rule above.
size_t TextLimit(const google::protobuf::FieldDescriptor& field);

// INVALID_ARGUMENT for an unknown field anywhere in `request` (or in a
// message it holds).
absl::Status RefuseUnknownFields(const google::protobuf::Message& request);

// INVALID_ARGUMENT unless `request` (a CommandService request: `meta` and
// `body`) has no unknown field and its body keeps every limit above.
absl::Status CheckRequestForm(const google::protobuf::Message& request);

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_REQUEST_FORM_H_
