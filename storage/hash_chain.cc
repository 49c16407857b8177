#include "storage/hash_chain.h"

#include <openssl/evp.h>

#include <cassert>
#include <cstdlib>
#include <memory>

#include "storage/event_log.h"

namespace reporting::storage {
namespace {

// Fetched once: an implicit fetch per digest costs more than the digest of a
// small envelope.
const EVP_MD* Sha256() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  return md;
}

struct CtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

std::string ZeroHash() { return std::string(kHashBytes, '\0'); }

void ChainHashTo(absl::string_view prev_hash, absl::string_view envelope,
                 char* out) {
  assert(prev_hash.size() == kHashBytes);
  thread_local std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
  unsigned int len = 0;
  // A failure here means libcrypto itself is broken; no caller could
  // recover, and a wrong hash must never be written.
  if (ctx == nullptr || Sha256() == nullptr ||
      EVP_DigestInit_ex(ctx.get(), Sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), prev_hash.data(), prev_hash.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), envelope.data(), envelope.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out),
                         &len) != 1 ||
      len != kHashBytes) {
    std::abort();
  }
}

std::string ChainHash(absl::string_view prev_hash, absl::string_view envelope) {
  std::string hash(kHashBytes, '\0');
  ChainHashTo(prev_hash, envelope, hash.data());
  return hash;
}

std::string HexHash(absl::string_view hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(hash.size() * 2);
  for (unsigned char c : hash) {
    s.push_back(kDigits[c >> 4]);
    s.push_back(kDigits[c & 0xf]);
  }
  return s;
}

}  // namespace reporting::storage
