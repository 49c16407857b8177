// TestNode: a county node inside the test process, for gRPC tests of the
// rules: a real event log in a temporary directory, CommandService and
// ClerkService (and CommandStreamService) on a loopback port, and stubs
// to call them.
//
//   TestNode node;                       // node 371302, registered
//   node.Register("371302-U0042", 2, 3); // unit, 2 branches, 3 members
//   EXPECT_EQ(node.Send(&Stub::SignEvaluation, body).error_code(), ...);
//
// Thread safety: Send/stubs may be used from many threads; Restart only
// while no call is in flight.
#ifndef REPORTING_SERVICES_COUNTY_TESTING_TEST_NODE_H_
#define REPORTING_SERVICES_COUNTY_TESTING_TEST_NODE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "reporting/v1/clerk.grpc.pb.h"
#include "reporting/v1/command.grpc.pb.h"
#include "services/county/clerk_service.h"
#include "services/county/clock_watch.h"
#include "services/county/command_service.h"
#include "services/county/command_stream.h"
#include "storage/event_log.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::county::testing {

using Stub = v1::CommandService::Stub;

struct TestNodeOptions {
  std::string node_id = "371302";
  bool register_node = true;  // send RegisterNode at start
  bool sync = false;          // tests do not need fsync; restarts Close()
  // Node clock; default: the real clock.
  std::function<int64_t()> now_us;
};

class TestNode {
 public:
  explicit TestNode(TestNodeOptions options = {});
  ~TestNode();
  TestNode(const TestNode&) = delete;
  TestNode& operator=(const TestNode&) = delete;

  const std::string& node_id() const { return options_.node_id; }
  Stub& commands() { return *commands_; }
  v1::ClerkService::Stub& clerk() { return *clerk_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  storage::EventLog& log() { return *log_; }
  // Made afresh at each (re)start, from the log's head.
  const ClockWatch& clock_watch() const { return *clock_watch_; }

  // Stops the server, closes the log, opens it again and serves again (on
  // a new port; the stubs follow).
  void Restart();

  // A command id never used before by this node object.
  std::string NewCommandId() {
    return absl::StrCat("test-", next_id_.fetch_add(1));
  }
  v1::CommandMeta Meta(const std::string& command_id = "") {
    v1::CommandMeta meta;
    meta.set_command_id(command_id.empty() ? NewCommandId() : command_id);
    meta.set_actor("clerk:test@" + options_.node_id);
    return meta;
  }

  // Sends a command with the given body (and a fresh command id unless
  // `meta` is given). `result` may be null.
  template <typename Req, typename Body>
  grpc::Status Send(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                 const Req&,
                                                 v1::CommandResult*),
                    const Body& body, v1::CommandResult* result = nullptr,
                    const v1::CommandMeta* meta = nullptr) {
    Req request;
    *request.mutable_meta() = meta != nullptr ? *meta : Meta();
    *request.mutable_body() = body;
    v1::CommandResult ignored;
    grpc::ClientContext ctx;
    return (commands_.get()->*method)(&ctx, request,
                                      result != nullptr ? result : &ignored);
  }

  // Registers a unit (batch `batch`, member_count = branches * members,
  // at least 1)
  // with branches B01.. and, in each, members M0001.. numbered across the
  // unit. Asserts success.
  void Register(const std::string& unit_id, int branches,
                int members_per_branch, v1::Batch batch = v1::BATCH_FIRST);

  // Member id `n` (1-based) of a unit registered with Register().
  static std::string Member(const std::string& unit_id, int n);
  static std::string Branch(const std::string& unit_id, int n);

 private:
  void Start();
  void Stop();

  TestNodeOptions options_;
  reporting::testutil::TempDir dir_;
  std::unique_ptr<storage::EventLog> log_;
  std::unique_ptr<ClockWatch> clock_watch_;
  std::unique_ptr<CommandServiceImpl> command_service_;
  std::unique_ptr<CommandStreamServiceImpl> command_stream_service_;
  std::unique_ptr<ClerkServiceImpl> clerk_service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> commands_;
  std::unique_ptr<v1::ClerkService::Stub> clerk_;
  std::atomic<uint64_t> next_id_{1};
};

// "CODE: message" for assertion output.
std::string Describe(const grpc::Status& status);

}  // namespace reporting::county::testing

#endif  // REPORTING_SERVICES_COUNTY_TESTING_TEST_NODE_H_
