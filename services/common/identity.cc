#include "services/common/identity.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpc/grpc_security_constants.h"

namespace reporting::services {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

// Every value of attribute `nid` in `name`, as UTF-8.
absl::StatusOr<std::vector<std::string>> Values(X509_NAME* name, int nid) {
  std::vector<std::string> out;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, nid, i)) {
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, data);
    if (length < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("the certificate's ", OBJ_nid2sn(nid),
                       " attribute is not a readable string"));
    }
    out.emplace_back(reinterpret_cast<const char*>(utf8), length);
    OPENSSL_free(utf8);
  }
  return out;
}

// The one value of attribute `nid`, or an error naming how many there are.
absl::StatusOr<std::string> One(X509_NAME* name, int nid) {
  absl::StatusOr<std::vector<std::string>> values = Values(name, nid);
  if (!values.ok()) return values.status();
  if (values->size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the certificate's subject has ", values->size(), " ", OBJ_nid2sn(nid),
        " attributes; an identity needs exactly one (deploy/gen-certs.sh)"));
  }
  return std::move(values->front());
}

}  // namespace

absl::StatusOr<PeerIdentity> IdentityFromPem(absl::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return absl::ResourceExhaustedError("out of memory");
  std::unique_ptr<X509, X509Free> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    return absl::InvalidArgumentError(
        "the peer's certificate is not a readable PEM X.509 certificate");
  }
  X509_NAME* subject = X509_get_subject_name(cert.get());
  PeerIdentity identity;
  absl::StatusOr<std::string> cn = One(subject, NID_commonName);
  if (!cn.ok()) return cn.status();
  absl::StatusOr<std::string> ou = One(subject, NID_organizationalUnitName);
  if (!ou.ok()) return ou.status();
  identity.common_name = std::move(*cn);
  identity.unit = std::move(*ou);
  return identity;
}

absl::StatusOr<PeerIdentity> IdentityOf(const grpc::AuthContext& auth) {
  if (!auth.IsPeerAuthenticated()) {
    return absl::UnauthenticatedError(
        "the call presented no verified client certificate");
  }
  const std::vector<grpc::string_ref> pem =
      auth.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pem.size() != 1) {
    return absl::UnauthenticatedError(
        "the call's client certificate is not available to the server");
  }
  return IdentityFromPem(absl::string_view(pem[0].data(), pem[0].size()));
}

std::string Describe(const PeerIdentity& identity) {
  return absl::StrCat("CN=\"", identity.common_name, "\" OU=\"", identity.unit,
                      "\"");
}

}  // namespace reporting::services
