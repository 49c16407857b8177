#include "services/audit/access.h"

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "grpc/grpc_security_constants.h"
#include "services/common/grpc_status.h"

namespace reporting::audit {
namespace {

std::string Property(const grpc::AuthContext& auth, const char* name) {
  std::vector<grpc::string_ref> v = auth.FindPropertyValues(name);
  if (v.size() != 1) return "";
  return std::string(v[0].data(), v[0].size());
}

// The OU of an RFC 2253 subject, e.g. "CN=371302,OU=county,O=reporting-dev".
std::string RoleOf(const grpc::AuthContext& auth) {
  const std::string subject = Property(auth, GRPC_X509_SUBJECT_PROPERTY_NAME);
  for (absl::string_view part : absl::StrSplit(subject, ',')) {
    if (absl::ConsumePrefix(&part, "OU=")) return std::string(part);
  }
  return "";
}

}  // namespace

absl::Status CheckRole(const grpc::AuthContext& auth, const std::string& role,
                       const std::string& what) {
  if (!auth.IsPeerAuthenticated()) {
    return absl::UnauthenticatedError(absl::StrCat(
        what, ": this service needs a client certificate with OU=", role,
        "; the call presented none"));
  }
  const std::string found = RoleOf(auth);
  if (found == role) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      what, ": this service needs a client certificate with OU=", role,
      "; the caller's certificate (CN=",
      Property(auth, GRPC_X509_CN_PROPERTY_NAME), ") has ",
      found.empty() ? "no OU" : absl::StrCat("OU=", found),
      ". Roles are granted by the CA (deploy/gen-certs.sh)"));
}

absl::Status RequireRole(const grpc::ServerContext& context,
                         const std::string& role, bool enforce,
                         const std::string& what) {
  if (!enforce) return absl::OkStatus();
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) {
    return absl::UnauthenticatedError(
        absl::StrCat(what, ": no transport identity on this call"));
  }
  return CheckRole(*auth, role, what);
}

MethodRoleProcessor::MethodRoleProcessor(
    std::map<std::string, std::string> roles)
    : roles_(std::move(roles)) {}

grpc::Status MethodRoleProcessor::Process(const InputMetadata& auth_metadata,
                                          grpc::AuthContext* context,
                                          OutputMetadata*, OutputMetadata*) {
  auto path = auth_metadata.find(":path");
  if (path == auth_metadata.end()) return grpc::Status::OK;
  // ":path" is "/package.Service/Method".
  absl::string_view p(path->second.data(), path->second.size());
  absl::ConsumePrefix(&p, "/");
  const absl::string_view service = p.substr(0, p.find('/'));
  auto it = roles_.find(std::string(service));
  if (it == roles_.end()) return grpc::Status::OK;
  return services::ToGrpcStatus(
      CheckRole(*context, it->second, std::string(service)));
}

}  // namespace reporting::audit
