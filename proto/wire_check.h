// A fast check that bytes parse as a message, for the append path: every
// event's payload is checked before it is stored, and parsing it into a
// message (with protobuf's UTF-8 check of every string) cost more than
// hashing and encoding the event.
//
// SurelyParses walks the wire format against a plan of the message type
// (field number -> what it holds) without building a message. It is
// conservative: it answers true only for bytes the protobuf parser accepts,
// and false whenever it cannot be sure, e.g. for an unknown field, a field
// sent with another wire type than its declared one, a group, a 10-byte
// varint or nesting deeper than kMaxDepth. A false is not a refusal: the
// caller parses with protobuf, which decides. So "SurelyParses or protobuf
// parses" accepts exactly what protobuf accepts (wire_check_test checks
// that on mutated payloads of every event type and on every UTF-8 sequence
// of up to three bytes).
//
// Thread safety: safe to call concurrently.
#ifndef REPORTING_PROTO_WIRE_CHECK_H_
#define REPORTING_PROTO_WIRE_CHECK_H_

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace reporting::events {

// Deeper nesting is left to protobuf (its own limit is 100).
inline constexpr int kMaxDepth = 32;

// True only if `bytes` parse as `type`, a message of the generated pool
// with proto3 semantics; false when unsure (see above).
bool SurelyParses(const google::protobuf::Descriptor& type,
                  absl::string_view bytes);

// True for well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), as protobuf requires of proto3 strings.
bool IsValidUtf8(absl::string_view s);

}  // namespace reporting::events

#endif  // REPORTING_PROTO_WIRE_CHECK_H_
