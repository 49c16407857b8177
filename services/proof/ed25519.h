// Ed25519 (RFC 8032) with OpenSSL libcrypto's EVP_PKEY_ED25519: a private
// signing key, and the check of a signature against a raw public key.
//
// Keys are stored as PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----", what
// `openssl genpkey -algorithm ed25519` writes); public keys travel as their
// 32 raw bytes, signatures as 64 bytes.
//
// Thread safety: a SigningKey may sign from several threads at once
// (each call uses its own EVP_MD_CTX); VerifyEd25519 is a pure function.
#ifndef REPORTING_SERVICES_PROOF_ED25519_H_
#define REPORTING_SERVICES_PROOF_ED25519_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace reporting::proof {

inline constexpr size_t kPublicKeyBytes = 32;
inline constexpr size_t kSignatureBytes = 64;

class SigningKey {
 public:
  // A fresh key from OpenSSL's random generator.
  static absl::StatusOr<SigningKey> Generate();
  // A PKCS#8 PEM private key; INVALID_ARGUMENT unless it is Ed25519.
  static absl::StatusOr<SigningKey> FromPem(absl::string_view pem);

  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();

  std::string ToPem() const;
  // The 32 raw public key bytes.
  const std::string& public_key() const { return public_key_; }
  // The 64-byte signature of `message`.
  std::string Sign(absl::string_view message) const;

 private:
  explicit SigningKey(EVP_PKEY* key);
  EVP_PKEY* key_ = nullptr;
  std::string public_key_;
};

// True when `signature` is public_key's valid Ed25519 signature of
// `message` (false for malformed sizes too).
bool VerifyEd25519(absl::string_view public_key, absl::string_view message,
                   absl::string_view signature);

}  // namespace reporting::proof

#endif  // REPORTING_SERVICES_PROOF_ED25519_H_
