#include "services/projector/state_row.h"

#include <cstdint>

#include "absl/strings/string_view.h"

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

// The two passes over a message's fields: its size, then its bytes. Every
// field number here is below 16, so each tag is one byte.
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

template <typename Out>
void Fields(Out& out, const domain::EvaluationState& s) {
  out.String(1, s.member_id);
  out.String(2, s.unit_id);
  out.String(3, s.branch_id);
  out.Varint(4, EnumValue(s.batch));
  out.Varint(5, static_cast<uint32_t>(s.phase));
  out.Varint(6, EnumValue(s.rating));
  out.Varint(7, s.revisions);
  out.Varint(8, s.ever_shown);
  out.Varint(9, s.feedback_count);
  out.String(10, s.measure);
  out.String(11, s.helper_name);
  out.Varint(12, s.measure_completed);
  out.Varint(13, s.version);
}

template <typename Out>
void Fields(Out& out, const domain::MaterialState& s) {
  out.Varint(1, static_cast<uint32_t>(s.phase));
  out.Varint(2, s.submissions);
  out.Varint(3, s.returns);
  out.Varint(4, s.version);
}

template <typename Out>
void Fields(Out& out, const domain::MeetingState& s) {
  out.Varint(1, s.held);
  out.String(2, s.meeting.unit_id());
  out.Varint(3, EnumValue(s.meeting.kind()));
  out.Varint(4, s.circulated);
  out.Varint(5, s.version);
}

template <typename Out>
void Fields(Out& out, const domain::RectificationState& s) {
  out.Varint(1, EnumValue(s.status));
  out.String(2, s.item_id);
  out.String(3, s.unit_id);
  out.Varint(4, EnumValue(s.kind));
  out.String(5, s.deadline);
  out.Varint(6, EnumValue(s.item_class));
  out.Varint(7, s.percent_done);
  out.String(8, s.closed_on);
  out.Varint(9, s.version);
}

// row := tag(kind_field, LEN) varint(size(inner)) inner
template <typename State>
std::string Encode(uint32_t kind_field, const State& s) {
  Sizer sizer;
  Fields(sizer, s);
  const size_t inner = sizer.size();
  std::string row(1 + VarintSize(inner) + inner, '\0');
  char* p = row.data();
  *p++ = static_cast<char>(kind_field << 3 | kLength);
  p = PutVarint(p, inner);
  Writer writer(p);
  Fields(writer, s);
  return row;
}

}  // namespace

std::string EncodeStateRow(const domain::EvaluationState& s) {
  return Encode(2, s);
}

std::string EncodeStateRow(const domain::MaterialState& s) {
  return Encode(3, s);
}

std::string EncodeStateRow(const domain::MeetingState& s) {
  return Encode(4, s);
}

std::string EncodeStateRow(const domain::RectificationState& s) {
  return Encode(5, s);
}

}  // namespace reporting::projector
