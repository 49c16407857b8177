// Every role against every method of every service, generated from the one
// role table (services/common/roles.h), over real mutual TLS on the real
// binaries: a county node (371302) and the city. For each caller
// certificate and each method the service descriptor lists, the table says
// allowed or not; a refused call must be PERMISSION_DENIED naming the
// method, the role it needs and the caller's CN and OU, and an allowed one
// must reach the service (any other code: the empty request is then the
// service's to refuse).
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/common/roles.h"
#include "tests/identity/identity_cluster.h"
#include "tests/identity/raw_call.h"
#include "tests/ops/ops_harness.h"
#include "tests/ops/prom_text.h"

namespace reporting::identity_test {
namespace {

struct Server {
  std::string name;
  std::string address;
  std::string own_node;
  std::vector<std::string> services;
};

TEST(RoleMatrixTest, EveryRoleAgainstEveryMethodOfBothBinaries) {
  Cluster& cluster = Cluster::Get();
  const std::vector<Server> servers = {
      {"county-node 371302",
       cluster.county_address(),
       "371302",
       {"reporting.v1.CommandService", "reporting.v1.CommandStreamService",
        "reporting.v1.ClerkService", "reporting.v1.AuditService",
        "reporting.v1.AdminService", "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection"}},
      {"city-aggregator",
       cluster.city_address(),
       "",
       {"reporting.v1.ReplicationService", "reporting.v1.QueryService",
        "reporting.v1.AuditService", "reporting.v1.AdminService",
        "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"}},
  };
  int calls = 0, allowed = 0, denied = 0;
  for (const Server& server : servers) {
    for (const Caller& caller : Callers()) {
      auto channel = cluster.Channel(server.address, caller.cert);
      for (const std::string& service_name : server.services) {
        const google::protobuf::ServiceDescriptor* service =
            ServiceNamed(service_name);
        ASSERT_NE(service, nullptr) << service_name;
        for (int i = 0; i < service->method_count(); ++i) {
          const google::protobuf::MethodDescriptor* m = service->method(i);
          const std::string method =
              absl::StrCat("/", service_name, "/", m->name());
          // Unary and server-streaming calls take one (empty) request;
          // client streams send none and half-close. Watch never ends by
          // itself: a short deadline.
          const bool streams_in = m->client_streaming();
          const auto deadline =
              std::chrono::milliseconds(m->name() == "Watch" ? 500 : 10000);
          RawResult r = RawCall(channel, method,
                                streams_in ? std::vector<std::string>{}
                                           : std::vector<std::string>{""},
                                deadline);
          ++calls;
          const std::string what = absl::StrCat(
              server.name, " ", method, " by ", caller.cert, ": ",
              r.status.error_code(), " ", r.status.error_message());
          if (TableAllows(service_name, m->name(), caller, server.own_node)) {
            ++allowed;
            EXPECT_NE(r.status.error_code(),
                      grpc::StatusCode::PERMISSION_DENIED)
                << what;
            EXPECT_NE(r.status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
                << what;
          } else {
            ++denied;
            EXPECT_EQ(r.status.error_code(),
                      grpc::StatusCode::PERMISSION_DENIED)
                << what;
            const std::string& msg = r.status.error_message();
            EXPECT_NE(msg.find(method), std::string::npos) << what;
            EXPECT_NE(msg.find("needs"), std::string::npos) << what;
            EXPECT_NE(msg.find(absl::StrCat("CN=\"", caller.cn, "\"")),
                      std::string::npos)
                << what;
            EXPECT_NE(msg.find(absl::StrCat("OU=\"", caller.ou, "\"")),
                      std::string::npos)
                << what;
          }
        }
      }
    }
  }
  std::printf("role matrix: %d calls, %d allowed, %d denied\n", calls, allowed,
              denied);
  EXPECT_GT(allowed, 0);
  EXPECT_GT(denied, 0);
  // Refusals never reach a handler; the gate counts them by service.
  for (int port :
       {cluster.county_metrics_port(), cluster.city_metrics_port()}) {
    absl::StatusOr<std::string> text = ops_test::HttpGet(port, "/metrics");
    ASSERT_TRUE(text.ok()) << text.status();
    absl::StatusOr<ops_test::Exposition> m =
        ops_test::ParsePrometheusText(*text);
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_GT(m->Sum("reporting_grpc_server_denied_total",
                     {{"service", "reporting.v1.AuditService"},
                      {"code", "PERMISSION_DENIED"}}),
              0)
        << port;
  }
}

}  // namespace
}  // namespace reporting::identity_test
