// The city's side of signed heads (ARCHITECTURE.md decision 9): a real
// ReplicationServiceImpl with NodeKeys, fed by hand over Push streams. A
// Hello's keys are pinned (and extended by a rotation, refused when they
// differ); a signed head is checked against the pinned keys, then, once
// its batch is durable, against the copy, and kept; every way it can be
// wrong ends the stream with the right code and keeps nothing.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/city/node_copies.h"
#include "services/city/node_keys.h"
#include "services/city/replication_service.h"
#include "services/proof/ed25519.h"
#include "services/proof/statement.h"
#include "tests/replication/push_client.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::city {
namespace {

using replication_test::MakeNodeLog;
using replication_test::PushClient;

constexpr char kNode[] = "371302";

// A node's signing keys as the county's KeyRing makes them.
struct Keys {
  std::vector<proof::SigningKey> keys;
  v1::KeyHistory history;

  void Add() {
    keys.push_back(*proof::SigningKey::Generate());
    v1::KeyRecord* r = history.add_keys();
    r->set_signer(kNode);
    r->set_number(static_cast<uint32_t>(keys.size()));
    r->set_public_key(keys.back().public_key());
    r->set_created_at_us(1000 + static_cast<int64_t>(keys.size()));
    r->set_endorsement(keys[keys.size() == 1 ? 0 : keys.size() - 2].Sign(
        proof::KeyStatement(*r)));
  }
  v1::SignedHead Sign(uint64_t sequence, const std::string& hash, uint32_t key,
                      int64_t at = 5000) const {
    v1::SignedHead h;
    h.set_node_id(kNode);
    h.set_sequence(sequence);
    h.set_hash(hash);
    h.set_signed_at_us(at);
    h.set_key_number(key);
    h.set_signature(keys[key - 1].Sign(proof::HeadStatement(h)));
    return h;
  }
};

class SignedHeadsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    county_dir_ = new testutil::TempDir("signed-heads-county");
    county_ = new std::vector<storage::StoredEvent>(
        MakeNodeLog(county_dir_->Sub("log"), kNode, 30));
  }
  static void TearDownTestSuite() {
    delete county_;
    delete county_dir_;
  }

  void SetUp() override {
    keys_.Add();
    Start();
  }
  void TearDown() override { Stop(); }

  void Start() {
    copies_ = std::make_unique<NodeCopies>(dir_.Sub("city"));
    node_keys_ = std::make_unique<NodeKeys>(dir_.Sub("city"));
    ReplicationServiceOptions o;
    o.identity_from_certificate = false;
    o.node_keys = node_keys_.get();
    service_ = std::make_unique<ReplicationServiceImpl>(copies_.get(), o);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials());
  }
  void Stop() {
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(2));
    server_->Wait();
    EXPECT_TRUE(copies_->Close().ok());
  }

  static std::vector<storage::StoredEvent> Events(uint64_t from, uint64_t to) {
    return std::vector<storage::StoredEvent>(county_->begin() + (from - 1),
                                             county_->begin() + to);
  }
  static const std::string& HashOf(uint64_t sequence) {
    return (*county_)[sequence - 1].hash;
  }

  // Hello with `history` (none when empty); reads the Cursor.
  void Open(PushClient& c, const v1::KeyHistory& history) {
    v1::PushRequest r;
    r.mutable_hello()->set_node_id(kNode);
    r.mutable_hello()->set_head_hash(std::string(32, '\0'));
    if (history.keys_size() > 0) *r.mutable_hello()->mutable_keys() = history;
    ASSERT_TRUE(c.Send(r));
    v1::PushResponse response;
    ASSERT_TRUE(c.Read(&response));
    ASSERT_TRUE(response.has_cursor());
  }
  // A batch of events from..to carrying `head`.
  static v1::PushRequest BatchWith(uint64_t from, uint64_t to,
                                   const v1::SignedHead& head) {
    v1::PushRequest r;
    v1::EventBatch* b = r.mutable_batch();
    for (const storage::StoredEvent& e : Events(from, to)) {
      v1::StoredEvent* out = b->add_events();
      out->set_sequence(e.sequence);
      out->set_envelope(e.envelope);
      out->set_hash(e.hash);
    }
    b->set_head_sequence(to);
    *b->mutable_signed_head() = head;
    return r;
  }
  static v1::PushRequest HeartbeatWith(uint64_t head_sequence,
                                       const v1::SignedHead& head) {
    v1::PushRequest r;
    r.mutable_heartbeat()->set_head_sequence(head_sequence);
    *r.mutable_heartbeat()->mutable_signed_head() = head;
    return r;
  }
  static void ExpectAck(PushClient& c, uint64_t sequence) {
    v1::PushResponse r;
    ASSERT_TRUE(c.Read(&r));
    ASSERT_TRUE(r.has_ack());
    EXPECT_EQ(r.ack().sequence(), sequence);
  }

  static testutil::TempDir* county_dir_;
  static std::vector<storage::StoredEvent>* county_;
  testutil::TempDir dir_{"signed-heads-city"};
  Keys keys_;
  std::unique_ptr<NodeCopies> copies_;
  std::unique_ptr<NodeKeys> node_keys_;
  std::unique_ptr<ReplicationServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

testutil::TempDir* SignedHeadsTest::county_dir_ = nullptr;
std::vector<storage::StoredEvent>* SignedHeadsTest::county_ = nullptr;

TEST_F(SignedHeadsTest, PinnedCheckedKeptAndExtendedByRotation) {
  {
    PushClient c(channel_);
    Open(c, keys_.history);
    EXPECT_EQ(node_keys_->Pinned(kNode).keys_size(), 1);
    ASSERT_TRUE(c.Send(BatchWith(1, 10, keys_.Sign(8, HashOf(8), 1))));
    ExpectAck(c, 10);
    auto kept = node_keys_->Latest(kNode);
    ASSERT_TRUE(kept.has_value());
    EXPECT_EQ(kept->sequence(), 8u);
    // An older head does not replace a newer one.
    ASSERT_TRUE(c.Send(HeartbeatWith(10, keys_.Sign(5, HashOf(5), 1))));
    ExpectAck(c, 10);
    EXPECT_EQ(node_keys_->Latest(kNode)->sequence(), 8u);
    EXPECT_TRUE(c.Finish().ok());
  }
  // Rotated: the next Hello carries keys 1..2; a head signed by key 2.
  keys_.Add();
  {
    PushClient c(channel_);
    Open(c, keys_.history);
    EXPECT_EQ(node_keys_->Pinned(kNode).keys_size(), 2);
    ASSERT_TRUE(c.Send(BatchWith(11, 20, keys_.Sign(20, HashOf(20), 2))));
    ExpectAck(c, 20);
    EXPECT_EQ(node_keys_->Latest(kNode)->key_number(), 2u);
    // A head signed by the old key still verifies.
    ASSERT_TRUE(c.Send(HeartbeatWith(20, keys_.Sign(20, HashOf(20), 1, 6000))));
    ExpectAck(c, 20);
    EXPECT_EQ(node_keys_->Latest(kNode)->key_number(), 1u);
    EXPECT_TRUE(c.Finish().ok());
  }
  // Kept across a restart of the city.
  Stop();
  Start();
  EXPECT_EQ(node_keys_->Pinned(kNode).keys_size(), 2);
  EXPECT_EQ(node_keys_->Latest(kNode)->sequence(), 20u);
}

TEST_F(SignedHeadsTest, AForeignKeyHistoryIsRefusedAndThePinKept) {
  {
    PushClient c(channel_);
    Open(c, keys_.history);
    EXPECT_TRUE(c.Finish().ok());
  }
  Keys other;
  other.Add();
  PushClient c(channel_);
  v1::PushRequest r;
  r.mutable_hello()->set_node_id(kNode);
  *r.mutable_hello()->mutable_keys() = other.history;
  ASSERT_TRUE(c.Send(r));
  const grpc::Status s = c.Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(s.error_message().find("the city pinned key 1"), std::string::npos)
      << s.error_message();
  EXPECT_EQ(node_keys_->Pinned(kNode).keys(0).public_key(),
            keys_.keys[0].public_key());
}

TEST_F(SignedHeadsTest, EachWrongSignedHeadEndsTheStream) {
  Keys stranger;
  stranger.Add();
  struct Case {
    std::string name;
    v1::SignedHead head;
    grpc::StatusCode code;
    std::string message;
  };
  v1::SignedHead altered = keys_.Sign(5, HashOf(5), 1);
  altered.set_sequence(6);  // signature over sequence 5
  v1::SignedHead unpinned = keys_.Sign(5, HashOf(5), 1);
  unpinned.set_key_number(3);
  const std::vector<Case> cases = {
      {"stranger's key", stranger.Sign(5, HashOf(5), 1),
       grpc::StatusCode::INVALID_ARGUMENT,
       "the signature does not verify with 371302's key 1"},
      {"altered", altered, grpc::StatusCode::INVALID_ARGUMENT,
       "the signature does not verify"},
      {"key not pinned", unpinned, grpc::StatusCode::INVALID_ARGUMENT,
       "signed with key 3"},
      {"past the batch", keys_.Sign(20, HashOf(20), 1),
       grpc::StatusCode::INVALID_ARGUMENT, "came with events up to 10"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.name);
    PushClient c(channel_);
    Open(c, keys_.history);
    ASSERT_TRUE(c.Send(BatchWith(1, 10, k.head)));
    const grpc::Status s = c.Finish();
    EXPECT_EQ(s.error_code(), k.code) << s.error_message();
    EXPECT_NE(s.error_message().find(k.message), std::string::npos)
        << s.error_message();
    EXPECT_FALSE(node_keys_->Latest(kNode).has_value());
  }
  // Without pinned keys, a signed head has nothing to be checked against.
  Stop();
  copies_ = std::make_unique<NodeCopies>(dir_.Sub("fresh"));
  node_keys_ = std::make_unique<NodeKeys>(dir_.Sub("fresh"));
  ReplicationServiceOptions o;
  o.identity_from_certificate = false;
  o.node_keys = node_keys_.get();
  service_ = std::make_unique<ReplicationServiceImpl>(copies_.get(), o);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                 grpc::InsecureChannelCredentials());
  PushClient c(channel_);
  Open(c, v1::KeyHistory());
  ASSERT_TRUE(c.Send(BatchWith(1, 10, keys_.Sign(10, HashOf(10), 1))));
  const grpc::Status s = c.Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("no key history"), std::string::npos);
}

TEST_F(SignedHeadsTest, AHeadSignedForAnotherHistoryIsDivergence) {
  PushClient c(channel_);
  Open(c, keys_.history);
  // A valid signature by the node over a hash its pushed log does not have
  // at that sequence: the node signed another history.
  ASSERT_TRUE(c.Send(BatchWith(1, 10, keys_.Sign(7, HashOf(8), 1))));
  const grpc::Status s = c.Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DATA_LOSS) << s.error_message();
  EXPECT_NE(s.error_message().find("the node signed hash"), std::string::npos)
      << s.error_message();
  EXPECT_TRUE(copies_->Divergence(kNode).has_value());
  EXPECT_FALSE(node_keys_->Latest(kNode).has_value());
}

}  // namespace
}  // namespace reporting::city
