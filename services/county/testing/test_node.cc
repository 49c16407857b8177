#include "services/county/testing/test_node.h"

#include <algorithm>
#include <cstdio>

#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "services/common/grpc_status.h"
#include "services/common/server.h"

namespace reporting::county::testing {

TestNode::TestNode(TestNodeOptions options)
    : options_(std::move(options)), dir_("county-test") {
  if (!options_.now_us) {
    options_.now_us = [] { return absl::ToUnixMicros(absl::Now()); };
  }
  Start();
  if (options_.register_node) {
    v1::NodeRegistered node;
    node.set_node_id(options_.node_id);
    node.set_name("兰山区");
    node.set_kind(v1::NODE_KIND_DISTRICT);
    grpc::Status s = Send(&Stub::RegisterNode, node);
    EXPECT_TRUE(s.ok()) << Describe(s);
  }
}

TestNode::~TestNode() { Stop(); }

void TestNode::Start() {
  storage::EventLogOptions log_options;
  log_options.node_id = options_.node_id;
  log_options.sync = options_.sync;
  auto log = storage::EventLog::Open(dir_.Sub("log"), log_options);
  if (!log.ok()) {
    ADD_FAILURE() << "open log: " << log.status();
    std::abort();
  }
  log_ = std::move(*log);
  clock_watch_ = std::make_unique<ClockWatch>(
      options_.node_id, HeadRecordedAt(*log_), options_.now_us(), nullptr);
  NodeEnv env{options_.node_id, log_.get(), options_.now_us,
              clock_watch_.get()};
  command_service_ = std::make_unique<CommandServiceImpl>(env);
  command_stream_service_ = std::make_unique<CommandStreamServiceImpl>(env);
  clerk_service_ = std::make_unique<ClerkServiceImpl>(env);
  services::ServerOptions server_options;
  server_options.listen = "127.0.0.1:0";
  server_options.services = {command_service_.get(),
                             command_stream_service_.get(),
                             clerk_service_.get()};
  server_options.min_pollers = kServerMinPollers;
  server_options.max_pollers = kServerMaxPollers;
  auto started = services::StartServer(server_options);
  if (!started.ok()) {
    ADD_FAILURE() << "start server: " << started.status();
    std::abort();
  }
  server_ = std::move(started->server);
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", started->port),
                                 grpc::InsecureChannelCredentials());
  commands_ = v1::CommandService::NewStub(channel_);
  clerk_ = v1::ClerkService::NewStub(channel_);
}

void TestNode::Stop() {
  if (server_ != nullptr) {
    services::StopServer(*server_, absl::Seconds(5));
    server_.reset();
  }
  commands_.reset();
  clerk_.reset();
  channel_.reset();
  if (log_ != nullptr) {
    absl::Status s = log_->Close();
    EXPECT_TRUE(s.ok()) << s;
    log_.reset();
  }
}

void TestNode::Restart() {
  Stop();
  Start();
}

std::string TestNode::Member(const std::string& unit_id, int n) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "-M%04d", n);
  return unit_id + buf;
}

std::string TestNode::Branch(const std::string& unit_id, int n) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "-B%02d", n);
  return unit_id + buf;
}

void TestNode::Register(const std::string& unit_id, int branches,
                        int members_per_branch, v1::Batch batch) {
  v1::UnitRegistered unit;
  unit.set_unit_id(unit_id);
  unit.set_name("unit " + unit_id);
  unit.set_batch(batch);
  // A unit reports at least one member; Register(unit, 0, 0) gives a bare
  // unit for roster tests.
  unit.set_member_count(
      static_cast<uint32_t>(std::max(1, branches * members_per_branch)));
  unit.set_category(batch == v1::BATCH_FIRST ? "机关" : "社区");
  grpc::Status s = Send(&Stub::RegisterUnit, unit);
  ASSERT_TRUE(s.ok()) << Describe(s);
  int member = 0;
  for (int b = 1; b <= branches; ++b) {
    v1::BranchRegistered branch;
    branch.set_branch_id(Branch(unit_id, b));
    branch.set_name(absl::StrCat("第", b, "党支部"));
    s = Send(&Stub::RegisterBranch, branch);
    ASSERT_TRUE(s.ok()) << Describe(s);
    for (int m = 0; m < members_per_branch; ++m) {
      v1::MemberRegistered reg;
      reg.set_member_id(Member(unit_id, ++member));
      reg.set_branch_id(branch.branch_id());
      reg.set_name(absl::StrCat("党员", member));
      s = Send(&Stub::RegisterMember, reg);
      ASSERT_TRUE(s.ok()) << Describe(s);
    }
  }
}

std::string Describe(const grpc::Status& status) {
  return services::GrpcStatusText(status);
}

}  // namespace reporting::county::testing
