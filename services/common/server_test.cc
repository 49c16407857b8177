// StartServer / StopServer / WaitForShutdownSignal: health and reflection
// reachable, a bad address refused, signals taken synchronously.
#include "services/common/server.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/wrappers.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/impl/codegen/client_unary_call.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/impl/codegen/rpc_method.h"
#include "grpcpp/impl/codegen/rpc_service_method.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/method_handler.h"
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

// A unary method that takes `delay` before answering, to have a call in
// flight while the server stops.
class SlowService : public grpc::Service {
 public:
  static constexpr char kMethod[] = "/reporting.test.Slow/Call";
  explicit SlowService(absl::Duration delay) {
    AddMethod(new grpc::internal::RpcServiceMethod(
        kMethod, grpc::internal::RpcMethod::NORMAL_RPC,
        new grpc::internal::RpcMethodHandler<SlowService,
                                             google::protobuf::StringValue,
                                             google::protobuf::StringValue>(
            [delay](SlowService*, grpc::ServerContext*,
                    const google::protobuf::StringValue* in,
                    google::protobuf::StringValue* out) {
              absl::SleepFor(delay);
              out->set_value(in->value());
              return grpc::Status::OK;
            },
            this)));
  }
};

TEST(ServerTest, StopLetsInFlightCallsFinish) {
  SlowService slow(absl::Milliseconds(500));
  ServerOptions options = Listen("127.0.0.1:0");
  options.services = {&slow};
  auto started = StartServer(options);
  ASSERT_TRUE(started.ok()) << started.status();
  auto channel = Dial(started->port);
  grpc::Status status;
  google::protobuf::StringValue reply;
  std::thread caller([&] {
    const grpc::internal::RpcMethod method(
        SlowService::kMethod, grpc::internal::RpcMethod::NORMAL_RPC, channel);
    google::protobuf::StringValue request;
    request.set_value("in flight");
    grpc::ClientContext ctx;
    status = grpc::internal::BlockingUnaryCall(channel.get(), method, &ctx,
                                               request, &reply);
  });
  absl::SleepFor(absl::Milliseconds(150));  // the call is being handled
  StopServer(*started->server, absl::Seconds(5));
  caller.join();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reply.value(), "in flight");
}

TEST(ServerTest, UnbindableAddressIsUnavailable) {
  auto first = StartServer(Listen("127.0.0.1:0"));
  ASSERT_TRUE(first.ok());
  auto second = StartServer(Listen(absl::StrCat("127.0.0.1:", first->port)));
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
  grpc::Status s = ToGrpcStatus(
      absl::AbortedError("unit/371302-U0042: expected 3, found 4"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(s.error_message(), "unit/371302-U0042: expected 3, found 4");
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

}  // namespace
}  // namespace reporting::services
