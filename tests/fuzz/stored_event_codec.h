// Stored events in fuzz inputs (replica_append_fuzz, push_fuzz, the seed
// generator):
//
//   event chunk := be64(sequence) hash[32] envelope
//
// A short chunk decodes to what it has (a short hash, an empty envelope):
// the target then sees a malformed event, which is the point.
//
// Re-chain (an option of the targets): the fuzzer cannot forge SHA-256, so
// a mutated envelope would never get past the hash check. Rechain gives an
// envelope that parses the prev_hash of the input's event one sequence
// before it (hash(0) at sequence 1) and recomputes its hash, so that the
// checks behind the hash check are fuzzed too.
//
// Thread safety: pure functions.
#ifndef REPORTING_TESTS_FUZZ_STORED_EVENT_CODEC_H_
#define REPORTING_TESTS_FUZZ_STORED_EVENT_CODEC_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "reporting/v1/envelope.pb.h"
#include "storage/event_log.h"
#include "storage/hash_chain.h"

namespace reporting::fuzz {

inline storage::StoredEvent DecodeStoredEvent(absl::string_view chunk) {
  storage::StoredEvent e;
  for (size_t i = 0; i < 8 && i < chunk.size(); ++i) {
    e.sequence = (e.sequence << 8) | static_cast<unsigned char>(chunk[i]);
  }
  chunk.remove_prefix(std::min<size_t>(8, chunk.size()));
  e.hash = std::string(chunk.substr(0, storage::kHashBytes));
  chunk.remove_prefix(std::min(storage::kHashBytes, chunk.size()));
  e.envelope = std::string(chunk);
  return e;
}

inline std::string EncodeStoredEvent(const storage::StoredEvent& e) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((e.sequence >> shift) & 0xff));
  }
  return out + e.hash + e.envelope;
}

// `hash_at`: sequence -> hash of the events re-chained so far.
inline void Rechain(storage::StoredEvent* e,
                    std::map<uint64_t, std::string>& hash_at) {
  v1::EventEnvelope env;
  if (!env.ParseFromString(e->envelope)) return;
  if (e->sequence == 1) {
    env.set_prev_hash(storage::ZeroHash());
  } else if (auto it = hash_at.find(e->sequence - 1); it != hash_at.end()) {
    env.set_prev_hash(it->second);
  }
  if (env.prev_hash().size() != storage::kHashBytes) return;
  e->envelope = env.SerializeAsString();
  e->hash = storage::ChainHash(env.prev_hash(), e->envelope);
  hash_at[e->sequence] = e->hash;
}

}  // namespace reporting::fuzz

#endif  // REPORTING_TESTS_FUZZ_STORED_EVENT_CODEC_H_
