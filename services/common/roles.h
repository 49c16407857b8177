// The one table of who may call what (ARCHITECTURE.md decision 7), for both
// binaries. A caller's role is its certificate's OU, read through the X.509
// API (identity.h); access_gate.h enforces this table on every call of a
// server started with TLS. docs/OPERATIONS.md "Roles" shows it to operators.
//
//   role      certificate (deploy/gen-certs.sh)   may call
//   node      node-<id>:  CN=<id>, OU=node        ReplicationService.Push (at
//                                                 the city; only its own log:
//                                                 the Hello's node id must be
//                                                 the CN, checked by the
//                                                 service)
//   clerk     clerk-<id>: CN=<id>, OU=clerk       CommandService,
//                                                 CommandStreamService.Stream,
//                                                 ClerkService of node <id>
//                                                 only
//   office    office:     OU=office               QueryService,
//                                                 ReplicationService.GetStatus
//   auditor   auditor:    OU=auditor              AuditService,
//                                                 ReplicationService.GetStatus
//   operator  operator:   OU=operator             AdminService,
//                                                 ReplicationService.GetStatus
//   city      city:       OU=city                 nothing (a server identity)
//   any role                                      health, reflection
//
// The dashboard's accounts (office, auditor) are admitted from the same
// table: MaySeeDashboard and SeesPersonLevelData below.
//
// A method not in the table is refused to everyone. Nobody may rewrite
// history: no role has a method that does.
//
// Thread safety: the table is immutable; the functions are pure.
#ifndef REPORTING_SERVICES_COMMON_ROLES_H_
#define REPORTING_SERVICES_COMMON_ROLES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/identity.h"

namespace reporting::services {

enum class Role { kNode, kClerk, kOffice, kAuditor, kOperator, kCity };

// Every role, in the order of the table above.
const std::vector<Role>& AllRoles();
// The OU that carries the role ("node", "clerk", ...).
const char* RoleName(Role role);
// The role an OU names; nullopt for an OU that is no role.
std::optional<Role> RoleFromUnit(absl::string_view unit);

struct AccessRule {
  std::string service;      // full name, "reporting.v1.CommandService"
  std::string method;       // "Push"; "" for every method of the service
  std::vector<Role> roles;  // who may call; empty: any role
  // The caller's CN must be the serving node's id (a clerk writes to its
  // own node only).
  bool own_node = false;
};

// The table, most specific rule first per service.
const std::vector<AccessRule>& AccessTable();

// Whether the table has a rule for `service`.
bool InTable(absl::string_view service);

// The rule that decides `service`/`method`; nullptr when none does.
const AccessRule* FindRule(absl::string_view service, absl::string_view method);

// Whether `rule` admits `role` (a rule naming no role admits every role).
bool Admits(const AccessRule& rule, Role role);

// The city's web dashboard (services/dashboard/) signs in accounts, not
// certificates, under the same role names, and shows a role what the table
// lets it read over gRPC: the figures to QueryService's readers, the
// timelines to AuditService's readers. So an office or auditor account may
// see it, and only AuditService's readers (auditor) see person-level data
// (actors, roster events, reasons' messages).
bool MaySeeDashboard(Role role);
bool SeesPersonLevelData(Role role);

// Decides one call to "/package.Service/Method" by a caller (IdentityOf's
// result) on a server whose node id is `own_node_id` ("" for the city).
// OK; UNAUTHENTICATED when the caller has no usable certificate;
// PERMISSION_DENIED naming the method, the role(s) it needs and the caller's
// CN and OU otherwise.
absl::Status Authorize(absl::string_view full_method,
                       const absl::StatusOr<PeerIdentity>& caller,
                       absl::string_view own_node_id);

// "clerk certificates of node 371302", "auditor", "any role": who a rule
// admits, for messages and the start-up log.
std::string DescribeAdmitted(const AccessRule& rule,
                             absl::string_view own_node_id);

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_ROLES_H_
