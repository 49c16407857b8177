// CommandSender against a node that reads commands and never answers: Send
// gives up after its answer deadline with DEADLINE_EXCEEDED saying what is
// known, instead of waiting for ever; the sender stays usable and is
// destroyed without hanging.
#include <chrono>
#include <memory>

#include "absl/time/clock.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "reporting/v1/command.grpc.pb.h"
#include "reporting/v1/command.pb.h"
#include "reporting/v1/command_stream.grpc.pb.h"
#include "services/generator/generate_driver.h"

namespace reporting::generator {
namespace {

// Reads every command and answers none.
class SilentNode final : public v1::CommandStreamService::Service {
 public:
  grpc::Status Stream(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<v1::CommandStreamResponse,
                               v1::CommandStreamRequest>* stream) override {
    v1::CommandStreamRequest request;
    while (stream->Read(&request)) {
    }
    return grpc::Status::OK;
  }
};

Command RegisterNode(const char* command_id) {
  auto request = std::make_shared<v1::RegisterNodeRequest>();
  request->mutable_meta()->set_command_id(command_id);
  request->mutable_meta()->set_actor("test:sender");
  request->mutable_body()->set_node_id("371302");
  request->mutable_body()->set_name("兰山区");
  request->mutable_body()->set_kind(v1::NODE_KIND_DISTRICT);
  return Command{"RegisterNode", request};
}

TEST(CommandSenderTest, ANodeThatNeverAnswersEndsInDeadlineExceeded) {
  SilentNode node;
  grpc::ServerBuilder builder;
  builder.RegisterService(&node);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  {
    CommandSender sender(server->InProcessChannel(grpc::ChannelArguments()),
                         absl::Seconds(30), absl::Milliseconds(300));
    for (const char* id : {"silent-1", "silent-2"}) {
      const absl::Time start = absl::Now();
      absl::StatusOr<v1::CommandResult> result = sender.Send(RegisterNode(id));
      const absl::Duration took = absl::Now() - start;
      ASSERT_FALSE(result.ok());
      EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded)
          << result.status();
      EXPECT_NE(result.status().message().find(
                    "did not answer within 300ms; whether it was recorded is "
                    "unknown"),
                absl::string_view::npos)
          << result.status();
      EXPECT_NE(result.status().message().find(id), absl::string_view::npos)
          << result.status();
      EXPECT_GE(took, absl::Milliseconds(300));
      EXPECT_LT(took, absl::Seconds(10));
    }
  }
  server->Shutdown(std::chrono::system_clock::now());
}

// The city aggregator's address given for a county's: the server has no
// CommandStreamService, and the answer says to check the address.
TEST(CommandSenderTest, AServerWithoutCommandsIsNamedAsTheWrongAddress) {
  v1::CommandService::Service not_a_stream;  // some other service only
  grpc::ServerBuilder builder;
  builder.RegisterService(&not_a_stream);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  {
    CommandSender sender(server->InProcessChannel(grpc::ChannelArguments()));
    absl::StatusOr<v1::CommandResult> result =
        sender.Send(RegisterNode("wrong-server"));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_NE(result.status().message().find(
                  "RegisterNode wrong-server: the server at that address does "
                  "not take commands: give a county node's address"),
              absl::string_view::npos)
        << result.status();
  }
  server->Shutdown(std::chrono::system_clock::now());
}

}  // namespace
}  // namespace reporting::generator
