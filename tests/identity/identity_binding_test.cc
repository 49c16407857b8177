// Identity bound to origin (issue 20 points 1, 4, 5), over real mutual TLS
// on the real binaries:
// - a county node takes commands only from the clerk certificate of its own
//   node id: another node's clerk, a made-up CN=999999 and the node's own
//   replication certificate are refused and write nothing;
// - certificates whose CN holds commas and "OU=" text keep their real OU;
// - a clerk certificate cannot push to the city.
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "reporting/v1/admin.grpc.pb.h"
#include "reporting/v1/audit.grpc.pb.h"
#include "reporting/v1/command.grpc.pb.h"
#include "tests/identity/identity_cluster.h"
#include "tests/replication/harness.h"
#include "tests/replication/push_client.h"

namespace reporting::identity_test {
namespace {

TEST(IdentityTest, ACountyTakesCommandsOnlyFromItsOwnClerk) {
  Cluster& cluster = Cluster::Get();
  const uint64_t before = cluster.CountyHead();
  for (const std::string cert :
       {"clerk-371311", "clerk-999999", "node-371302", "office", "operator"}) {
    auto stub = v1::CommandService::NewStub(
        cluster.Channel(cluster.county_address(), cert));
    absl::StatusOr<uint64_t> r = replication_test::SendUnit(*stub, "371302", 0);
    ASSERT_FALSE(r.ok()) << cert;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied)
        << cert << ": " << r.status();
    EXPECT_NE(r.status().message().find("OU=clerk with CN=371302"),
              std::string::npos)
        << r.status();
  }
  EXPECT_EQ(cluster.CountyHead(), before) << "a refused command wrote";
  // The node's own clerk writes.
  auto own = v1::CommandService::NewStub(
      cluster.Channel(cluster.county_address(), "clerk-371302"));
  absl::StatusOr<uint64_t> r = replication_test::SendUnit(*own, "371302", 0);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GT(cluster.CountyHead(), before);
}

TEST(IdentityTest, CommasInTheCommonNameDoNotMakeAnAuditorOrOperator) {
  Cluster& cluster = Cluster::Get();
  {
    auto stub = v1::AuditService::NewStub(
        cluster.Channel(cluster.city_address(), "office-li"));
    grpc::ClientContext ctx;
    v1::VerifyRequest req;
    req.set_node_id("371302");
    v1::VerifyResponse resp;
    grpc::Status s = stub->Verify(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << s.error_message();
    EXPECT_NE(s.error_message().find("CN=\"Li, Wei,OU=auditor\" OU=\"office\""),
              std::string::npos)
        << s.error_message();
  }
  const std::string backup = cluster.certs() + "/../zhang-backup";
  {
    auto stub = v1::AdminService::NewStub(
        cluster.Channel(cluster.city_address(), "office-zhang"));
    grpc::ClientContext ctx;
    v1::BackupRequest req;
    req.set_dir(std::filesystem::absolute(backup).lexically_normal());
    v1::BackupResponse resp;
    grpc::Status s = stub->Backup(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << s.error_message();
  }
  EXPECT_FALSE(std::filesystem::exists(backup));
}

TEST(IdentityTest, AClerkCertificateCannotPushToTheCity) {
  Cluster& cluster = Cluster::Get();
  replication_test::PushClient client(
      cluster.Channel(cluster.city_address(), "clerk-371311"));
  client.Hello("371311");
  v1::PushResponse r;
  EXPECT_FALSE(client.Read(&r) && r.has_cursor());
  grpc::Status s = client.Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << s.error_message();
  EXPECT_NE(s.error_message().find("needs OU=node"), std::string::npos)
      << s.error_message();
}

}  // namespace
}  // namespace reporting::identity_test
