// Bad bytes get clear answers (issue 20 points 9 and 10), on the real
// binaries over mutual TLS:
// - a request gRPC cannot decode, on every unary and server-streaming
//   method of both binaries, is answered INVALID_ARGUMENT with a message
//   naming the method (not INTERNAL or UNIMPLEMENTED without one), counted
//   in reporting_grpc_server_undecodable_total and logged;
// - a Push stream with garbage after its Hello (or instead of it) ends with
//   INVALID_ARGUMENT;
// - Replay streams are limited per caller (--audit_replays_per_caller):
//   RESOURCE_EXHAUSTED beyond, another caller still served, a slot freed
//   when a stream ends.
#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "reporting/v1/audit.grpc.pb.h"
#include "reporting/v1/replication.pb.h"
#include "services/common/roles.h"
#include "tests/identity/identity_cluster.h"
#include "tests/identity/raw_call.h"
#include "tests/ops/ops_harness.h"
#include "tests/ops/prom_text.h"
#include "tests/replication/push_client.h"
#include "tests/testutil/files.h"

namespace reporting::identity_test {
namespace {

// Field 1, length-delimited, says 5 bytes and has 2: no message decodes it.
const std::string kGarbage(
    "\x0a\x05"
    "ab",
    4);

TEST(BadBytesTest, UndecodableRequestsAreInvalidArgumentOnEveryMethod) {
  Cluster& cluster = Cluster::Get();
  struct Target {
    std::string address;
    std::string own_node;
    int metrics_port;
    std::string log;
    std::vector<std::string> services;
  };
  const std::vector<Target> targets = {
      {cluster.county_address(),
       "371302",
       cluster.county_metrics_port(),
       cluster.county_log(),
       {"reporting.v1.CommandService", "reporting.v1.ClerkService",
        "reporting.v1.AuditService", "reporting.v1.AdminService"}},
      {cluster.city_address(),
       "",
       cluster.city_metrics_port(),
       cluster.city_log(),
       {"reporting.v1.ReplicationService", "reporting.v1.QueryService",
        "reporting.v1.AuditService", "reporting.v1.AdminService"}},
  };
  int methods = 0;
  for (const Target& t : targets) {
    std::vector<std::string> sent;
    for (const std::string& service_name : t.services) {
      const auto* service = ServiceNamed(service_name);
      ASSERT_NE(service, nullptr) << service_name;
      for (int i = 0; i < service->method_count(); ++i) {
        const auto* m = service->method(i);
        if (m->client_streaming()) continue;  // Push: the next test
        const Caller* caller =
            AllowedCaller(service_name, m->name(), t.own_node);
        ASSERT_NE(caller, nullptr) << m->full_name();
        const std::string method =
            absl::StrCat("/", service_name, "/", m->name());
        RawResult r = RawCall(cluster.Channel(t.address, caller->cert), method,
                              {kGarbage}, std::chrono::seconds(10));
        EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
            << method << ": " << r.status.error_code() << " "
            << r.status.error_message();
        EXPECT_NE(r.status.error_message().find(method), std::string::npos)
            << method << ": " << r.status.error_message();
        EXPECT_EQ(r.responses, 0) << method;
        sent.push_back(method);
        ++methods;
      }
    }
    absl::StatusOr<std::string> text =
        ops_test::HttpGet(t.metrics_port, "/metrics");
    ASSERT_TRUE(text.ok()) << text.status();
    absl::StatusOr<ops_test::Exposition> m =
        ops_test::ParsePrometheusText(*text);
    ASSERT_TRUE(m.ok()) << m.status();
    for (const std::string& method : sent) {
      EXPECT_EQ(m->Value("reporting_grpc_server_undecodable_total",
                         {{"method", method}}),
                1)
          << method;
      EXPECT_GE(m->Value("reporting_grpc_server_handled_total",
                         {{"method", method}, {"code", "INVALID_ARGUMENT"}}),
                1)
          << method;
    }
    EXPECT_EQ(
        m->Sum("reporting_grpc_server_handled_total", {{"code", "INTERNAL"}}),
        0);
    EXPECT_EQ(m->Sum("reporting_grpc_server_handled_total",
                     {{"code", "UNIMPLEMENTED"}}),
              0);
    EXPECT_NE(testutil::ReadFile(t.log).find("undecodable request from"),
              std::string::npos);
  }
  std::printf("undecodable requests: %d methods answered INVALID_ARGUMENT\n",
              methods);
}

TEST(BadBytesTest, GarbageInAPushStreamEndsItWithInvalidArgument) {
  Cluster& cluster = Cluster::Get();
  auto channel = cluster.Channel(cluster.city_address(), "node-371311");
  v1::PushRequest hello;
  hello.mutable_hello()->set_node_id("371311");
  const std::string method = "/reporting.v1.ReplicationService/Push";
  for (const std::vector<std::string>& frames :
       {std::vector<std::string>{hello.SerializeAsString(), kGarbage},
        std::vector<std::string>{kGarbage},
        std::vector<std::string>{hello.SerializeAsString(), kGarbage,
                                 hello.SerializeAsString()}}) {
    RawResult r = RawCall(channel, method, frames, std::chrono::seconds(10));
    EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << frames.size() << " frames: " << r.status.error_message();
    EXPECT_NE(r.status.error_message().find("could not be decoded"),
              std::string::npos)
        << r.status.error_message();
  }
  // A Hello and a half-close is still a clean end (the county's way to
  // stop), not an error.
  RawResult clean = RawCall(channel, method, {hello.SerializeAsString()},
                            std::chrono::seconds(10));
  EXPECT_TRUE(clean.status.ok()) << clean.status.error_message();
  EXPECT_EQ(clean.responses, 1);  // the Cursor
  absl::StatusOr<std::string> text =
      ops_test::HttpGet(cluster.city_metrics_port(), "/metrics");
  ASSERT_TRUE(text.ok()) << text.status();
  absl::StatusOr<ops_test::Exposition> m = ops_test::ParsePrometheusText(*text);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(
      m->Value("reporting_grpc_server_undecodable_total", {{"method", method}}),
      3);
}

// A county (node 371311, --audit_replays_per_caller=2) over a log large
// enough that an unread Replay blocks on flow control and holds its slot.
TEST(BadBytesTest, ReplayStreamsAreLimitedPerCaller) {
  Cluster& cluster = Cluster::Get();
  testutil::TempDir dir("identity-replay-limit");
  replication_test::MakeNodeLog(dir.Sub("county"), "371311", 40000);
  std::vector<std::string> args =
      replication_test::TlsArgs(cluster.certs(), "node-371311");
  args.push_back("--audit_replays_per_caller=2");
  replication_test::County county(cluster.bin(), "371311", dir.Sub("county"),
                                  "127.0.0.1:9", args);
  county.Start();
  struct Open {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientReader<v1::ReplayBatch>> reader;
  };
  auto open = [&](const std::string& cert) {
    Open o;
    o.context = std::make_unique<grpc::ClientContext>();
    o.context->set_deadline(std::chrono::system_clock::now() +
                            std::chrono::seconds(60));
    v1::ReplayRequest req;
    req.set_node_id("371311");
    o.reader =
        v1::AuditService::NewStub(cluster.Channel(county.address(), cert))
            ->Replay(o.context.get(), req);
    return o;
  };
  // Two streams, each read once (so their handlers run), then left unread.
  std::vector<Open> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(open("auditor"));
    v1::ReplayBatch b;
    ASSERT_TRUE(held.back().reader->Read(&b));
  }
  Open third = open("auditor");
  v1::ReplayBatch b;
  EXPECT_FALSE(third.reader->Read(&b));
  grpc::Status s = third.reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << s.error_message();
  EXPECT_NE(s.error_message().find("--audit_replays_per_caller=2"),
            std::string::npos)
      << s.error_message();
  EXPECT_NE(s.error_message().find("CN=\"auditor\""), std::string::npos)
      << s.error_message();
  // Another auditor is another caller.
  Open other = open("auditor-wang");
  EXPECT_TRUE(other.reader->Read(&b)) << "the second auditor was refused";
  other.context->TryCancel();
  other.reader->Finish();
  // Ending one stream frees its slot.
  held[0].context->TryCancel();
  held[0].reader->Finish();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    Open again = open("auditor");
    served = again.reader->Read(&b);
    again.context->TryCancel();
    again.reader->Finish();
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(served) << "the freed slot was not given again";
  held[1].context->TryCancel();
  held[1].reader->Finish();
  county.Stop();
}

}  // namespace
}  // namespace reporting::identity_test
