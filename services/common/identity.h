// Who is calling (ARCHITECTURE.md decision 7): the caller's identity read
// from its verified X.509 certificate through OpenSSL's name API, one
// attribute at a time, never by splitting a subject string. A CN such as
// `Li, Wei,OU=auditor` is a CN with commas in it, not an OU.
//
// deploy/gen-certs.sh issues the certificates: the subject's one OU is the
// role (roles.h), its one CN names the holder (a node id for node and clerk
// certificates, a person or "office"/"auditor"/"operator" otherwise).
//
// Thread safety: pure functions.
#ifndef REPORTING_SERVICES_COMMON_IDENTITY_H_
#define REPORTING_SERVICES_COMMON_IDENTITY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/security/auth_context.h"

namespace reporting::services {

struct PeerIdentity {
  std::string common_name;  // the subject's CN (UTF-8)
  std::string unit;         // the subject's OU (UTF-8): the role's name
};

// Reads the subject of a PEM certificate. INVALID_ARGUMENT when it is not
// a certificate, or when its subject has not exactly one CN and exactly one
// OU (two OUs would make the role ambiguous): the message says which.
absl::StatusOr<PeerIdentity> IdentityFromPem(absl::string_view pem);

// The identity of a call's peer, from the verified certificate gRPC keeps
// in the auth context (GRPC_X509_PEM_CERT_PROPERTY_NAME).
// UNAUTHENTICATED when the call has no verified certificate (plaintext, or
// a TLS server that did not require one); IdentityFromPem's errors
// otherwise.
absl::StatusOr<PeerIdentity> IdentityOf(const grpc::AuthContext& auth);

// `CN="Li, Wei,OU=auditor" OU="office"`: for messages and logs.
std::string Describe(const PeerIdentity& identity);

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_IDENTITY_H_
