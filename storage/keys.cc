#include "storage/keys.h"

#include <cstring>

#include "storage/event_log.h"

namespace reporting::storage::keys {

namespace {

uint64_t ToBigEndian(uint64_t v) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return v;
#else
  return __builtin_bswap64(v);
#endif
}

}  // namespace

void PutBe64(std::string* dst, uint64_t v) {
  v = ToBigEndian(v);
  char buf[8];
  std::memcpy(buf, &v, 8);
  dst->append(buf, 8);
}

uint64_t GetBe64(absl::string_view src) {
  uint64_t v;
  std::memcpy(&v, src.data(), 8);
  return ToBigEndian(v);
}

std::string Be64(uint64_t v) {
  std::string s;
  PutBe64(&s, v);
  return s;
}

uint64_t OrderedTime(int64_t us) {
  return static_cast<uint64_t>(us) ^ (uint64_t{1} << 63);
}

int64_t FromOrderedTime(uint64_t ordered) {
  return static_cast<int64_t>(ordered ^ (uint64_t{1} << 63));
}

std::string EventKey(uint64_t sequence) { return Be64(sequence); }

bool DecodeEventKey(absl::string_view key, uint64_t* sequence) {
  if (key.size() != 8) return false;
  *sequence = GetBe64(key);
  return true;
}

std::string EventValue(absl::string_view hash, absl::string_view envelope) {
  std::string v;
  v.reserve(hash.size() + envelope.size());
  v.append(hash.data(), hash.size());
  v.append(envelope.data(), envelope.size());
  return v;
}

bool DecodeEventValue(absl::string_view value, absl::string_view* hash,
                      absl::string_view* envelope) {
  if (value.size() < kHashBytes) return false;
  *hash = value.substr(0, kHashBytes);
  *envelope = value.substr(kHashBytes);
  return true;
}

std::string StreamIndexPrefix(absl::string_view stream_id) {
  std::string k(stream_id);
  k.push_back('\0');
  return k;
}

std::string StreamIndexKey(absl::string_view stream_id, uint64_t version) {
  std::string k;
  StreamIndexKeyTo(&k, stream_id, version);
  return k;
}

void StreamIndexKeyTo(std::string* out, absl::string_view stream_id,
                      uint64_t version) {
  out->assign(stream_id.data(), stream_id.size());
  out->push_back('\0');
  PutBe64(out, version);
}

bool DecodeStreamIndexKey(absl::string_view key, size_t prefix_size,
                          uint64_t* version) {
  if (key.size() != prefix_size + 8) return false;
  *version = GetBe64(key.substr(prefix_size));
  return true;
}

std::string TypeIndexPrefix(absl::string_view event_type) {
  std::string k(event_type);
  k.push_back('\0');
  return k;
}

std::string TypeIndexKey(absl::string_view event_type, int64_t recorded_at_us,
                         uint64_t sequence) {
  std::string k;
  TypeIndexKeyTo(&k, event_type, recorded_at_us, sequence);
  return k;
}

void TypeIndexKeyTo(std::string* out, absl::string_view event_type,
                    int64_t recorded_at_us, uint64_t sequence) {
  out->assign(event_type.data(), event_type.size());
  out->push_back('\0');
  PutBe64(out, OrderedTime(recorded_at_us));
  PutBe64(out, sequence);
}

bool DecodeTypeIndexKey(absl::string_view key, size_t prefix_size,
                        int64_t* recorded_at_us, uint64_t* sequence) {
  if (key.size() != prefix_size + 16) return false;
  *recorded_at_us = FromOrderedTime(GetBe64(key.substr(prefix_size)));
  *sequence = GetBe64(key.substr(prefix_size + 8));
  return true;
}

void CommandValueTo(std::string* out, uint64_t first_sequence,
                    uint64_t last_sequence, absl::string_view digest) {
  out->clear();
  PutBe64(out, first_sequence);
  PutBe64(out, last_sequence);
  out->append(digest.data(), digest.size());
}

std::string CommandValue(uint64_t first_sequence, uint64_t last_sequence,
                         absl::string_view digest) {
  std::string v;
  CommandValueTo(&v, first_sequence, last_sequence, digest);
  return v;
}

void RefusalValueTo(std::string* out, int code, absl::string_view digest,
                    absl::string_view message) {
  out->clear();
  PutBe64(out, 0);
  const uint32_t c = static_cast<uint32_t>(code);
  for (int shift = 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((c >> shift) & 0xff));
  }
  out->push_back(static_cast<char>(digest.size()));
  out->append(digest.data(), digest.size());
  out->append(message.data(), message.size());
}

bool DecodeCommandValue(absl::string_view value, CommandValueView* out) {
  *out = CommandValueView();
  if (value.size() < 8) return false;
  out->first_sequence = GetBe64(value);
  if (out->first_sequence != 0) {
    if (value.size() != 16 && value.size() != 16 + kDigestBytes) return false;
    out->last_sequence = GetBe64(value.substr(8));
    out->digest = value.substr(16);
    return out->last_sequence >= out->first_sequence;
  }
  // A refusal: be64(0) be32(code) u8(n) digest[n] message.
  if (value.size() < 13) return false;
  uint32_t code = 0;
  for (int i = 8; i < 12; ++i) {
    code = (code << 8) | static_cast<unsigned char>(value[i]);
  }
  const size_t n = static_cast<unsigned char>(value[12]);
  if ((n != 0 && n != kDigestBytes) || value.size() < 13 + n || code == 0) {
    return false;
  }
  out->refused = true;
  out->code = static_cast<int>(code);
  out->digest = value.substr(13, n);
  out->message = value.substr(13 + n);
  return true;
}

std::string ReceivedAtKey(uint64_t last_sequence) {
  return Be64(last_sequence);
}

std::string ReceivedAtValue(uint64_t first_sequence, int64_t received_at_us) {
  std::string v;
  PutBe64(&v, first_sequence);
  PutBe64(&v, static_cast<uint64_t>(received_at_us));
  return v;
}

bool DecodeReceivedAt(absl::string_view key, absl::string_view value,
                      uint64_t* first_sequence, uint64_t* last_sequence,
                      int64_t* received_at_us) {
  if (key.size() != 8) return false;
  *last_sequence = GetBe64(key);
  if (value.size() == 8) {  // an older copy: one entry per event
    *first_sequence = *last_sequence;
    *received_at_us = static_cast<int64_t>(GetBe64(value));
    return true;
  }
  if (value.size() != 16) return false;
  *first_sequence = GetBe64(value);
  *received_at_us = static_cast<int64_t>(GetBe64(value.substr(8)));
  return *first_sequence >= 1 && *first_sequence <= *last_sequence;
}

std::string ReceiptKey(uint64_t last_sequence) { return Be64(last_sequence); }

std::string ReceiptValue(const Receipt& receipt) {
  std::string v;
  v.reserve(3 * 8 + 3 * kHashBytes);
  PutBe64(&v, receipt.number);
  PutBe64(&v, receipt.first_sequence);
  PutBe64(&v, static_cast<uint64_t>(receipt.received_at_us));
  v.append(receipt.last_hash);
  v.append(receipt.prev_hash);
  v.append(receipt.hash);
  return v;
}

bool DecodeReceipt(absl::string_view key, absl::string_view value,
                   Receipt* receipt) {
  if (key.size() != 8 || value.size() != 3 * 8 + 3 * kHashBytes) return false;
  receipt->last_sequence = GetBe64(key);
  receipt->number = GetBe64(value);
  receipt->first_sequence = GetBe64(value.substr(8));
  receipt->received_at_us = static_cast<int64_t>(GetBe64(value.substr(16)));
  receipt->last_hash.assign(value.data() + 24, kHashBytes);
  receipt->prev_hash.assign(value.data() + 24 + kHashBytes, kHashBytes);
  receipt->hash.assign(value.data() + 24 + 2 * kHashBytes, kHashBytes);
  return receipt->number >= 1 && receipt->first_sequence >= 1 &&
         receipt->first_sequence <= receipt->last_sequence;
}

void HeadValueTo(std::string* out, uint64_t sequence, absl::string_view hash) {
  out->clear();
  PutBe64(out, sequence);
  out->append(hash.data(), hash.size());
}

std::string HeadValue(uint64_t sequence, absl::string_view hash) {
  std::string v;
  HeadValueTo(&v, sequence, hash);
  return v;
}

bool DecodeHeadValue(absl::string_view value, uint64_t* sequence,
                     std::string* hash) {
  if (value.size() != 8 + kHashBytes) return false;
  *sequence = GetBe64(value);
  hash->assign(value.data() + 8, kHashBytes);
  return true;
}

}  // namespace reporting::storage::keys
