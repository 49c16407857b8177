// The role table's decisions (roles.h), one call at a time; the same table
// is checked end to end over TLS by tests/identity.
#include "services/common/roles.h"

#include <string>

#include "gtest/gtest.h"

namespace reporting::services {
namespace {

absl::Status Call(const std::string& method, const std::string& cn,
                  const std::string& ou, const std::string& own = "371302") {
  return Authorize(method, PeerIdentity{cn, ou}, own);
}

TEST(RolesTest, EveryRoleNameRoundTrips) {
  for (Role r : AllRoles()) {
    ASSERT_TRUE(RoleFromUnit(RoleName(r)).has_value());
    EXPECT_EQ(*RoleFromUnit(RoleName(r)), r);
  }
  EXPECT_FALSE(RoleFromUnit("county").has_value());
  EXPECT_FALSE(RoleFromUnit("").has_value());
}

TEST(RolesTest, ClerkWritesToItsOwnNodeOnly) {
  const std::string m = "/reporting.v1.CommandService/RegisterUnit";
  EXPECT_TRUE(Call(m, "371302", "clerk").ok());
  absl::Status other = Call(m, "371311", "clerk");
  EXPECT_EQ(other.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(other.message().find("CN=371302"), std::string::npos) << other;
  EXPECT_NE(other.message().find("371311"), std::string::npos) << other;
  EXPECT_EQ(Call(m, "999999", "clerk").code(),
            absl::StatusCode::kPermissionDenied);
  // The node's own certificate replicates; it does not write commands.
  EXPECT_EQ(Call(m, "371302", "node").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(RolesTest, MessageNamesMethodRoleNeededAndCaller) {
  absl::Status s = Call("/reporting.v1.AdminService/Backup",
                        "Li, Wei,OU=operator", "office");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("/reporting.v1.AdminService/Backup"),
            std::string::npos);
  EXPECT_NE(s.message().find("needs OU=operator"), std::string::npos) << s;
  EXPECT_NE(s.message().find("CN=\"Li, Wei,OU=operator\" OU=\"office\""),
            std::string::npos)
      << s;
}

TEST(RolesTest, PushIsForNodesAndGetStatusForReaders) {
  const std::string push = "/reporting.v1.ReplicationService/Push";
  const std::string status = "/reporting.v1.ReplicationService/GetStatus";
  EXPECT_TRUE(Call(push, "371302", "node", "").ok());
  EXPECT_EQ(Call(push, "371302", "clerk", "").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Call(status, "371302", "node", "").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Call(status, "office", "office", "").ok());
  EXPECT_TRUE(Call(status, "operator", "operator", "").ok());
}

TEST(RolesTest, HealthAdmitsAnyRoleButNotAnUnknownUnit) {
  const std::string m = "/grpc.health.v1.Health/Check";
  for (Role r : AllRoles()) EXPECT_TRUE(Call(m, "x", RoleName(r)).ok());
  EXPECT_EQ(Call(m, "x", "county").code(), absl::StatusCode::kPermissionDenied);
}

TEST(RolesTest, UnknownMethodIsRefusedToEveryone) {
  for (Role r : AllRoles()) {
    EXPECT_EQ(Call("/reporting.v1.Nothing/Do", "371302", RoleName(r)).code(),
              absl::StatusCode::kPermissionDenied);
  }
}

TEST(RolesTest, NoCertificateIsUnauthenticated) {
  absl::Status s = Authorize("/reporting.v1.QueryService/GetCityOverview",
                             absl::UnauthenticatedError("none"), "");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("OU=office"), std::string::npos) << s;
}

TEST(RolesTest, AnUnreadableCertificateIsDenied) {
  absl::Status s = Authorize("/reporting.v1.QueryService/GetCityOverview",
                             absl::InvalidArgumentError("2 OU attributes"), "");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
}

// The dashboard admits accounts from the same table: QueryService's and
// AuditService's readers see it, AuditService's see person-level data.
TEST(RolesTest, DashboardRolesComeFromTheTable) {
  for (Role r : AllRoles()) {
    const bool reads_figures =
        Call("/reporting.v1.QueryService/GetCityOverview", "x", RoleName(r))
            .ok();
    const bool audits =
        Call("/reporting.v1.AuditService/Replay", "x", RoleName(r)).ok();
    EXPECT_EQ(MaySeeDashboard(r), reads_figures || audits) << RoleName(r);
    EXPECT_EQ(SeesPersonLevelData(r), audits) << RoleName(r);
  }
  EXPECT_TRUE(MaySeeDashboard(Role::kOffice));
  EXPECT_TRUE(MaySeeDashboard(Role::kAuditor));
  EXPECT_FALSE(SeesPersonLevelData(Role::kOffice));
  EXPECT_TRUE(SeesPersonLevelData(Role::kAuditor));
  for (Role r : {Role::kNode, Role::kClerk, Role::kOperator, Role::kCity}) {
    EXPECT_FALSE(MaySeeDashboard(r)) << RoleName(r);
  }
}

}  // namespace
}  // namespace reporting::services
