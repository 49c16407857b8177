// CommandStreamService.Stream's bounds and order, in process, over a log whose
// appends the test holds back (so commands stay unanswered as long as the
// test likes):
// - the node reads at most kStreamInFlight unanswered commands, and at
//   most kStreamInFlightBytes of them (one always);
// - answers come in the order sent even when the appends complete in the
//   reverse order;
// - at most kMaxCommandStreams streams are open at once.
// The rules of each command on a stream, over TLS on the real binary, are
// tests/identity/command_stream_test.cc.
#include "services/county/command_stream.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "reporting/v1/command_stream.grpc.pb.h"
#include "services/common/metrics_event_log.h"
#include "services/common/server.h"
#include "storage/event_log.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::county {
namespace {

constexpr char kNode[] = "371302";

// The node's log, forwarded (TimedEventLog forwards every call), except
// that appends are held while `Hold` is on, until `Release`.
class HoldingLog : public services::TimedEventLog {
 public:
  using TimedEventLog::TimedEventLog;

  void AppendAsync(storage::AppendRequest request,
                   storage::AppendCallback done) override {
    {
      absl::MutexLock lock(&mu_);
      if (holding_) {
        held_.emplace_back(std::move(request), std::move(done));
        return;
      }
    }
    TimedEventLog::AppendAsync(std::move(request), std::move(done));
  }

  void Hold() {
    absl::MutexLock lock(&mu_);
    holding_ = true;
  }
  size_t held() {
    absl::MutexLock lock(&mu_);
    return held_.size();
  }
  // Lets the held appends go, the last held first, and holds no more.
  void Release() {
    std::vector<std::pair<storage::AppendRequest, storage::AppendCallback>>
        held;
    {
      absl::MutexLock lock(&mu_);
      holding_ = false;
      held.swap(held_);
    }
    for (auto it = held.rbegin(); it != held.rend(); ++it) {
      TimedEventLog::AppendAsync(std::move(it->first), std::move(it->second));
    }
  }

 private:
  absl::Mutex mu_;
  bool holding_ = false;
  std::vector<std::pair<storage::AppendRequest, storage::AppendCallback>> held_;
};

class CommandStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::EventLogOptions options;
    options.node_id = kNode;
    options.sync = false;
    auto log = storage::EventLog::Open(dir_.Sub("log"), options);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
    holding_ = std::make_unique<HoldingLog>(log_.get(), registry_);
    NodeEnv env{kNode, holding_.get(),
                [] { return absl::ToUnixMicros(absl::Now()); }};
    service_ = std::make_unique<CommandStreamServiceImpl>(env);
    services::ServerOptions server_options;
    server_options.services = {service_.get()};
    auto started = services::StartServer(server_options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = std::move(started->server);
    stub_ = v1::CommandStreamService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", started->port),
                            grpc::InsecureChannelCredentials()));
    v1::CommandStreamRequest node;
    auto* r = node.mutable_register_node();
    r->mutable_meta()->set_command_id("register-node");
    r->mutable_meta()->set_actor("test:stream");
    r->mutable_body()->set_node_id(kNode);
    r->mutable_body()->set_name("兰山区");
    r->mutable_body()->set_kind(v1::NODE_KIND_DISTRICT);
    std::vector<v1::CommandStreamResponse> answers = Send({node});
    ASSERT_EQ(answers.size(), 1u);
    ASSERT_EQ(answers[0].code(), 0) << answers[0].message();
  }

  void TearDown() override {
    if (holding_ != nullptr) holding_->Release();
    if (server_ != nullptr) services::StopServer(*server_, absl::Seconds(5));
    if (log_ != nullptr) (void)log_->Close();
  }

  // Sends `commands` on one stream and returns every answer.
  std::vector<v1::CommandStreamResponse> Send(
      const std::vector<v1::CommandStreamRequest>& commands) {
    grpc::ClientContext ctx;
    auto stream = stub_->Stream(&ctx);
    for (const auto& c : commands) stream->Write(c);
    stream->WritesDone();
    std::vector<v1::CommandStreamResponse> answers;
    v1::CommandStreamResponse answer;
    while (stream->Read(&answer)) answers.push_back(answer);
    grpc::Status status = stream->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return answers;
  }

  // Waits until `n` appends are held, then a little longer, and returns
  // how many are held then.
  size_t HeldAfterSettling(size_t n) {
    const absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (holding_->held() < n && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    absl::SleepFor(absl::Milliseconds(300));
    return holding_->held();
  }

  // Writes `commands` on a new stream and reads its answers, each from a
  // thread of its own (gRPC's flow control may block the writer); checks
  // that `expect_held` appends are held and that no answer arrives while
  // they are; then lets them go and returns every answer and the status.
  struct Outcome {
    std::vector<v1::CommandStreamResponse> answers;
    grpc::Status status;
  };
  Outcome SendHeld(const std::vector<v1::CommandStreamRequest>& commands,
                   size_t expect_held) {
    grpc::ClientContext ctx;
    auto stream = stub_->Stream(&ctx);
    std::thread writer([&] {
      for (const auto& c : commands) stream->Write(c);
      stream->WritesDone();
    });
    absl::Mutex mu;
    Outcome out;
    std::thread reader([&] {
      v1::CommandStreamResponse answer;
      while (stream->Read(&answer)) {
        absl::MutexLock lock(&mu);
        out.answers.push_back(answer);
      }
    });
    EXPECT_EQ(HeldAfterSettling(expect_held), expect_held);
    {
      absl::MutexLock lock(&mu);
      EXPECT_TRUE(out.answers.empty()) << "answered before the append";
    }
    holding_->Release();
    writer.join();
    reader.join();
    out.status = stream->Finish();
    return out;
  }

  testutil::TempDir dir_{"command-stream"};
  std::unique_ptr<storage::EventLog> log_;
  prometheus::Registry registry_;
  std::unique_ptr<HoldingLog> holding_;
  std::unique_ptr<CommandStreamServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::CommandStreamService::Stub> stub_;
};

v1::CommandStreamRequest Unit(int n) {
  v1::CommandStreamRequest c;
  auto* r = c.mutable_register_unit();
  r->mutable_meta()->set_command_id(absl::StrCat("unit-", n));
  r->mutable_meta()->set_actor("test:stream");
  char id[32];
  std::snprintf(id, sizeof(id), "%s-U%04d", kNode, n);
  r->mutable_body()->set_unit_id(id);
  r->mutable_body()->set_name(absl::StrCat("单位 ", n));
  r->mutable_body()->set_batch(v1::BATCH_FIRST);
  r->mutable_body()->set_member_count(30);
  r->mutable_body()->set_category("机关");
  return c;
}

TEST_F(CommandStreamTest, ReadsAtMostInFlightCommandsAndAnswersInOrder) {
  constexpr int kCommands = static_cast<int>(kStreamInFlight) + 8;
  std::vector<v1::CommandStreamRequest> commands;
  for (int i = 1; i <= kCommands; ++i) commands.push_back(Unit(i));
  holding_->Hold();
  // Only kStreamInFlight are read (and so appended) while none is
  // answered; the held appends then complete last first.
  Outcome out = SendHeld(commands, kStreamInFlight);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  ASSERT_EQ(out.answers.size(), commands.size());
  for (int i = 0; i < kCommands; ++i) {
    EXPECT_EQ(out.answers[i].command_id(), absl::StrCat("unit-", i + 1));
    EXPECT_EQ(out.answers[i].code(), 0) << out.answers[i].message();
    EXPECT_FALSE(out.answers[i].result().duplicate());
    EXPECT_GT(out.answers[i].result().last_sequence(), 1u);
  }
  // The first kStreamInFlight were appended last first.
  EXPECT_GT(out.answers[0].result().last_sequence(),
            out.answers[kStreamInFlight - 1].result().last_sequence());
}

TEST_F(CommandStreamTest, ReadsAtMostInFlightBytes) {
  // Work summaries of ~56 KB for a unit that does not exist: each is
  // refused (NOT_FOUND), a final refusal that is recorded, so its append
  // is held too.
  std::vector<v1::CommandStreamRequest> commands;
  for (int i = 1; i <= 30; ++i) {
    v1::CommandStreamRequest c;
    auto* r = c.mutable_file_work_summary();
    r->mutable_meta()->set_command_id(absl::StrCat("summary-", i));
    r->mutable_meta()->set_actor("test:stream");
    auto* b = r->mutable_body();
    b->set_unit_id(absl::StrCat(kNode, "-U9999"));
    const std::string part(8000, 'x');
    for (auto* field :
         {b->mutable_basic_situation(), b->mutable_main_practices(),
          b->mutable_initial_results(), b->mutable_basic_experience(),
          b->mutable_prominent_problems(), b->mutable_improvement_measures(),
          b->mutable_suggestions()}) {
      *field = part;
    }
    commands.push_back(c);
  }
  // Read while what is held is under the byte limit: the first k with
  // k-1 of them under it.
  size_t expect = 0, bytes = 0;
  while (bytes < kStreamInFlightBytes)
    bytes += commands[expect++].ByteSizeLong();
  ASSERT_LT(expect, kStreamInFlight);
  holding_->Hold();
  Outcome out = SendHeld(commands, expect);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  ASSERT_EQ(out.answers.size(), commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    EXPECT_EQ(out.answers[i].command_id(), absl::StrCat("summary-", i + 1));
    EXPECT_EQ(out.answers[i].code(), grpc::StatusCode::NOT_FOUND)
        << out.answers[i].message();
  }
}

TEST_F(CommandStreamTest, AtMostMaxStreamsAreOpen) {
  // Each stream is known open once it answered a message (one without a
  // command: refused, nothing appended).
  struct Open {
    grpc::ClientContext ctx;
    std::unique_ptr<grpc::ClientReaderWriter<v1::CommandStreamRequest,
                                             v1::CommandStreamResponse>>
        stream;
  };
  std::vector<std::unique_ptr<Open>> open;
  auto open_one = [&]() -> bool {
    auto o = std::make_unique<Open>();
    o->stream = stub_->Stream(&o->ctx);
    o->stream->Write(v1::CommandStreamRequest());
    v1::CommandStreamResponse answer;
    const bool answered = o->stream->Read(&answer);
    if (answered) {
      EXPECT_EQ(answer.code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_NE(answer.message().find("holds no command"), std::string::npos)
          << answer.message();
    }
    open.push_back(std::move(o));
    return answered;
  };
  for (int i = 0; i < kMaxCommandStreams; ++i) ASSERT_TRUE(open_one()) << i;
  ASSERT_FALSE(open_one());
  grpc::Status refused = open.back()->stream->Finish();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(refused.error_message().find("command streams are open"),
            std::string::npos)
      << refused.error_message();
  open.pop_back();
  // Closing one makes room for another.
  open.front()->stream->WritesDone();
  EXPECT_TRUE(open.front()->stream->Finish().ok());
  open.erase(open.begin());
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  bool reopened = false;
  while (!reopened && absl::Now() < give_up) {
    reopened = open_one();
    if (!reopened) {
      (void)open.back()->stream->Finish();
      open.pop_back();
      absl::SleepFor(absl::Milliseconds(20));
    }
  }
  EXPECT_TRUE(reopened);
  for (auto& o : open) {
    o->stream->WritesDone();
    EXPECT_TRUE(o->stream->Finish().ok());
  }
}

}  // namespace
}  // namespace reporting::county
