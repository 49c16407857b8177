// ReplicationService status (GetStatus, AllStatus) and heartbeats: a real
// ReplicationServiceImpl over real NodeCopies, served on 127.0.0.1 and fed
// real county log events over Push streams. The city's clock is a fake the
// test advances, so every lag, contact time and state is exact.
//
// Each case reads an ack (or the stream's final status) before it looks at
// the status: the service records what a message changed before it
// answers, so no case waits on timing.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "reporting/v1/replication.grpc.pb.h"
#include "services/city/node_copies.h"
#include "services/city/replication_service.h"
#include "storage/event_log.h"
#include "tests/replication/push_client.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::city {
namespace {

using replication_test::MakeNodeLog;
using replication_test::PushClient;

constexpr char kNode[] = "371302";
constexpr int kCountyEvents = 60;
// An arbitrary fixed instant (2023-11-14), so times can be compared exactly.
constexpr int64_t kStartUs = 1'700'000'000'000'000;
constexpr absl::Duration kStallAfter = absl::Seconds(5);

// What a case expects of the node's status; the copy's last hash is
// checked against the county's event at last_sequence.
struct Want {
  uint64_t last_sequence;
  uint64_t county_head;
  uint64_t lag_events;
  double lag_seconds;
  int64_t last_contact_us;
  v1::ReplicationState state;
  std::string detail;
};

class ReplicationStatusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    county_dir_ = new testutil::TempDir("replication-status-county");
    county_ = new std::vector<storage::StoredEvent>(
        MakeNodeLog(county_dir_->Sub("log"), kNode, kCountyEvents));
  }
  static void TearDownTestSuite() {
    delete county_;
    delete county_dir_;
  }

  void SetUp() override {
    ASSERT_EQ(county_->size(), static_cast<size_t>(kCountyEvents));
    copies_ = std::make_unique<NodeCopies>(city_dir_.Sub("city"));
    ReplicationServiceOptions o;
    o.identity_from_certificate = false;  // plaintext: the Hello is trusted
    o.stall_after = kStallAfter;
    o.now_us = [this] { return now_us_.load(); };
    service_ = std::make_unique<ReplicationServiceImpl>(copies_.get(), o);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::ReplicationService::NewStub(channel_);
  }

  void TearDown() override {
    // A failed case may leave a stream open: do not wait for it forever.
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(2));
    server_->Wait();
    EXPECT_TRUE(copies_->Close().ok());
  }

  void Advance(absl::Duration d) {
    now_us_.fetch_add(absl::ToInt64Microseconds(d));
  }
  int64_t Now() const { return now_us_.load(); }

  // County events from..to (1-based, inclusive).
  static std::vector<storage::StoredEvent> Events(uint64_t from, uint64_t to) {
    return std::vector<storage::StoredEvent>(county_->begin() + (from - 1),
                                             county_->begin() + to);
  }
  static const std::string& HashOf(uint64_t sequence) {
    static const std::string kZero(storage::kHashBytes, '\0');
    return sequence == 0 ? kZero : (*county_)[sequence - 1].hash;
  }

  // Opens a stream with Hello{head} and checks the Cursor is `copy_head`.
  void Open(PushClient& c, uint64_t head, uint64_t copy_head) {
    ASSERT_TRUE(c.Hello(kNode, head, HashOf(head)));
    v1::PushResponse r;
    ASSERT_TRUE(c.Read(&r));
    ASSERT_TRUE(r.has_cursor());
    EXPECT_EQ(r.cursor().sequence(), copy_head);
    EXPECT_EQ(r.cursor().hash(), HashOf(copy_head));
  }
  // Reads one ack and checks it confirms `sequence`.
  static void ExpectAck(PushClient& c, uint64_t sequence) {
    v1::PushResponse r;
    ASSERT_TRUE(c.Read(&r));
    ASSERT_TRUE(r.has_ack());
    EXPECT_EQ(r.ack().sequence(), sequence);
    EXPECT_EQ(r.ack().hash(), HashOf(sequence));
  }
  void SendBatch(PushClient& c, uint64_t from, uint64_t to, uint64_t head) {
    ASSERT_TRUE(c.Batch(Events(from, to), head));
  }
  void SendHeartbeat(PushClient& c, uint64_t head) {
    v1::PushRequest r;
    r.mutable_heartbeat()->set_head_sequence(head);
    r.mutable_heartbeat()->set_head_hash(HashOf(head));
    r.mutable_heartbeat()->set_sent_at_us(Now());
    ASSERT_TRUE(c.Send(r));
  }

  // The node's status by GetStatus over gRPC; AllStatus (the in-process
  // reader) must report the very same.
  v1::NodeReplicationStatus Status() {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    v1::GetStatusRequest request;
    request.set_node_id(kNode);
    v1::GetStatusResponse response;
    grpc::Status s = stub_->GetStatus(&context, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(response.nodes_size(), 1);
    if (response.nodes_size() != 1) return {};
    const std::vector<v1::NodeReplicationStatus> all = service_->AllStatus();
    EXPECT_EQ(all.size(), 1u);
    if (all.size() == 1) {
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
          all[0], response.nodes(0)))
          << "AllStatus: " << all[0].ShortDebugString()
          << "\nGetStatus: " << response.nodes(0).ShortDebugString();
    }
    return response.nodes(0);
  }

  void ExpectStatus(const Want& want) {
    const v1::NodeReplicationStatus s = Status();
    SCOPED_TRACE(s.ShortDebugString());
    EXPECT_EQ(s.node_id(), kNode);
    EXPECT_EQ(s.last_sequence(), want.last_sequence);
    EXPECT_EQ(s.last_hash(), HashOf(want.last_sequence));
    EXPECT_EQ(s.county_head(), want.county_head);
    EXPECT_EQ(s.lag_events(), want.lag_events);
    EXPECT_DOUBLE_EQ(s.lag_seconds(), want.lag_seconds);
    EXPECT_EQ(s.last_contact_us(), want.last_contact_us);
    EXPECT_EQ(v1::ReplicationState_Name(s.state()),
              v1::ReplicationState_Name(want.state));
    EXPECT_EQ(s.detail(), want.detail);
  }

  static testutil::TempDir* county_dir_;
  static std::vector<storage::StoredEvent>* county_;

  testutil::TempDir city_dir_{"replication-status-city"};
  std::atomic<int64_t> now_us_{kStartUs};
  std::unique_ptr<NodeCopies> copies_;
  std::unique_ptr<ReplicationServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ReplicationService::Stub> stub_;
};

testutil::TempDir* ReplicationStatusTest::county_dir_ = nullptr;
std::vector<storage::StoredEvent>* ReplicationStatusTest::county_ = nullptr;

constexpr auto kConnected = v1::REPLICATION_STATE_CONNECTED;
constexpr auto kStalled = v1::REPLICATION_STATE_STALLED;
constexpr auto kIdle = v1::REPLICATION_STATE_IDLE;
constexpr char kStalledClosed[] =
    "no stream open and behind the node's last reported head";

// A heartbeat sent right after a batch, before its ack (a pipelining
// county does that), names events written but maybe not yet durable: it is
// acknowledged, not refused with NOT_FOUND. Found by push_fuzz
// (tests/fuzz/README.md).
TEST_F(ReplicationStatusTest, HeartbeatRightAfterABatchIsAcknowledged) {
  for (int round = 0; round < 20; ++round) {
    PushClient c(channel_);
    const uint64_t from = round * 3 + 1, to = round * 3 + 3;
    Open(c, to, from - 1);
    SendBatch(c, from, to, to);
    SendHeartbeat(c, to);
    ExpectAck(c, to);
    ExpectAck(c, to);
    const grpc::Status s = c.Finish();
    ASSERT_TRUE(s.ok()) << "round " << round << ": " << s.error_code() << " "
                        << s.error_message();
  }
}

TEST_F(ReplicationStatusTest, BatchesAndHeartbeatReportLagAndContact) {
  const int64_t t0 = Now();
  PushClient c(channel_);
  Open(c, 50, 0);
  // The head is known missing since now: no age yet.
  ExpectStatus({0, 50, 50, 0.0, t0, kConnected, ""});

  Advance(absl::Seconds(1));
  const int64_t t1 = Now();
  SendBatch(c, 1, 5, 50);
  ExpectAck(c, 5);
  SendBatch(c, 6, 10, 50);
  ExpectAck(c, 10);
  ExpectStatus({10, 50, 40, 1.0, t1, kConnected, ""});

  Advance(absl::Seconds(1));
  const int64_t t2 = Now();
  SendHeartbeat(c, 50);
  ExpectAck(c, 10);
  // Event 11 was first known to exist at t0: 2 s of lag.
  ExpectStatus({10, 50, 40, 2.0, t2, kConnected, ""});

  // Time passes without messages: the lag ages, the contact does not move,
  // and 2 s since the last progress is below stall_after.
  Advance(absl::Seconds(1));
  ExpectStatus({10, 50, 40, 3.0, t2, kConnected, ""});

  // The copy records the city's (fake) receive time.
  auto copy = copies_->Get(kNode);
  ASSERT_TRUE(copy.ok()) << copy.status();
  auto received = (*copy)->ReceivedAt(10);
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(*received, t1);

  grpc::Status s = c.Finish();
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(ReplicationStatusTest, HeartbeatsAloneMoveTheCountyHead) {
  const int64_t t0 = Now();
  PushClient c(channel_);
  Open(c, 50, 0);
  SendBatch(c, 1, 10, 50);
  ExpectAck(c, 10);
  ExpectStatus({10, 50, 40, 0.0, t0, kConnected, ""});

  Advance(absl::Seconds(1));
  const int64_t t1 = Now();
  SendHeartbeat(c, 55);
  ExpectAck(c, 10);
  // The age stays that of event 11 (known since t0), not of event 51.
  ExpectStatus({10, 55, 45, 1.0, t1, kConnected, ""});

  Advance(absl::Seconds(1));
  const int64_t t2 = Now();
  SendHeartbeat(c, 60);
  ExpectAck(c, 10);
  ExpectStatus({10, 60, 50, 2.0, t2, kConnected, ""});

  // Once 11..52 arrive, the oldest missing event is 53, first reported (by
  // the head-55 heartbeat) at t1.
  Advance(absl::Seconds(1));
  const int64_t t3 = Now();
  SendBatch(c, 11, 52, 60);
  ExpectAck(c, 52);
  ExpectStatus({52, 60, 8, 2.0, t3, kConnected, ""});

  grpc::Status s = c.Finish();
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(ReplicationStatusTest, OpenStreamWithoutProgressIsStalled) {
  PushClient c(channel_);
  Open(c, 50, 0);
  SendBatch(c, 1, 10, 50);
  ExpectAck(c, 10);

  // Heartbeats keep the contact fresh but are not progress.
  Advance(absl::Seconds(4));
  SendHeartbeat(c, 50);
  ExpectAck(c, 10);
  ExpectStatus({10, 50, 40, 4.0, Now(), kConnected, ""});

  Advance(absl::Seconds(2));
  SendHeartbeat(c, 50);
  ExpectAck(c, 10);
  ExpectStatus(
      {10, 50, 40, 6.0, Now(), kStalled, "connected but no progress for 6 s"});

  // A batch is progress again.
  Advance(absl::Seconds(1));
  SendBatch(c, 11, 20, 50);
  ExpectAck(c, 20);
  ExpectStatus({20, 50, 30, 7.0, Now(), kConnected, ""});

  grpc::Status s = c.Finish();
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(ReplicationStatusTest, ClosedStreamBehindTheHeadIsStalledAtOnce) {
  {
    PushClient c(channel_);
    Open(c, 50, 0);
    SendBatch(c, 1, 10, 50);
    ExpectAck(c, 10);
    Advance(absl::Seconds(1));
    // Finish returns once the handler has detached the stream.
    grpc::Status s = c.Finish();
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  const int64_t closed = Now();
  // No grace of stall_after: without a stream nothing can move.
  ExpectStatus({10, 50, 40, 1.0, closed, kStalled, kStalledClosed});

  // And it stays so, the lag ageing, until the county comes back.
  Advance(absl::Seconds(10));
  ExpectStatus({10, 50, 40, 11.0, closed, kStalled, kStalledClosed});

  PushClient c(channel_);
  Open(c, 50, 10);
  ExpectStatus({10, 50, 40, 11.0, Now(), kConnected, ""});
  grpc::Status s = c.Finish();
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(ReplicationStatusTest, CaughtUpIsConnectedWithAStreamAndIdleWithout) {
  const int64_t t0 = Now();
  PushClient c(channel_);
  Open(c, 20, 0);
  SendBatch(c, 1, 20, 20);
  ExpectAck(c, 20);
  ExpectStatus({20, 20, 0, 0.0, t0, kConnected, ""});

  // Current: no amount of quiet is a stall.
  Advance(2 * kStallAfter);
  const int64_t heartbeat = Now();
  SendHeartbeat(c, 20);  // at the copy's head: its hash is checked
  ExpectAck(c, 20);
  ExpectStatus({20, 20, 0, 0.0, heartbeat, kConnected, ""});
  Advance(2 * kStallAfter);
  ExpectStatus({20, 20, 0, 0.0, heartbeat, kConnected, ""});

  Advance(absl::Seconds(1));
  const int64_t closed = Now();
  grpc::Status s = c.Finish();
  EXPECT_TRUE(s.ok()) << s.error_message();
  ExpectStatus({20, 20, 0, 0.0, closed, kIdle, ""});
}

TEST_F(ReplicationStatusTest, OverlappingBatchIsAcknowledgedAndHeldOnce) {
  PushClient c(channel_);
  Open(c, 15, 0);
  SendBatch(c, 1, 10, 15);
  ExpectAck(c, 10);
  SendBatch(c, 5, 15, 15);
  ExpectAck(c, 15);
  ExpectStatus({15, 15, 0, 0.0, Now(), kConnected, ""});
  grpc::Status s = c.Finish();
  EXPECT_TRUE(s.ok()) << s.error_message();

  // The copy holds 1..15, each once, byte for byte the county's.
  auto copy = copies_->Get(kNode);
  ASSERT_TRUE(copy.ok()) << copy.status();
  auto held = (*copy)->Read(1, storage::ReadLimits{1000, 1 << 30});
  ASSERT_TRUE(held.ok()) << held.status();
  const std::vector<storage::StoredEvent> want = Events(1, 15);
  ASSERT_EQ(held->size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("sequence ", want[i].sequence));
    EXPECT_EQ((*held)[i].sequence, want[i].sequence);
    EXPECT_EQ((*held)[i].envelope, want[i].envelope);
    EXPECT_EQ((*held)[i].hash, want[i].hash);
  }
  EXPECT_EQ((*copy)->GetHead().sequence, 15u);
}

// A node silent past stale_after (30 s by default) is STALE, whether its
// stream is still open (a silent partition) or not, with how long it has
// been silent; its lag is at least that silence, so the lag alert fires.
// Its next message makes it CONNECTED again.
TEST_F(ReplicationStatusTest, ASilentNodeIsStaleWithItsAge) {
  PushClient c(channel_);
  Open(c, 30, 0);
  SendBatch(c, 1, 20, 30);
  ExpectAck(c, 20);
  const int64_t heard = Now();
  ExpectStatus({20, 30, 10, 0.0, heard, kConnected, ""});

  Advance(absl::Seconds(30));  // not past stale_after: stalled
  v1::NodeReplicationStatus s = Status();
  EXPECT_EQ(s.state(), kStalled) << s.ShortDebugString();
  EXPECT_DOUBLE_EQ(s.silent_seconds(), 30.0);

  Advance(absl::Seconds(15));
  s = Status();
  EXPECT_EQ(s.state(), v1::REPLICATION_STATE_STALE) << s.ShortDebugString();
  EXPECT_DOUBLE_EQ(s.silent_seconds(), 45.0);
  EXPECT_GE(s.lag_seconds(), 45.0);
  EXPECT_EQ(s.last_contact_us(), heard);
  EXPECT_EQ(s.last_head_report_us(), heard);
  EXPECT_EQ(s.detail(),
            "nothing heard from the node for 45 s (a stream is open but "
            "silent)");

  SendHeartbeat(c, 30);
  ExpectAck(c, 20);
  s = Status();
  EXPECT_EQ(s.state(), kStalled) << s.ShortDebugString();  // 10 still missing
  EXPECT_DOUBLE_EQ(s.silent_seconds(), 0.0);
  EXPECT_EQ(s.last_head_report_us(), Now());
  SendBatch(c, 21, 30, 30);
  ExpectAck(c, 30);
  ExpectStatus({30, 30, 0, 0.0, Now(), kConnected, ""});
  grpc::Status finished = c.Finish();
  EXPECT_TRUE(finished.ok()) << finished.error_message();

  // Closed by the county and then silent: STALE too, once past the bound.
  Advance(absl::Seconds(31));
  s = Status();
  EXPECT_EQ(s.state(), v1::REPLICATION_STATE_STALE) << s.ShortDebugString();
  EXPECT_DOUBLE_EQ(s.silent_seconds(), 31.0);
  EXPECT_DOUBLE_EQ(s.lag_seconds(), 31.0);
}

}  // namespace
}  // namespace reporting::city
