// The hash chain of a node's log (storage/README.md, "Hash chain"):
//
//   hash(0) = 32 zero bytes
//   hash(n) = SHA-256( hash(n-1) || envelope_bytes(n) )
//
// where || is concatenation and envelope_bytes(n) is the serialized
// EventEnvelope exactly as stored. SHA-256 is OpenSSL libcrypto's (EVP).
//
// Thread safety: pure functions, safe from any thread.
#ifndef REPORTING_STORAGE_HASH_CHAIN_H_
#define REPORTING_STORAGE_HASH_CHAIN_H_

#include <string>

#include "absl/strings/string_view.h"

namespace reporting::storage {

// hash(0): kHashBytes zero bytes.
std::string ZeroHash();

// hash(n) from hash(n-1) and event n's envelope bytes. prev_hash must be
// kHashBytes long.
std::string ChainHash(absl::string_view prev_hash, absl::string_view envelope);

// The same, written to out[0..kHashBytes) (the append path hashes into
// the stored value in place). out must not overlap the inputs.
void ChainHashTo(absl::string_view prev_hash, absl::string_view envelope,
                 char* out);

// Lower-case hex of any bytes (hashes, keys, signatures, digests), for
// messages, tools and the export manifest: the one hex encoder.
std::string HexHash(absl::string_view hash);

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_HASH_CHAIN_H_
