#include "storage/envelope.h"

#include <openssl/rand.h>

#include <cstdlib>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace reporting::storage {

std::string NewEventId() {
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
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kDigits[b[i] >> 4]);
    s.push_back(kDigits[b[i] & 0xf]);
  }
  return s;
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
