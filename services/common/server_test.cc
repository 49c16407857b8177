// StartServer / StopServer / WaitForShutdownSignal: health and reflection
// reachable, a bad address refused, signals taken synchronously.
#include "services/common/server.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "services/common/grpc_status.h"
#include "services/common/probe_client.h"

namespace reporting::services {
namespace {

ServerOptions Listen(const std::string& address) {
  ServerOptions options;
  options.listen = address;
  return options;
}

std::shared_ptr<grpc::Channel> Dial(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                             grpc::InsecureChannelCredentials());
}

TEST(ServerTest, HealthIsServingAndReflectionListsHealth) {
  auto started = StartServer(Listen("127.0.0.1:0"));
  ASSERT_TRUE(started.ok()) << started.status();
  ASSERT_GT(started->port, 0);
  auto health = CheckHealth(Dial(started->port), "");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, "SERVING");
  auto names = ListServices(Dial(started->port));
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_NE(std::find(names->begin(), names->end(), "grpc.health.v1.Health"),
            names->end());
  StopServer(*started->server, absl::Seconds(1));
}

TEST(ServerTest, UnbindableAddressIsUnavailable) {
  auto first = StartServer(Listen("127.0.0.1:0"));
  ASSERT_TRUE(first.ok());
  auto second =
      StartServer(Listen(absl::StrCat("127.0.0.1:", first->port)));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  StopServer(*first->server, absl::Seconds(1));
}

TEST(ServerTest, ShutdownSignalIsReturnedNotHandled) {
  BlockShutdownSignals();
  std::thread sender([] { kill(getpid(), SIGTERM); });
  EXPECT_EQ(WaitForShutdownSignal(), SIGTERM);
  sender.join();
}

TEST(GrpcStatusTest, KeepsCodeAndMessage) {
  grpc::Status s = ToGrpcStatus(absl::AbortedError("unit/371302-U0042: expected 3, found 4"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(s.error_message(), "unit/371302-U0042: expected 3, found 4");
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

}  // namespace
}  // namespace reporting::services
