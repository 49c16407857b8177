// 16 clients race to change the same stream with the same expected
// version: each round exactly one wins, the others get ABORTED, and the
// final stream equals a serial replay of the winners.
#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/log_stream.h"
#include "services/county/command_context.h"
#include "services/county/testing/test_node.h"
#include "services/domain/ids.h"

namespace reporting::county::testing {
namespace {

constexpr int kClients = 16;
constexpr int kRounds = 20;
const char kUnit[] = "371302-U0042";

// Holds every client at the line until Go(), so they send together.
class StartLine {
 public:
  void arrive_and_wait() {
    ready_.fetch_add(1);
    while (!go_.load()) std::this_thread::yield();
  }
  void Go() {
    while (ready_.load() < kClients) std::this_thread::yield();
    go_.store(true);
  }

 private:
  std::atomic<int> ready_{0};
  std::atomic<bool> go_{false};
};

// Event types and payloads of a stream, in order (what must be equal
// between the raced and the serial run; ids and times differ).
std::vector<std::pair<std::string, std::string>> Contents(
    storage::EventLog& log, const std::string& stream) {
  auto read = services::ReadWholeStream(log, stream);
  EXPECT_TRUE(read.ok()) << read.status();
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : read->events)
    out.emplace_back(e.event_type(), e.payload());
  return out;
}

v1::BranchRegistered BranchOf(int round, int client) {
  v1::BranchRegistered b;
  b.set_branch_id(absl::StrCat(kUnit, "-B", round * 100 + client + 1));
  b.set_name(absl::StrCat("client ", client, " round ", round));
  return b;
}

TEST(ConcurrencyTest, ExactlyOneWinnerPerRoundAndSerialReplayMatches) {
  TestNode node;
  node.Register(kUnit, 0, 0);
  std::vector<std::unique_ptr<Stub>> stubs;
  for (int i = 0; i < kClients; ++i) {
    stubs.push_back(v1::CommandService::NewStub(node.channel()));
  }
  std::vector<v1::BranchRegistered> winners;
  for (int round = 0; round < kRounds; ++round) {
    auto version = node.log().StreamVersion(domain::UnitStream(kUnit));
    ASSERT_TRUE(version.ok());
    std::atomic<int> ok{0}, aborted{0}, other{0};
    std::atomic<int> winner{-1};
    StartLine start;
    std::vector<std::thread> threads;
    for (int c = 0; c < kClients; ++c) {
      threads.emplace_back([&, c] {
        v1::RegisterBranchRequest request;
        *request.mutable_meta() = node.Meta();
        request.mutable_meta()->set_expected_version(*version);
        *request.mutable_body() = BranchOf(round, c);
        v1::CommandResult result;
        grpc::ClientContext ctx;
        start.arrive_and_wait();
        grpc::Status s = stubs[c]->RegisterBranch(&ctx, request, &result);
        if (s.ok()) {
          ++ok;
          winner = c;
        } else if (s.error_code() == grpc::StatusCode::ABORTED) {
          ++aborted;
        } else {
          ++other;
          ADD_FAILURE() << Describe(s);
        }
      });
    }
    start.Go();
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1) << "round " << round;
    EXPECT_EQ(aborted.load(), kClients - 1) << "round " << round;
    EXPECT_EQ(other.load(), 0);
    ASSERT_GE(winner.load(), 0);
    winners.push_back(BranchOf(round, winner.load()));
  }

  TestNode serial;
  serial.Register(kUnit, 0, 0);
  for (const auto& b : winners) {
    grpc::Status s = serial.Send(&Stub::RegisterBranch, b);
    ASSERT_TRUE(s.ok()) << Describe(s);
  }
  auto raced = Contents(node.log(), domain::UnitStream(kUnit));
  EXPECT_EQ(raced.size(), 1u + kRounds);
  EXPECT_EQ(raced, Contents(serial.log(), domain::UnitStream(kUnit)));
}

// Without an expected version the read set still serializes: 16 clients
// record the same member's opinion at once; exactly one is recorded.
TEST(ConcurrencyTest, RacingRecordsOfOneOpinionRecordItOnce) {
  TestNode node;
  node.Register(kUnit, 1, 1);
  const std::string member = TestNode::Member(kUnit, 1);
  std::atomic<int> ok{0}, refused{0};
  StartLine start;
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      v1::EvaluationRecorded e;
      e.set_member_id(member);
      e.set_rating(v1::RATING_QUALIFIED);
      e.add_shortcomings(absl::StrCat("shortcoming from client ", c));
      start.arrive_and_wait();
      grpc::Status s = node.Send(&Stub::RecordEvaluation, e);
      if (s.ok()) {
        ++ok;
      } else if (s.error_code() == grpc::StatusCode::ABORTED ||
                 s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
        ++refused;
      } else {
        ADD_FAILURE() << Describe(s);
      }
    });
  }
  start.Go();
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(refused.load(), kClients - 1);
  EXPECT_EQ(Contents(node.log(), domain::EvaluationStream(member, 1)).size(),
            1u);
}

}  // namespace
}  // namespace reporting::county::testing
