#include "storage/envelope.h"

#include <openssl/rand.h>

#include <cstdlib>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace reporting::storage {

void NewEventIdTo(char* out) {
  // RAND_bytes per id costs more than hashing and serializing the event
  // (a DRBG lock and reseed check per call): draw 256 ids at a time.
  constexpr size_t kIdsPerRefill = 256;
  thread_local unsigned char pool[16 * kIdsPerRefill];
  thread_local size_t next = sizeof(pool);
  if (next == sizeof(pool)) {
    // Without randomness event ids could collide across nodes; there is no
    // safe fallback.
    if (RAND_bytes(pool, sizeof(pool)) != 1) std::abort();
    next = 0;
  }
  unsigned char* b = pool + next;
  next += 16;
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *out++ = '-';
    *out++ = kDigits[b[i] >> 4];
    *out++ = kDigits[b[i] & 0xf];
  }
}

std::string NewEventId() {
  std::string s(kEventIdChars, '\0');
  NewEventIdTo(s.data());
  return s;
}

namespace {

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Field numbers of reporting.v1.EventEnvelope; tag = field << 3 | wire type.
constexpr int kVarint = 0, kLengthDelimited = 2;
constexpr char Tag(int field, int wire_type) {
  return static_cast<char>(field << 3 | wire_type);
}

void PutUint64Field(int field, uint64_t v, std::string* out) {
  if (v == 0) return;
  out->push_back(Tag(field, kVarint));
  PutVarint(v, out);
}

void PutBytesField(int field, absl::string_view v, std::string* out) {
  if (v.empty()) return;
  out->push_back(Tag(field, kLengthDelimited));
  PutVarint(v.size(), out);
  out->append(v.data(), v.size());
}

}  // namespace

void EnvelopeEncoder::Reset(absl::string_view node_id, int64_t recorded_at_us,
                            absl::string_view actor,
                            absl::string_view command_id) {
  node_field_.clear();
  shared_tail_.clear();
  PutBytesField(1, node_id, &node_field_);
  // int64 encodes as the varint of its two's complement (10 bytes if < 0).
  PutUint64Field(7, static_cast<uint64_t>(recorded_at_us), &shared_tail_);
  PutBytesField(8, actor, &shared_tail_);
  PutBytesField(9, command_id, &shared_tail_);
}

void EnvelopeEncoder::Append(uint64_t sequence, absl::string_view stream_id,
                             uint64_t stream_version,
                             absl::string_view event_id,
                             absl::string_view event_type,
                             absl::string_view payload,
                             absl::string_view prev_hash,
                             std::string* out) const {
  out->reserve(out->size() + node_field_.size() + shared_tail_.size() +
               stream_id.size() + event_id.size() + event_type.size() +
               payload.size() + prev_hash.size() + 40);
  out->append(node_field_);
  PutUint64Field(2, sequence, out);
  PutBytesField(3, stream_id, out);
  PutUint64Field(4, stream_version, out);
  PutBytesField(5, event_id, out);
  PutBytesField(6, event_type, out);
  out->append(shared_tail_);
  PutBytesField(10, payload, out);
  PutBytesField(11, prev_hash, out);
}

std::string SerializeEnvelope(const v1::EventEnvelope& env) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    env.SerializeWithCachedSizes(&coded);
  }
  return out;
}

}  // namespace reporting::storage
