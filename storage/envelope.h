// Building and encoding the event envelope (reporting.v1.EventEnvelope).
// An envelope is serialized exactly once, here, and those bytes are what
// the log stores and hashes; nobody re-encodes them.
//
// Thread safety: pure functions, safe from any thread.
#ifndef REPORTING_STORAGE_ENVELOPE_H_
#define REPORTING_STORAGE_ENVELOPE_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "reporting/v1/envelope.pb.h"

namespace reporting::storage {

// A random (version 4) UUID in lower-case 8-4-4-4-12 text form, from
// OpenSSL's RAND_bytes.
inline constexpr size_t kEventIdChars = 36;
std::string NewEventId();
// The same, written to out[0, kEventIdChars) (the append path: no
// allocation per event).
void NewEventIdTo(char* out);

// Deterministic serialization of env (fields in field-number order). The
// reference encoding; EnvelopeEncoder must produce the same bytes.
std::string SerializeEnvelope(const v1::EventEnvelope& env);

// The append path's encoder: writes an EventEnvelope's deterministic proto3
// encoding directly, byte-identical to SerializeEnvelope (pinned by
// envelope_test), without building a message or copying the payload twice.
// The fields every event of one append shares (node_id; recorded_at_us,
// actor, command_id) are encoded once, in the constructor.
//
//   envelope := [0x0A len node_id] [0x10 varint sequence]
//               [0x1A len stream_id] [0x20 varint stream_version]
//               [0x2A len event_id] [0x32 len event_type]
//               [0x38 varint recorded_at_us] [0x42 len actor]
//               [0x4A len command_id] [0x52 len payload] [0x5A len prev_hash]
//   (proto3: a field equal to its default, 0 or "", is omitted)
//
// Thread compatibility: one encoder per append, used by one thread; Reset
// readies it for the next append, keeping its buffers.
class EnvelopeEncoder {
 public:
  EnvelopeEncoder() = default;
  EnvelopeEncoder(absl::string_view node_id, int64_t recorded_at_us,
                  absl::string_view actor, absl::string_view command_id) {
    Reset(node_id, recorded_at_us, actor, command_id);
  }
  void Reset(absl::string_view node_id, int64_t recorded_at_us,
             absl::string_view actor, absl::string_view command_id);

  // Appends one event's envelope bytes to *out.
  void Append(uint64_t sequence, absl::string_view stream_id,
              uint64_t stream_version, absl::string_view event_id,
              absl::string_view event_type, absl::string_view payload,
              absl::string_view prev_hash, std::string* out) const;

 private:
  std::string node_field_;   // field 1
  std::string shared_tail_;  // fields 7, 8, 9
};

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_ENVELOPE_H_
