// CommandStreamService.Stream on the real county-node binary over mutual TLS
// (issue 24): a command on the stream is decided exactly as on its unary
// RPC.
// - answers come in the order sent, each once durable (the unit is there
//   to read, the head holds it);
// - a refusal is an answer on the stream (code and message) and the next
//   command is still accepted;
// - a resend, on a stream or unary, gets the first answer (duplicate, or
//   the same refusal) and appends nothing, even once the refusal's cause
//   is gone;
// - a certificate the role table does not admit (another node's clerk,
//   the node's own certificate, the office) is PERMISSION_DENIED and
//   writes nothing;
// - a message that does not decode ends the stream with INVALID_ARGUMENT
//   after the commands before it, and nothing after it is done.
// The in-flight and stream bounds: services/county/command_stream_test.cc.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "reporting/v1/clerk.grpc.pb.h"
#include "reporting/v1/command.grpc.pb.h"
#include "reporting/v1/command_stream.grpc.pb.h"
#include "tests/identity/identity_cluster.h"
#include "tests/identity/raw_call.h"
#include "tests/ops/ops_harness.h"
#include "tests/ops/prom_text.h"
#include "tests/replication/harness.h"

namespace reporting::identity_test {
namespace {

constexpr char kNode[] = "371302";
constexpr char kClerk[] = "clerk-371302";

v1::CommandStreamRequest Unit(const std::string& command_id,
                              const std::string& unit_id) {
  v1::CommandStreamRequest c;
  auto* r = c.mutable_register_unit();
  r->mutable_meta()->set_command_id(command_id);
  r->mutable_meta()->set_actor("clerk:stream-test");
  r->mutable_body()->set_unit_id(unit_id);
  r->mutable_body()->set_name("单位");
  r->mutable_body()->set_batch(v1::BATCH_FIRST);
  r->mutable_body()->set_member_count(30);
  r->mutable_body()->set_category("机关");
  return c;
}

// A branch of `unit_id` (NOT_FOUND while the unit is not registered).
v1::CommandStreamRequest Branch(const std::string& command_id,
                                const std::string& unit_id) {
  v1::CommandStreamRequest c;
  auto* r = c.mutable_register_branch();
  r->mutable_meta()->set_command_id(command_id);
  r->mutable_meta()->set_actor("clerk:stream-test");
  r->mutable_body()->set_unit_id(unit_id);
  r->mutable_body()->set_branch_id(unit_id + "-B01");
  r->mutable_body()->set_name("第一党支部");
  return c;
}

struct Outcome {
  std::vector<v1::CommandStreamResponse> answers;
  grpc::Status status;
};

Outcome Send(const std::string& cert,
             const std::vector<v1::CommandStreamRequest>& commands) {
  Cluster& cluster = Cluster::Get();
  auto stub = v1::CommandStreamService::NewStub(
      cluster.Channel(cluster.county_address(), cert));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto stream = stub->Stream(&ctx);
  for (const auto& c : commands) {
    if (!stream->Write(c)) break;
  }
  stream->WritesDone();
  Outcome out;
  v1::CommandStreamResponse answer;
  while (stream->Read(&answer)) out.answers.push_back(answer);
  out.status = stream->Finish();
  return out;
}

// The node is registered (once per test binary; a repeat is a duplicate).
void RegisterNode() {
  Cluster& cluster = Cluster::Get();
  auto stub = v1::CommandService::NewStub(
      cluster.Channel(cluster.county_address(), kClerk));
  absl::StatusOr<uint64_t> r = replication_test::SendUnit(*stub, kNode, 0);
  ASSERT_TRUE(r.ok()) << r.status();
}

TEST(CommandStreamTlsTest, AnswersInOrderEachOnceDurable) {
  RegisterNode();
  std::vector<v1::CommandStreamRequest> commands;
  for (int i = 1; i <= 50; ++i) {
    char unit[32];
    std::snprintf(unit, sizeof(unit), "%s-U%04d", kNode, 1000 + i);
    commands.push_back(Unit(absl::StrCat("order-", i), unit));
  }
  Outcome out = Send(kClerk, commands);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  ASSERT_EQ(out.answers.size(), commands.size());
  uint64_t last = 0;
  for (size_t i = 0; i < commands.size(); ++i) {
    const auto& a = out.answers[i];
    EXPECT_EQ(a.command_id(), absl::StrCat("order-", i + 1));
    EXPECT_EQ(a.code(), 0) << a.message();
    EXPECT_TRUE(a.message().empty());
    EXPECT_FALSE(a.result().duplicate());
    ASSERT_EQ(a.result().stream_versions_size(), 1);
    EXPECT_EQ(
        a.result().stream_versions(0).stream_id(),
        absl::StrCat("unit/", commands[i].register_unit().body().unit_id()));
    last = std::max(last, a.result().last_sequence());
  }
  // Answered means recorded: the head holds every answer, and each unit
  // reads back.
  EXPECT_GE(Cluster::Get().CountyHead(), last);
  auto clerk = v1::ClerkService::NewStub(
      Cluster::Get().Channel(Cluster::Get().county_address(), kClerk));
  for (const auto& c : commands) {
    grpc::ClientContext ctx;
    v1::GetUnitRequest req;
    req.set_unit_id(c.register_unit().body().unit_id());
    v1::UnitView view;
    grpc::Status s = clerk->GetUnit(&ctx, req, &view);
    EXPECT_TRUE(s.ok()) << req.unit_id() << ": " << s.error_message();
  }
}

TEST(CommandStreamTlsTest, ARefusalIsAnAnswerAndFinalAndAResendAppendsNothing) {
  RegisterNode();
  Cluster& cluster = Cluster::Get();
  const std::string a = absl::StrCat(kNode, "-U2001");
  const std::string b = absl::StrCat(kNode, "-U2002");
  const std::string missing = absl::StrCat(kNode, "-U2003");
  const std::vector<v1::CommandStreamRequest> commands = {
      Unit("refusal-1", a), Branch("refusal-2", missing), Unit("refusal-3", b)};
  const uint64_t before = cluster.CountyHead();
  Outcome first = Send(kClerk, commands);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  ASSERT_EQ(first.answers.size(), 3u);
  EXPECT_EQ(first.answers[0].code(), 0) << first.answers[0].message();
  EXPECT_EQ(first.answers[1].command_id(), "refusal-2");
  EXPECT_EQ(first.answers[1].code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(first.answers[1].message().find(missing), std::string::npos)
      << first.answers[1].message();
  EXPECT_FALSE(first.answers[1].has_result());
  EXPECT_EQ(first.answers[2].code(), 0) << first.answers[2].message();
  EXPECT_EQ(cluster.CountyHead(), before + 2) << "a refusal appended";

  // The refusal's cause goes away; the first answers stay, on the stream
  // and unary alike, and nothing is appended.
  ASSERT_EQ(Send(kClerk, {Unit("refusal-4", missing)}).answers.at(0).code(), 0);
  const uint64_t head = cluster.CountyHead();
  Outcome again = Send(kClerk, commands);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  ASSERT_EQ(again.answers.size(), 3u);
  for (int i : {0, 2}) {
    EXPECT_EQ(again.answers[i].code(), 0);
    EXPECT_TRUE(again.answers[i].result().duplicate());
    EXPECT_EQ(again.answers[i].result().last_sequence(),
              first.answers[i].result().last_sequence());
  }
  EXPECT_EQ(again.answers[1].code(), first.answers[1].code());
  EXPECT_EQ(again.answers[1].message(), first.answers[1].message());
  auto stub = v1::CommandService::NewStub(
      cluster.Channel(cluster.county_address(), kClerk));
  grpc::ClientContext ctx;
  v1::CommandResult unary_result;
  grpc::Status unary =
      stub->RegisterBranch(&ctx, commands[1].register_branch(), &unary_result);
  EXPECT_EQ(unary.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(unary.error_message(), first.answers[1].message());
  EXPECT_EQ(cluster.CountyHead(), head) << "a resend appended";
  // A command id reused for another request: ALREADY_EXISTS on the stream.
  Outcome reused =
      Send(kClerk, {Unit("refusal-1", absl::StrCat(kNode, "-U2009"))});
  ASSERT_EQ(reused.answers.size(), 1u);
  EXPECT_EQ(reused.answers[0].code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(cluster.CountyHead(), head);
}

TEST(CommandStreamTlsTest, OnlyThisNodesClerkMayStream) {
  RegisterNode();
  Cluster& cluster = Cluster::Get();
  const uint64_t before = cluster.CountyHead();
  for (const std::string cert :
       {"clerk-371311", "clerk-999999", "node-371302", "office", "auditor"}) {
    Outcome out = Send(cert, {Unit(absl::StrCat("role-", cert),
                                   absl::StrCat(kNode, "-U3001"))});
    EXPECT_TRUE(out.answers.empty()) << cert;
    EXPECT_EQ(out.status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << cert << ": " << out.status.error_message();
    EXPECT_NE(out.status.error_message().find(
                  "/reporting.v1.CommandStreamService/Stream"),
              std::string::npos)
        << out.status.error_message();
    EXPECT_NE(out.status.error_message().find("OU=clerk with CN=371302"),
              std::string::npos)
        << out.status.error_message();
  }
  EXPECT_EQ(cluster.CountyHead(), before) << "a refused stream wrote";
}

TEST(CommandStreamTlsTest, AnUndecodableMessageEndsTheStreamClearly) {
  RegisterNode();
  Cluster& cluster = Cluster::Get();
  const uint64_t before = cluster.CountyHead();
  // Field 1, length-delimited, says 5 bytes and has 2.
  const std::string garbage(
      "\x0a\x05"
      "ab",
      4);
  const std::string method = "/reporting.v1.CommandStreamService/Stream";
  RawResult r = RawCall(
      cluster.Channel(cluster.county_address(), kClerk), method,
      {Unit("bytes-1", absl::StrCat(kNode, "-U4001")).SerializeAsString(),
       garbage,
       Unit("bytes-2", absl::StrCat(kNode, "-U4002")).SerializeAsString()},
      std::chrono::seconds(10));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << r.status.error_message();
  EXPECT_NE(r.status.error_message().find("could not be decoded as "
                                          "reporting.v1.CommandStreamRequest"),
            std::string::npos)
      << r.status.error_message();
  // The command before the bad bytes is recorded; the one after is not.
  EXPECT_EQ(cluster.CountyHead(), before + 1);
  auto clerk = v1::ClerkService::NewStub(
      cluster.Channel(cluster.county_address(), kClerk));
  grpc::ClientContext ctx;
  v1::GetUnitRequest req;
  req.set_unit_id(absl::StrCat(kNode, "-U4002"));
  v1::UnitView view;
  EXPECT_EQ(clerk->GetUnit(&ctx, req, &view).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Counted as an undecodable request of the method.
  absl::StatusOr<std::string> text =
      ops_test::HttpGet(cluster.county_metrics_port(), "/metrics");
  ASSERT_TRUE(text.ok()) << text.status();
  absl::StatusOr<ops_test::Exposition> m = ops_test::ParsePrometheusText(*text);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(
      m->Value("reporting_grpc_server_undecodable_total", {{"method", method}}),
      1);
}

}  // namespace
}  // namespace reporting::identity_test
