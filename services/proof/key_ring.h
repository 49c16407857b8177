// KeyRing: a signer's Ed25519 keys in a directory of its own (the node's
// `--signing_key_dir`, by default <data_dir>/signing), made on first use:
//
//   DIR/history        the key history, one key per line (text):
//                        signer <signer>
//                        key <number> <public key hex> <created_at_us>
//                            <endorsement hex>
//   DIR/key-<n>.pem    the private key of the newest key n: PKCS#8 PEM,
//                      mode 0600 (the directory is 0700)
//
// Rotate() makes key n+1, endorses it with key n, writes its PEM, then the
// new history (PATH.tmp, fsync, rename, fsync of the directory), and only
// then deletes key n's PEM: a crash leaves either the old key in use or
// the new one, never a history naming a key whose PEM is gone. Retired
// private keys are deleted (old signatures verify with the public keys the
// history keeps). docs/OPERATIONS.md "Signing keys".
//
// Thread safety: all methods may be called concurrently.
#ifndef REPORTING_SERVICES_PROOF_KEY_RING_H_
#define REPORTING_SERVICES_PROOF_KEY_RING_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "reporting/v1/proof.pb.h"
#include "services/proof/ed25519.h"

namespace reporting::proof {

struct Signature {
  uint32_t key_number = 0;
  std::string bytes;  // 64
};

class KeyRing {
 public:
  // Opens the ring in `dir`, making the directory and key 1 when there is
  // none. The history must verify and belong to `signer`
  // (FAILED_PRECONDITION naming the directory otherwise: a data directory
  // copied from another node must not sign as this one), and the newest
  // key's PEM must be there and match it (DATA_LOSS otherwise).
  static absl::StatusOr<std::unique_ptr<KeyRing>> Open(
      const std::string& dir, std::string signer,
      std::function<int64_t()> now_us = nullptr);

  const std::string& signer() const { return signer_; }
  const std::string& dir() const { return dir_; }

  // Signs with the newest key.
  Signature Sign(absl::string_view message) const;
  // Every key, oldest first.
  v1::KeyHistory history() const;

  // Makes and switches to a new key endorsed by the current one; returns
  // its record.
  absl::StatusOr<v1::KeyRecord> Rotate();

 private:
  KeyRing(std::string dir, std::string signer, std::function<int64_t()> now_us,
          v1::KeyHistory history, SigningKey key);

  // Constant after construction.
  const std::string dir_;
  const std::string signer_;
  const std::function<int64_t()> now_us_;

  mutable absl::Mutex mu_;
  v1::KeyHistory history_ ABSL_GUARDED_BY(mu_);
  SigningKey key_ ABSL_GUARDED_BY(mu_);  // the newest key
};

}  // namespace reporting::proof

#endif  // REPORTING_SERVICES_PROOF_KEY_RING_H_
