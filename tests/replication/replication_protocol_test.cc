// Malformed Push streams, sent by hand to a real city-aggregator: each is
// refused with a clear status and the city's copy stays exactly as it was.
// Also: a second stream for a node replaces the first, and a Hello whose
// head contradicts the copy is divergence.
#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "storage/event_log.h"
#include "storage/hash_chain.h"
#include "tests/replication/harness.h"
#include "tests/replication/push_client.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::replication_test {
namespace {

class ProtocolTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    bin_ = new Binaries(Binaries::FromEnv());
    dir_ = new testutil::TempDir("replication-protocol");
    events_ = new std::vector<storage::StoredEvent>(
        MakeNodeLog(dir_->Sub("src-371302"), "371302", 1100));
    other_ = new std::vector<storage::StoredEvent>(
        MakeNodeLog(dir_->Sub("src-371311"), "371311", 20));
    city_ = new City(*bin_, dir_->Sub("city"), {"--insecure"});
    city_->Start();
    // The copy holds 1..10 before every case.
    PushClient c(Channel());
    ASSERT_TRUE(c.Hello("371302"));
    v1::PushResponse r;
    ASSERT_TRUE(c.Read(&r) && r.has_cursor());
    ASSERT_TRUE(c.Batch(Events(1, 10)));
    ASSERT_TRUE(c.Read(&r) && r.has_ack());
    ASSERT_EQ(r.ack().sequence(), 10u);
    ASSERT_TRUE(c.Finish().ok());
  }
  static void TearDownTestSuite() {
    city_->Stop();
    delete city_;
    delete events_;
    delete other_;
    delete dir_;
    delete bin_;
  }
  static std::shared_ptr<grpc::Channel> Channel() {
    return grpc::CreateChannel(city_->address(),
                               grpc::InsecureChannelCredentials());
  }
  static std::vector<storage::StoredEvent> Events(uint64_t from, uint64_t to) {
    return std::vector<storage::StoredEvent>(events_->begin() + (from - 1),
                                             events_->begin() + to);
  }
  // Sends Hello for 371302, then `events`; returns the final status.
  static grpc::Status PushAfterHello(
      const std::vector<storage::StoredEvent>& events, uint64_t head = 0) {
    PushClient c(Channel());
    c.Hello("371302", 10, (*events_)[9].hash);
    v1::PushResponse r;
    EXPECT_TRUE(c.Read(&r) && r.has_cursor());
    c.Batch(events, head);
    return c.Finish();
  }
  void TearDown() override {
    // Every refusal leaves the copy as it was: 1..10, not diverged.
    auto s = CityStatus(Channel(), "371302");
    ASSERT_TRUE(s.ok()) << s.status();
    ASSERT_EQ(s->nodes_size(), 1);
    EXPECT_EQ(s->nodes(0).last_sequence(), 10u);
    EXPECT_EQ(s->nodes(0).last_hash(), (*events_)[9].hash);
    if (!expect_diverged_) {
      EXPECT_NE(s->nodes(0).state(), v1::REPLICATION_STATE_DIVERGED);
    }
  }

  static void ExpectRefused(const grpc::Status& s, grpc::StatusCode code,
                            const std::string& words) {
    EXPECT_EQ(s.error_code(), code) << s.error_message();
    EXPECT_NE(s.error_message().find(words), std::string::npos)
        << "message: " << s.error_message();
    std::printf("  refused: %d %s\n", s.error_code(),
                s.error_message().c_str());
  }

  bool expect_diverged_ = false;
  static Binaries* bin_;
  static testutil::TempDir* dir_;
  static City* city_;
  static std::vector<storage::StoredEvent>* events_;
  static std::vector<storage::StoredEvent>* other_;
};

Binaries* ProtocolTest::bin_ = nullptr;
testutil::TempDir* ProtocolTest::dir_ = nullptr;
City* ProtocolTest::city_ = nullptr;
std::vector<storage::StoredEvent>* ProtocolTest::events_ = nullptr;
std::vector<storage::StoredEvent>* ProtocolTest::other_ = nullptr;

TEST_F(ProtocolTest, FirstMessageMustBeHello) {
  PushClient c(Channel());
  c.Batch(Events(11, 12));
  ExpectRefused(c.Finish(), grpc::StatusCode::INVALID_ARGUMENT, "Hello");
}

TEST_F(ProtocolTest, MalformedNodeIdIsInvalid) {
  PushClient c(Channel());
  c.Hello("37/1302");
  ExpectRefused(c.Finish(), grpc::StatusCode::INVALID_ARGUMENT, "malformed");
}

TEST_F(ProtocolTest, BadEnvelopeBytesAreInvalid) {
  std::vector<storage::StoredEvent> batch = Events(11, 13);
  batch[1].envelope = "\xff\xff\xff\xff garbage";
  ExpectRefused(PushAfterHello(batch), grpc::StatusCode::INVALID_ARGUMENT,
                "do not decode");
}

TEST_F(ProtocolTest, AlteredBytesUnderTheirHashAreInvalid) {
  std::vector<storage::StoredEvent> batch = Events(11, 13);
  batch[0].envelope[batch[0].envelope.size() / 2] ^= 1;
  grpc::Status s = PushAfterHello(batch);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << s.error_message();
}

TEST_F(ProtocolTest, AnotherNodesEventsAreInvalid) {
  std::vector<storage::StoredEvent> batch(other_->begin() + 10,
                                          other_->begin() + 12);
  ExpectRefused(PushAfterHello(batch), grpc::StatusCode::INVALID_ARGUMENT,
                "belongs to node \"371311\"");
}

TEST_F(ProtocolTest, GapIsFailedPreconditionNamingTheExpectedSequence) {
  ExpectRefused(PushAfterHello(Events(15, 20)),
                grpc::StatusCode::FAILED_PRECONDITION, "expected sequence 11");
}

TEST_F(ProtocolTest, SequencePastTheReportedHeadIsOutOfRange) {
  ExpectRefused(PushAfterHello(Events(11, 20), 12),
                grpc::StatusCode::INVALID_ARGUMENT, "out of range");
}

TEST_F(ProtocolTest, SequenceZeroIsInvalid) {
  std::vector<storage::StoredEvent> batch = Events(11, 11);
  batch[0].sequence = 0;
  ExpectRefused(PushAfterHello(batch, 11), grpc::StatusCode::INVALID_ARGUMENT,
                "sequence");
}

TEST_F(ProtocolTest, TooManyEventsIsResourceExhausted) {
  ExpectRefused(PushAfterHello(Events(11, 1011)),
                grpc::StatusCode::RESOURCE_EXHAUSTED, "at most 1000");
}

TEST_F(ProtocolTest, TooManyBytesIsResourceExhausted) {
  std::vector<storage::StoredEvent> batch = Events(11, 110);
  for (auto& e : batch) e.envelope.append(50 * 1024, 'x');  // ~5 MiB
  ExpectRefused(PushAfterHello(batch), grpc::StatusCode::RESOURCE_EXHAUSTED,
                "envelope bytes");
}

TEST_F(ProtocolTest, SecondHelloIsInvalid) {
  PushClient c(Channel());
  c.Hello("371302", 10, (*events_)[9].hash);
  v1::PushResponse r;
  ASSERT_TRUE(c.Read(&r));
  c.Hello("371302", 10, (*events_)[9].hash);
  ExpectRefused(c.Finish(), grpc::StatusCode::INVALID_ARGUMENT, "Hello");
}

TEST_F(ProtocolTest, RepeatedBatchIsAcknowledgedAndChangesNothing) {
  PushClient c(Channel());
  c.Hello("371302", 10, (*events_)[9].hash);
  v1::PushResponse r;
  ASSERT_TRUE(c.Read(&r) && r.has_cursor());
  EXPECT_EQ(r.cursor().sequence(), 10u);
  c.Batch(Events(1, 10));
  ASSERT_TRUE(c.Read(&r) && r.has_ack());
  EXPECT_EQ(r.ack().sequence(), 10u);
  c.Batch(Events(3, 7));
  ASSERT_TRUE(c.Read(&r) && r.has_ack());
  EXPECT_EQ(r.ack().sequence(), 10u);
  EXPECT_TRUE(c.Finish().ok());
}

TEST_F(ProtocolTest, NewStreamReplacesTheOpenOne) {
  PushClient first(Channel());
  first.Hello("371302", 10, (*events_)[9].hash);
  v1::PushResponse r;
  ASSERT_TRUE(first.Read(&r) && r.has_cursor());
  PushClient second(Channel());
  second.Hello("371302", 10, (*events_)[9].hash);
  ASSERT_TRUE(second.Read(&r) && r.has_cursor());
  // The first stream is ended by the city.
  while (first.Read(&r)) {
  }
  grpc::Status s = first.Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::CANCELLED) << s.error_message();
  EXPECT_TRUE(second.Finish().ok());
}

// Last (tests run in declaration order): it stops the
// node for good.
TEST_F(ProtocolTest, HelloContradictingTheCopyIsDivergence) {
  expect_diverged_ = true;
  PushClient c(Channel());
  c.Hello("371302", 5, std::string(32, 'x'));
  ExpectRefused(c.Finish(), grpc::StatusCode::DATA_LOSS, "diverge");
  auto s = CityStatus(Channel(), "371302");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->nodes(0).state(), v1::REPLICATION_STATE_DIVERGED);
  // And the node is refused from now on, even with the right head.
  PushClient again(Channel());
  again.Hello("371302", 10, (*events_)[9].hash);
  ExpectRefused(again.Finish(), grpc::StatusCode::DATA_LOSS, "diverged");
}

}  // namespace
}  // namespace reporting::replication_test
