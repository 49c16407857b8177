#include "services/proof/node_keys.h"

#include "absl/flags/flag.h"
#include "absl/strings/escaping.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, signing_key_dir, "",
          "Directory of this node's Ed25519 signing keys (made with a new "
          "key on first start; docs/OPERATIONS.md \"Signing keys\"). Empty: "
          "<data_dir>/signing");
ABSL_FLAG(absl::Duration, sign_head_every, absl::Seconds(5),
          "Least time between two signatures of this node's head while its "
          "log grows (signed heads travel to the city with replication)");

namespace reporting::proof {

absl::StatusOr<std::unique_ptr<KeyRing>> OpenNodeKeyRing(
    const std::string& data_dir, const std::string& signer) {
  std::string dir = absl::GetFlag(FLAGS_signing_key_dir);
  if (dir.empty()) dir = data_dir + "/signing";
  absl::StatusOr<std::unique_ptr<KeyRing>> ring = KeyRing::Open(dir, signer);
  if (ring.ok()) {
    const v1::KeyHistory history = (*ring)->history();
    spdlog::info("signing as {} with key {} of {} ({})", signer,
                 history.keys_size(), history.keys_size(), dir);
  }
  return ring;
}

absl::StatusOr<v1::KeyRecord> RotateNodeKey(const std::string& data_dir,
                                            const std::string& signer) {
  absl::StatusOr<std::unique_ptr<KeyRing>> ring =
      OpenNodeKeyRing(data_dir, signer);
  if (!ring.ok()) return ring.status();
  absl::StatusOr<v1::KeyRecord> key = (*ring)->Rotate();
  if (key.ok()) {
    spdlog::info(
        "{}: made signing key {} ({}), endorsed by key {}; the node signs "
        "with it from its next start",
        signer, key->number(), absl::BytesToHexString(key->public_key()),
        key->number() - 1);
  }
  return key;
}

HeadSignerOptions HeadSignerOptionsFromFlags(const std::string& node_id) {
  HeadSignerOptions options;
  options.node_id = node_id;
  options.every = absl::GetFlag(FLAGS_sign_head_every);
  return options;
}

}  // namespace reporting::proof
