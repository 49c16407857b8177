#include "services/audit/envelope_fields.h"

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "reporting/v1/envelope.pb.h"

namespace reporting::audit {
namespace {

using google::protobuf::internal::WireFormatLite;
using Envelope = v1::EventEnvelope;

bool ReadView(google::protobuf::io::CodedInputStream& in,
              absl::string_view whole, absl::string_view* out) {
  uint32_t size = 0;
  if (!in.ReadVarint32(&size)) return false;
  const int at = in.CurrentPosition();
  if (size > whole.size() - static_cast<size_t>(at)) return false;
  *out = whole.substr(static_cast<size_t>(at), size);
  return in.Skip(static_cast<int>(size));
}

}  // namespace

bool DecodeEnvelopeFields(absl::string_view envelope, EnvelopeFields* out) {
  *out = EnvelopeFields();
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(envelope.data()),
      static_cast<int>(envelope.size()));
  for (;;) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) return in.ConsumedEntireMessage();  // end, or a bad tag
    const int field = static_cast<int>(WireFormatLite::GetTagFieldNumber(tag));
    const auto wire = WireFormatLite::GetTagWireType(tag);
    const bool is_bytes = wire == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
    const bool is_varint = wire == WireFormatLite::WIRETYPE_VARINT;
    uint64_t v = 0;
    switch (field) {
      case Envelope::kNodeIdFieldNumber:
        if (!is_bytes || !ReadView(in, envelope, &out->node_id)) return false;
        continue;
      case Envelope::kSequenceFieldNumber:
        if (!is_varint || !in.ReadVarint64(&out->sequence)) return false;
        continue;
      case Envelope::kStreamIdFieldNumber:
        if (!is_bytes || !ReadView(in, envelope, &out->stream_id)) return false;
        continue;
      case Envelope::kEventTypeFieldNumber:
        if (!is_bytes || !ReadView(in, envelope, &out->event_type))
          return false;
        continue;
      case Envelope::kRecordedAtUsFieldNumber:
        if (!is_varint || !in.ReadVarint64(&v)) return false;
        out->recorded_at_us = static_cast<int64_t>(v);
        continue;
      case Envelope::kActorFieldNumber:
        if (!is_bytes || !ReadView(in, envelope, &out->actor)) return false;
        continue;
      case Envelope::kCommandIdFieldNumber:
        if (!is_bytes || !ReadView(in, envelope, &out->command_id))
          return false;
        continue;
      case Envelope::kPayloadFieldNumber:
        if (!is_bytes || !ReadView(in, envelope, &out->payload)) return false;
        continue;
      case Envelope::kPrevHashFieldNumber:
        if (!is_bytes || !ReadView(in, envelope, &out->prev_hash)) return false;
        continue;
      default:
        if (!WireFormatLite::SkipField(&in, tag)) return false;
    }
  }
}

}  // namespace reporting::audit
