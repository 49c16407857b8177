#include "services/projector/state_row.h"

#include <cstdint>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "services/projector/state_schema.h"

namespace reporting::projector {
namespace {

constexpr uint32_t kVarint = 0;
constexpr uint32_t kLength = 2;

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

char* PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

// Enums are int32 on the wire: a negative one is sign-extended.
uint64_t EnumValue(int v) {
  return static_cast<uint64_t>(static_cast<int64_t>(v));
}

// A field's value as the wire has it: strings as they are, every other
// kind as a varint.
struct Value {
  bool is_string = false;
  absl::string_view text;
  uint64_t number = 0;
};

// Field `m` of a message member (state_schema.h Part): a string or an enum.
// Through reflection: meetings are few.
Value PartValue(const google::protobuf::Message& part, int m) {
  const google::protobuf::FieldDescriptor* f =
      part.GetDescriptor()->FindFieldByNumber(m);
  const google::protobuf::Reflection& r = *part.GetReflection();
  if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING) {
    return {true, r.GetStringReference(part, f, nullptr), 0};
  }
  return {false, {}, EnumValue(r.GetEnumValue(part, f))};
}

// The visitor of state_schema.h's flat lines over one pass: Out gives
// Varint(field, value) and String(field, bytes). Every field number of the
// flat states is below 16, so each tag is one byte (state_schema_test).
template <typename Out>
class Lines {
 public:
  explicit Lines(Out& out) : out_(out) {}
  void Str(uint32_t n, const std::string& v) { out_.String(n, v); }
  void Flag(uint32_t n, bool v) { out_.Varint(n, v); }
  void U32(uint32_t n, uint32_t v) { out_.Varint(n, v); }
  void U64(uint32_t n, uint64_t v) { out_.Varint(n, v); }
  void I64(uint32_t n, int64_t v) { out_.Varint(n, static_cast<uint64_t>(v)); }
  template <typename E>
  void Enum(uint32_t n, E v) {
    out_.Varint(n, EnumValue(static_cast<int>(v)));
  }
  void Part(uint32_t n, const google::protobuf::Message& part, int m) {
    const Value v = PartValue(part, m);
    if (v.is_string) {
      out_.String(n, v.text);
    } else {
      out_.Varint(n, v.number);
    }
  }

 private:
  Out& out_;
};

// The two passes over a message's fields: its size, then its bytes.
class Sizer {
 public:
  void Varint(uint32_t, uint64_t v) {
    if (v != 0) size_ += 1 + VarintSize(v);
  }
  void String(uint32_t, absl::string_view v) {
    if (!v.empty()) size_ += 1 + VarintSize(v.size()) + v.size();
  }
  size_t size() const { return size_; }

 private:
  size_t size_ = 0;
};

class Writer {
 public:
  explicit Writer(char* p) : p_(p) {}
  void Varint(uint32_t field, uint64_t v) {
    if (v == 0) return;
    *p_++ = static_cast<char>(field << 3 | kVarint);
    p_ = PutVarint(p_, v);
  }
  void String(uint32_t field, absl::string_view v) {
    if (v.empty()) return;
    *p_++ = static_cast<char>(field << 3 | kLength);
    p_ = PutVarint(p_, v.size());
    for (char c : v) *p_++ = c;
  }

 private:
  char* p_;
};

template <typename Out, typename State>
void Visit(Out& out, const State& s) {
  Lines<Out> lines(out);
  Fields(lines, s);
}

// row := tag(kind_field, LEN) varint(size(inner)) inner
template <typename State>
std::string Encode(uint32_t kind_field, const State& s) {
  Sizer sizer;
  Visit(sizer, s);
  const size_t inner = sizer.size();
  std::string row(1 + VarintSize(inner) + inner, '\0');
  char* p = row.data();
  *p++ = static_cast<char>(kind_field << 3 | kLength);
  p = PutVarint(p, inner);
  Writer writer(p);
  Visit(writer, s);
  return row;
}

}  // namespace

std::string EncodeStateRow(const domain::EvaluationState& s) {
  return Encode(v1::ProjectedAggregate::kEvaluationFieldNumber, s);
}

std::string EncodeStateRow(const domain::MaterialState& s) {
  return Encode(v1::ProjectedAggregate::kMaterialFieldNumber, s);
}

std::string EncodeStateRow(const domain::MeetingState& s) {
  return Encode(v1::ProjectedAggregate::kMeetingFieldNumber, s);
}

std::string EncodeStateRow(const domain::RectificationState& s) {
  return Encode(v1::ProjectedAggregate::kRectificationFieldNumber, s);
}

}  // namespace reporting::projector
