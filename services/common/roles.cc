#include "services/common/roles.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace reporting::services {
namespace {

using R = Role;

std::string Needed(const AccessRule& rule, absl::string_view own_node_id) {
  return DescribeAdmitted(rule, own_node_id);
}

}  // namespace

const std::vector<Role>& AllRoles() {
  static const auto* roles = new std::vector<Role>{
      R::kNode, R::kClerk, R::kOffice, R::kAuditor, R::kOperator, R::kCity};
  return *roles;
}

const char* RoleName(Role role) {
  switch (role) {
    case R::kNode:
      return "node";
    case R::kClerk:
      return "clerk";
    case R::kOffice:
      return "office";
    case R::kAuditor:
      return "auditor";
    case R::kOperator:
      return "operator";
    case R::kCity:
      return "city";
  }
  return "?";
}

std::optional<Role> RoleFromUnit(absl::string_view unit) {
  for (Role r : AllRoles()) {
    if (unit == RoleName(r)) return r;
  }
  return std::nullopt;
}

const std::vector<AccessRule>& AccessTable() {
  static const auto* table = new std::vector<AccessRule>{
      // County node.
      {"reporting.v1.CommandService", "", {R::kClerk}, true},
      {"reporting.v1.CommandStreamService", "Stream", {R::kClerk}, true},
      {"reporting.v1.ClerkService", "", {R::kClerk}, true},
      // City aggregator.
      {"reporting.v1.ReplicationService", "Push", {R::kNode}, false},
      {"reporting.v1.ReplicationService",
       "GetStatus",
       {R::kOffice, R::kAuditor, R::kOperator},
       false},
      {"reporting.v1.QueryService", "", {R::kOffice}, false},
      // Both.
      {"reporting.v1.AuditService", "", {R::kAuditor}, false},
      {"reporting.v1.AdminService", "", {R::kOperator}, false},
      {"grpc.health.v1.Health", "", {}, false},
      {"grpc.reflection.v1alpha.ServerReflection", "", {}, false},
  };
  return *table;
}

bool InTable(absl::string_view service) {
  for (const AccessRule& rule : AccessTable()) {
    if (rule.service == service) return true;
  }
  return false;
}

const AccessRule* FindRule(absl::string_view service,
                           absl::string_view method) {
  for (const AccessRule& rule : AccessTable()) {
    if (rule.service == service &&
        (rule.method.empty() || rule.method == method)) {
      return &rule;
    }
  }
  return nullptr;
}

bool Admits(const AccessRule& rule, Role role) {
  return rule.roles.empty() || std::find(rule.roles.begin(), rule.roles.end(),
                                         role) != rule.roles.end();
}

bool MaySeeDashboard(Role role) {
  return Admits(*FindRule("reporting.v1.QueryService", ""), role) ||
         SeesPersonLevelData(role);
}

bool SeesPersonLevelData(Role role) {
  return Admits(*FindRule("reporting.v1.AuditService", ""), role);
}

std::string DescribeAdmitted(const AccessRule& rule,
                             absl::string_view own_node_id) {
  if (rule.roles.empty()) return "a certificate of any role";
  std::vector<std::string> names;
  for (Role r : rule.roles) names.push_back(absl::StrCat("OU=", RoleName(r)));
  std::string out = absl::StrJoin(names, " or ");
  if (rule.own_node) absl::StrAppend(&out, " with CN=", own_node_id);
  return out;
}

absl::Status Authorize(absl::string_view full_method,
                       const absl::StatusOr<PeerIdentity>& caller,
                       absl::string_view own_node_id) {
  absl::string_view path = full_method;
  absl::ConsumePrefix(&path, "/");
  const size_t slash = path.find('/');
  const absl::string_view service = path.substr(0, slash);
  const absl::string_view method =
      slash == absl::string_view::npos ? "" : path.substr(slash + 1);
  const AccessRule* rule = FindRule(service, method);
  if (rule == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat(
        full_method, ": no role may call this method on this server"));
  }
  if (!caller.ok()) {
    if (caller.status().code() == absl::StatusCode::kUnauthenticated) {
      return absl::UnauthenticatedError(
          absl::StrCat(full_method, " needs ", Needed(*rule, own_node_id), "; ",
                       caller.status().message()));
    }
    return absl::PermissionDeniedError(
        absl::StrCat(full_method, " needs ", Needed(*rule, own_node_id), "; ",
                     caller.status().message()));
  }
  const std::optional<Role> role = RoleFromUnit(caller->unit);
  const bool role_ok = role.has_value() && Admits(*rule, *role);
  const bool node_ok = !rule->own_node || caller->common_name == own_node_id;
  if (role_ok && node_ok) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      full_method, " needs ", Needed(*rule, own_node_id),
      "; the caller's certificate has ", Describe(*caller),
      role_ok ? " (a clerk writes to its own node only)"
              : ". Roles are granted by the CA (deploy/gen-certs.sh; "
                "docs/OPERATIONS.md \"Roles\")"));
}

}  // namespace reporting::services
