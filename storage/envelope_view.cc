#include "storage/envelope_view.h"

#include "google/protobuf/stubs/common.h"

namespace reporting::storage {
namespace {

// Protobuf wire types.
enum Wire : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

// Nesting protobuf's parser accepts for unknown groups.
constexpr int kMaxGroupDepth = 100;

class Reader {
 public:
  explicit Reader(absl::string_view bytes)
      : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  bool done() const { return p_ == end_; }

  // Up to 10 bytes; bits past 64 are dropped, as protobuf does.
  bool Varint(uint64_t* v) {
    uint64_t r = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (p_ == end_) return false;
      const uint8_t b = static_cast<uint8_t>(*p_++);
      r |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) {
        *v = r;
        return true;
      }
    }
    return false;
  }

  // A tag: a varint of at most 5 bytes whose bits past 32 are dropped, as
  // protobuf's ReadTag does (parse_context.h: a 5-byte tag's last byte may
  // carry bits above 32; only a sixth byte is refused).
  bool Tag(uint32_t* v) {
    uint64_t r = 0;
    const char* start = p_;
    if (!Varint(&r) || p_ - start > 5) return false;
    *v = static_cast<uint32_t>(r);
    return true;
  }

  // A length: a varint of at most 5 bytes that fits 32 bits.
  bool Varint32(uint32_t* v) {
    uint64_t r = 0;
    const char* start = p_;
    if (!Varint(&r) || p_ - start > 5 || r > 0xffffffffu) return false;
    *v = static_cast<uint32_t>(r);
    return true;
  }

  bool Bytes(absl::string_view* v) {
    uint32_t size = 0;
    if (!Varint32(&size) || size > 0x7fffffffu ||
        size > static_cast<size_t>(end_ - p_)) {
      return false;
    }
    *v = absl::string_view(p_, size);
    p_ += size;
    return true;
  }

  bool Skip(size_t n) {
    if (n > static_cast<size_t>(end_ - p_)) return false;
    p_ += n;
    return true;
  }

  // Skips an unknown field whose tag was just read.
  bool SkipField(uint32_t tag, int depth) {
    uint64_t v = 0;
    absl::string_view s;
    switch (tag & 7) {
      case kVarint:
        return Varint(&v);
      case kFixed64:
        return Skip(8);
      case kLengthDelimited:
        return Bytes(&s);
      case kFixed32:
        return Skip(4);
      case kStartGroup:
        return SkipGroup(tag >> 3, depth + 1);
      default:  // an end group here, or wire types 6 and 7
        return false;
    }
  }

 private:
  bool SkipGroup(uint32_t field, int depth) {
    if (depth > kMaxGroupDepth) return false;
    for (;;) {
      uint32_t tag = 0;
      if (!Tag(&tag) || (tag >> 3) == 0) return false;
      if ((tag & 7) == kEndGroup) return (tag >> 3) == field;
      if (!SkipField(tag, depth)) return false;
    }
  }

  const char* p_;
  const char* const end_;
};

bool Utf8(absl::string_view s) {
  return google::protobuf::internal::IsStructurallyValidUTF8(
      s.data(), static_cast<int>(s.size()));
}

}  // namespace

bool DecodeEnvelopeView(absl::string_view envelope, EnvelopeView* out) {
  *out = EnvelopeView();
  Reader in(envelope);
  while (!in.done()) {
    uint32_t tag = 0;
    if (!in.Tag(&tag) || (tag >> 3) == 0) return false;
    const uint32_t wire = tag & 7;
    absl::string_view* text = nullptr;   // a proto3 string: UTF-8
    absl::string_view* bytes = nullptr;  // a bytes field
    uint64_t* number = nullptr;          // a varint field
    uint64_t recorded_at = 0;
    switch (tag >> 3) {
      case 1:
        text = &out->node_id;
        break;
      case 2:
        number = &out->sequence;
        break;
      case 3:
        text = &out->stream_id;
        break;
      case 4:
        number = &out->stream_version;
        break;
      case 5:
        text = &out->event_id;
        break;
      case 6:
        text = &out->event_type;
        break;
      case 7:
        number = &recorded_at;
        break;
      case 8:
        text = &out->actor;
        break;
      case 9:
        text = &out->command_id;
        break;
      case 10:
        bytes = &out->payload;
        break;
      case 11:
        bytes = &out->prev_hash;
        break;
      default:
        break;
    }
    if ((text != nullptr || bytes != nullptr) && wire == kLengthDelimited) {
      absl::string_view* field = text != nullptr ? text : bytes;
      if (!in.Bytes(field)) return false;
      if (text != nullptr && !Utf8(*field)) return false;
    } else if (number != nullptr && wire == kVarint) {
      if (!in.Varint(number)) return false;
      if (number == &recorded_at) {
        out->recorded_at_us = static_cast<int64_t>(recorded_at);
      }
    } else if (!in.SkipField(tag, 0)) {
      // Unknown, or a known number with another wire type (which protobuf
      // also keeps as an unknown field).
      return false;
    }
  }
  return true;
}

}  // namespace reporting::storage
