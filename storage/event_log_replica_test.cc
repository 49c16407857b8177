// EventLog::AppendReplicated and ReceivedAt: a replica fed from a source
// log's stored events holds the same bytes, refuses anything else, and is
// unchanged by every refusal.
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"
#include "storage/envelope.h"
#include "storage/event_log.h"
#include "storage/hash_chain.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

using ::testing::HasSubstr;

const std::string kUnitType = events::TypeOf<v1::UnitRegistered>();

EventLogOptions Options(const std::string& node = "371302") {
  EventLogOptions o;
  o.node_id = node;
  o.sync = false;
  return o;
}

std::unique_ptr<EventLog> MustOpen(const std::string& dir,
                                   EventLogOptions o = Options()) {
  auto log = EventLog::Open(dir, std::move(o));
  EXPECT_TRUE(log.ok()) << log.status();
  return log.ok() ? std::move(*log) : nullptr;
}

// Appends n single-event commands, unit i on stream unit/<node>-U<i>, and
// every third one again on a shared stream (so stream versions grow).
void Fill(EventLog& log, const std::string& node, int from, int n) {
  for (int i = from; i < from + n; ++i) {
    v1::UnitRegistered u;
    u.set_unit_id(absl::StrCat(node, "-U", i));
    u.set_name("兰山区机关单位");
    AppendRequest r;
    r.command_id = absl::StrCat("c", i);
    r.actor = "clerk:test";
    r.events.push_back(
        NewEvent{i % 3 == 0 ? "unit/shared" : absl::StrCat("unit/", node, i),
                 kUnitType, u.SerializeAsString()});
    auto result = log.Append(r);
    ASSERT_TRUE(result.ok()) << result.status();
  }
}

std::vector<StoredEvent> ReadAll(const EventLog& log, uint64_t from = 1) {
  std::vector<StoredEvent> out;
  for (;;) {
    auto batch = log.Read(from, ReadLimits{100, 1 << 20});
    EXPECT_TRUE(batch.ok()) << batch.status();
    if (!batch.ok() || batch->empty()) return out;
    from = batch->back().sequence + 1;
    out.insert(out.end(), batch->begin(), batch->end());
  }
}

std::vector<StoredEvent> Slice(const std::vector<StoredEvent>& all,
                               uint64_t from, uint64_t to) {
  return std::vector<StoredEvent>(all.begin() + (from - 1), all.begin() + to);
}

class ReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = MustOpen(source_dir_.path());
    Fill(*source_, "371302", 1, 50);
    events_ = ReadAll(*source_);
    ASSERT_EQ(events_.size(), 50u);
    replica_ = MustOpen(replica_dir_.path());
  }

  // The replica's head and all of its events, for "unchanged" checks.
  void ExpectHolds(uint64_t last) {
    EXPECT_EQ(replica_->GetHead().sequence, last);
    std::vector<StoredEvent> held = ReadAll(*replica_);
    ASSERT_EQ(held.size(), last);
    for (uint64_t i = 0; i < last; ++i) {
      EXPECT_EQ(held[i].envelope, events_[i].envelope) << i + 1;
      EXPECT_EQ(held[i].hash, events_[i].hash) << i + 1;
    }
  }

  // events_[seq-1] with its envelope changed by `edit` and its hash
  // recomputed, so it is a well-formed event that differs.
  StoredEvent Altered(uint64_t seq,
                      const std::function<void(v1::EventEnvelope&)>& edit) {
    v1::EventEnvelope env;
    EXPECT_TRUE(env.ParseFromString(events_[seq - 1].envelope));
    edit(env);
    StoredEvent e;
    e.sequence = seq;
    e.envelope = SerializeEnvelope(env);
    e.hash = ChainHash(env.prev_hash(), e.envelope);
    return e;
  }

  testutil::TempDir source_dir_{"replica-src"};
  testutil::TempDir replica_dir_{"replica-dst"};
  std::unique_ptr<EventLog> source_;
  std::unique_ptr<EventLog> replica_;
  std::vector<StoredEvent> events_;
};

TEST_F(ReplicaTest, CopiesBytesIndexesAndReceiveTimes) {
  auto head = replica_->AppendReplicated(Slice(events_, 1, 20), 1000);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->sequence, 20u);
  EXPECT_EQ(head->hash, events_[19].hash);
  head = replica_->AppendReplicated(Slice(events_, 21, 50), 2000);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->sequence, 50u);
  EXPECT_EQ(replica_->GetHead().hash, source_->GetHead().hash);
  ExpectHolds(50);
  EXPECT_TRUE(replica_->Verify().ok());

  EXPECT_EQ(*replica_->ReceivedAt(1), 1000);
  EXPECT_EQ(*replica_->ReceivedAt(20), 1000);
  EXPECT_EQ(*replica_->ReceivedAt(21), 2000);
  EXPECT_EQ(replica_->ReceivedAt(51).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(source_->ReceivedAt(1).status().code(),
            absl::StatusCode::kNotFound);

  // Stream and type indexes are the source's.
  EXPECT_EQ(*replica_->StreamVersion("unit/shared"),
            *source_->StreamVersion("unit/shared"));
  auto stream = replica_->ReadStream("unit/shared");
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(stream->size(), 16u);  // i = 3, 6, ..., 48
  auto by_type = replica_->ReadByType(kUnitType, INT64_MIN, INT64_MAX);
  ASSERT_TRUE(by_type.ok());
  EXPECT_EQ(by_type->size(), 50u);

  // Survives a reopen (the tail check passes on the copy).
  replica_.reset();
  replica_ = MustOpen(replica_dir_.path());
  ExpectHolds(50);
  EXPECT_EQ(*replica_->ReceivedAt(50), 2000);
}

TEST_F(ReplicaTest, RepeatedAndOverlappingBatchesAreNoOps) {
  ASSERT_TRUE(replica_->AppendReplicated(Slice(events_, 1, 30), 1).ok());
  auto head = replica_->AppendReplicated(Slice(events_, 1, 30), 2);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->sequence, 30u);
  head = replica_->AppendReplicated(Slice(events_, 11, 20), 3);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->sequence, 30u);
  // Overlap: 21..30 held, 31..40 new.
  head = replica_->AppendReplicated(Slice(events_, 21, 40), 4);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->sequence, 40u);
  ExpectHolds(40);
  EXPECT_EQ(*replica_->ReceivedAt(30), 1);  // the first receipt counts
  EXPECT_EQ(*replica_->ReceivedAt(31), 4);
  head = replica_->AppendReplicated({}, 5);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->sequence, 40u);
}

TEST_F(ReplicaTest, ReceiveTimesAreOneRangePerWriteReadInAnyOrder) {
  // Five writes, 1..10 at 100, 11..20 at 1100, ...: one received_at entry
  // each (a range), found by any sequence in it, in any order.
  for (uint64_t from = 1; from <= 40; from += 10) {
    ASSERT_TRUE(replica_
                    ->AppendReplicated(Slice(events_, from, from + 9),
                                       static_cast<int64_t>(from) * 100)
                    .ok());
  }
  // Written but not yet durable: not visible.
  ASSERT_TRUE(replica_->WriteReplicated(Slice(events_, 41, 50), 4100).ok());
  EXPECT_EQ(replica_->ReceivedAt(45).status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(replica_->AwaitDurable(50).ok());
  const auto expected = [](uint64_t seq) {
    return static_cast<int64_t>((seq - 1) / 10 * 10 + 1) * 100;
  };
  for (uint64_t seq = 50; seq >= 1; --seq) {
    EXPECT_EQ(*replica_->ReceivedAt(seq), expected(seq)) << seq;
  }
  for (uint64_t seq : {7, 45, 11, 10, 50, 1, 21, 20}) {
    EXPECT_EQ(*replica_->ReceivedAt(seq), expected(seq)) << seq;
  }
  EXPECT_EQ(replica_->ReceivedAt(0).status().code(),
            absl::StatusCode::kNotFound);
  replica_.reset();
  replica_ = MustOpen(replica_dir_.path());
  EXPECT_EQ(*replica_->ReceivedAt(33), 3100);
}

// Stream and type reads on the replica answer exactly as on the source.
void ExpectSameIndexes(const EventLog& source, const EventLog& replica) {
  for (const std::string& stream :
       {std::string("unit/shared"), std::string("unit/3713021"),
        std::string("unit/37130250")}) {
    auto want = source.ReadStream(stream);
    auto got = replica.ReadStream(stream);
    ASSERT_TRUE(want.ok() && got.ok()) << got.status();
    ASSERT_EQ(got->size(), want->size()) << stream;
    for (size_t k = 0; k < got->size(); ++k) {
      EXPECT_EQ((*got)[k].sequence, (*want)[k].sequence) << stream;
    }
    EXPECT_EQ(*replica.StreamVersion(stream), *source.StreamVersion(stream));
  }
  auto want = source.ReadByType(kUnitType, INT64_MIN, INT64_MAX, 0,
                                ReadLimits{1000, 1 << 20});
  auto got = replica.ReadByType(kUnitType, INT64_MIN, INT64_MAX, 0,
                                ReadLimits{1000, 1 << 20});
  ASSERT_TRUE(want.ok() && got.ok()) << got.status();
  ASSERT_EQ(got->size(), want->size());
  for (size_t k = 0; k < got->size(); ++k) {
    EXPECT_EQ((*got)[k].sequence, (*want)[k].sequence);
  }
}

TEST_F(ReplicaTest, IndexesAreBuiltWhenFirstReadAndKeptUpToDate) {
  ASSERT_TRUE(replica_->AppendReplicated(Slice(events_, 1, 20), 1).ok());
  // Read while the source is further on: only what the copy holds.
  auto stream = replica_->ReadStream("unit/shared");
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(stream->size(), 6u);  // i = 3, 6, ..., 18
  EXPECT_EQ(*replica_->StreamVersion("unit/shared"), 6u);
  // Written but not durable: not indexed, not visible.
  ASSERT_TRUE(replica_->WriteReplicated(Slice(events_, 21, 35), 2).ok());
  EXPECT_EQ(replica_->ReadStream("unit/shared")->size(), 6u);
  ASSERT_TRUE(replica_->AwaitDurable(35).ok());
  EXPECT_EQ(replica_->ReadStream("unit/shared")->size(), 11u);
  ASSERT_TRUE(replica_->AppendReplicated(Slice(events_, 36, 50), 3).ok());
  ExpectSameIndexes(*source_, *replica_);
  // The index cursor survives a reopen; later writes are indexed on read.
  replica_.reset();
  replica_ = MustOpen(replica_dir_.path());
  ExpectSameIndexes(*source_, *replica_);
}

TEST_F(ReplicaTest, ALogIndexedAsWrittenSwitchesToLazyIndexing) {
  // A log whose events were indexed as they were written (here restored;
  // also a copy from before lazy indexing) continues as a copy.
  ASSERT_TRUE(replica_->AppendRestored(Slice(events_, 1, 20)).ok());
  EXPECT_EQ(replica_->ReadStream("unit/shared")->size(), 6u);
  ASSERT_TRUE(replica_->AppendReplicated(Slice(events_, 21, 50), 1).ok());
  ExpectSameIndexes(*source_, *replica_);
  replica_.reset();
  replica_ = MustOpen(replica_dir_.path());
  ExpectSameIndexes(*source_, *replica_);
  EXPECT_TRUE(replica_->Verify().ok());
}

TEST_F(ReplicaTest, WriteThenAwaitDurablePipelines) {
  auto a = replica_->WriteReplicated(Slice(events_, 1, 10), 1);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->sequence, 10u);
  EXPECT_EQ(replica_->GetHead().sequence, 0u);  // not durable yet
  auto b = replica_->WriteReplicated(Slice(events_, 11, 20), 2);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(replica_->AwaitDurable(21).code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(replica_->AwaitDurable(20).ok());
  EXPECT_EQ(replica_->GetHead().sequence, 20u);
  EXPECT_EQ(replica_->GetHead().hash, events_[19].hash);
  ExpectHolds(20);
}

TEST_F(ReplicaTest, GapIsRefusedNamingTheExpectedSequence) {
  ASSERT_TRUE(replica_->AppendReplicated(Slice(events_, 1, 10), 1).ok());
  auto head = replica_->AppendReplicated(Slice(events_, 12, 20), 1);
  EXPECT_EQ(head.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(head.status().message(), HasSubstr("expected sequence 11"));
  ExpectHolds(10);
}

TEST_F(ReplicaTest, DifferentHeldEventIsDivergence) {
  ASSERT_TRUE(replica_->AppendReplicated(Slice(events_, 1, 10), 1).ok());
  std::vector<StoredEvent> batch = Slice(events_, 5, 15);
  batch[2] =
      Altered(7, [](v1::EventEnvelope& env) { env.set_actor("forger"); });
  // Later events of the batch no longer chain onto the altered one, so the
  // batch is internally refused first; a lone altered event is divergence.
  EXPECT_EQ(replica_->AppendReplicated(batch, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto head = replica_->AppendReplicated({batch[2]}, 1);
  EXPECT_EQ(head.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(head.status().message(), HasSubstr("divergence at sequence 7"));
  ExpectHolds(10);
}

TEST_F(ReplicaTest, NewEventNotChainingOntoTheHeadIsDivergence) {
  ASSERT_TRUE(replica_->AppendReplicated(Slice(events_, 1, 10), 1).ok());
  // A well-formed event 11 of a log whose event 10 differs.
  StoredEvent e = Altered(11, [](v1::EventEnvelope& env) {
    env.set_prev_hash(std::string(kHashBytes, 'x'));
  });
  auto head = replica_->AppendReplicated({e}, 1);
  EXPECT_EQ(head.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(head.status().message(), HasSubstr("divergence at sequence 11"));
  ExpectHolds(10);
}

TEST_F(ReplicaTest, MalformedEventsAreInvalidAndChangeNothing) {
  ASSERT_TRUE(replica_->AppendReplicated(Slice(events_, 1, 10), 1).ok());
  struct Case {
    std::string name;
    StoredEvent event;
    std::string message;
  };
  StoredEvent garbage = events_[10];
  garbage.envelope = "\xff\xff\xff not an envelope";
  StoredEvent bad_hash = events_[10];
  bad_hash.hash[0] ^= 1;
  StoredEvent wrong_seq = events_[10];
  wrong_seq.sequence = 12;
  StoredEvent short_hash = events_[10];
  short_hash.hash.resize(5);
  std::vector<Case> cases = {
      {"garbage", garbage, "do not decode"},
      {"bad hash", bad_hash, "SHA-256"},
      {"wrong sequence", wrong_seq, "envelope says sequence 11"},
      {"short hash", short_hash, "hash is 5 bytes"},
      {"other node",
       Altered(11, [](v1::EventEnvelope& env) { env.set_node_id("371311"); }),
       "belongs to node \"371311\""},
      {"empty stream",
       Altered(11, [](v1::EventEnvelope& env) { env.set_stream_id(""); }),
       "stream"},
  };
  for (const Case& c : cases) {
    auto head = replica_->AppendReplicated({c.event}, 1);
    EXPECT_EQ(head.status().code(), absl::StatusCode::kInvalidArgument)
        << c.name << ": " << head.status();
    EXPECT_THAT(head.status().message(), HasSubstr(c.message)) << c.name;
  }
  // Not consecutive inside the batch.
  auto head = replica_->AppendReplicated({events_[10], events_[12]}, 1);
  EXPECT_EQ(head.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(head.status().message(), HasSubstr("not consecutive"));
  // Too many.
  std::vector<StoredEvent> many(kMaxEventsPerAppend + 1, events_[10]);
  EXPECT_EQ(replica_->AppendReplicated(many, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  ExpectHolds(10);
}

TEST_F(ReplicaTest, AnotherNodesLogIsRefused) {
  testutil::TempDir other_dir("replica-other");
  std::unique_ptr<EventLog> other =
      MustOpen(other_dir.path(), Options("371311"));
  Fill(*other, "371311", 1, 3);
  auto head = replica_->AppendReplicated(ReadAll(*other), 1);
  EXPECT_EQ(head.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(head.status().message(), HasSubstr("belongs to node"));
  ExpectHolds(0);
}

TEST_F(ReplicaTest, FollowsALogThatKeepsGrowing) {
  uint64_t held = 0;
  for (int round = 0; round < 5; ++round) {
    Fill(*source_, "371302", 100 + round * 10, 10);
    events_ = ReadAll(*source_);
    auto head = replica_->AppendReplicated(
        Slice(events_, held + 1, events_.size()), round);
    ASSERT_TRUE(head.ok()) << head.status();
    held = head->sequence;
  }
  ExpectHolds(100);
  EXPECT_TRUE(replica_->Verify().ok());
}

}  // namespace
}  // namespace reporting::storage
