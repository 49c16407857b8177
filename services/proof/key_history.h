// Checks over a signer's key history (proof.proto KeyHistory) and the
// signatures made with its keys. Used by the city (a county's pinned keys
// and its signed heads) and by the export verifier.
//
// A history is valid for `signer` when its keys are numbered 1..n in
// order, all name `signer`, carry 32-byte public keys, key 1's endorsement
// is its own signature of its key statement and key k's (k > 1) is key
// k-1's. Validity says the keys belong together, not whose they are: trust
// in key 1 (or any key) comes from outside (the city pins a county's keys
// on first contact; an auditor compares a public key with one published
// by the signer, `reportctl audit keys`).
//
// Thread safety: pure functions.
#ifndef REPORTING_SERVICES_PROOF_KEY_HISTORY_H_
#define REPORTING_SERVICES_PROOF_KEY_HISTORY_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "reporting/v1/proof.pb.h"

namespace reporting::proof {

// INVALID_ARGUMENT naming the first bad key ("key history of 371302: key
// 2: its endorsement does not verify with key 1").
absl::Status VerifyKeyHistory(const v1::KeyHistory& history,
                              absl::string_view signer);

// Whether `signature` is key `number`'s signature of `message`.
// NOT_FOUND when the history has no such key; INVALID_ARGUMENT when the
// signature does not verify. `what` names the signed thing in messages.
absl::Status VerifyWithKey(const v1::KeyHistory& history, uint32_t number,
                           absl::string_view message,
                           absl::string_view signature, absl::string_view what);

// A signed head checked against its node's (valid) history: the key
// exists and the signature verifies.
absl::Status VerifySignedHead(const v1::SignedHead& head,
                              const v1::KeyHistory& node_keys);

// Pinning: `received` (valid) against what was pinned before (valid, maybe
// empty). Where both have key n they must be the same key; the longer one
// is returned (a rotation extends the pin; a node presenting fewer keys,
// e.g. restored from an older backup, keeps the pin). PERMISSION_DENIED
// naming the first key that differs otherwise.
absl::StatusOr<v1::KeyHistory> ExtendPin(const v1::KeyHistory& pinned,
                                         const v1::KeyHistory& received);

}  // namespace reporting::proof

#endif  // REPORTING_SERVICES_PROOF_KEY_HISTORY_H_
