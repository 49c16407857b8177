// Roles at the edge (ARCHITECTURE.md decision 7): which certificate role
// (its OU, services/common/tls.h PeerRole; deploy/gen-certs.sh issues
// county, city, office and auditor certificates) may call which service.
//
//   AuditService                 OU=auditor   (checked by its handlers,
//                                              RequireRole below)
//   CommandService, ClerkService OU=county    on a county node serving TLS
//                                              (MethodRoleProcessor)
//   anything else (health, reflection): any verified client certificate
//
// Granting a role = issuing a certificate with that OU, signed by the CA the
// servers trust (deploy/gen-certs.sh). A plaintext server (--insecure, or a
// county node started without TLS flags) has no identities: `enforce` is
// false and everyone passes (local development only).
//
// Refusals name the role found and the role needed:
//   PERMISSION_DENIED "audit: this service needs a client certificate with
//   OU=auditor; the caller's certificate (CN=371302) has OU=county"
//
// Thread safety: all functions and the processor are thread-safe.
#ifndef REPORTING_SERVICES_AUDIT_ACCESS_H_
#define REPORTING_SERVICES_AUDIT_ACCESS_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "grpcpp/security/auth_metadata_processor.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_context.h"

namespace reporting::audit {

inline constexpr char kAuditorRole[] = "auditor";
inline constexpr char kCountyRole[] = "county";

// OK when the caller's verified certificate has OU == role, or when
// !enforce (plaintext server). PERMISSION_DENIED naming both roles
// otherwise; UNAUTHENTICATED when enforce and the call has no verified
// certificate at all.
absl::Status RequireRole(const grpc::ServerContext& context,
                         const std::string& role, bool enforce,
                         const std::string& what);

// The same decision from an auth context (what MethodRoleProcessor sees).
absl::Status CheckRole(const grpc::AuthContext& auth, const std::string& role,
                       const std::string& what);

// An AuthMetadataProcessor for TLS server credentials: a call to a service
// named in `roles` ("reporting.v1.CommandService" -> "county") needs a
// certificate with that OU, else it fails with PERMISSION_DENIED before any
// handler runs. Calls to services not named pass.
class MethodRoleProcessor final : public grpc::AuthMetadataProcessor {
 public:
  explicit MethodRoleProcessor(std::map<std::string, std::string> roles);
  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& auth_metadata,
                       grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

 private:
  const std::map<std::string, std::string> roles_;  // service -> OU
};

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_AUDIT_ACCESS_H_
