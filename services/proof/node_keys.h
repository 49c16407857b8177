// A node binary's signing set-up from its flags (defined in node_keys.cc):
//
//   --signing_key_dir  where the node's KeyRing lives (default
//                      <data_dir>/signing; made with key 1 on first start)
//   --sign_head_every  least time between two signed heads of a growing log
//
// Thread safety: call from main before serving.
#ifndef REPORTING_SERVICES_PROOF_NODE_KEYS_H_
#define REPORTING_SERVICES_PROOF_NODE_KEYS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/proof/head_signer.h"
#include "services/proof/key_ring.h"

namespace reporting::proof {

// The signer's key ring in --signing_key_dir, or <data_dir>/signing.
absl::StatusOr<std::unique_ptr<KeyRing>> OpenNodeKeyRing(
    const std::string& data_dir, const std::string& signer);

// HeadSignerOptions for node_id with --sign_head_every.
HeadSignerOptions HeadSignerOptionsFromFlags(const std::string& node_id);

// `<binary> rotate-key`: makes the signer's next key, endorsed by its
// current one (KeyRing::Rotate), in --signing_key_dir or
// <data_dir>/signing; a running node signs with it from its next start.
// Returns the new key's record.
absl::StatusOr<v1::KeyRecord> RotateNodeKey(const std::string& data_dir,
                                            const std::string& signer);

}  // namespace reporting::proof

#endif  // REPORTING_SERVICES_PROOF_NODE_KEYS_H_
