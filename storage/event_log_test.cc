#include "storage/event_log.h"

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"
#include "rocksdb/write_batch.h"
#include "storage/event_log_impl.h"
#include "storage/hash_chain.h"
#include "storage/keys.h"
#include "storage/rocks_db.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

using ::testing::HasSubstr;

const std::string kUnitType = events::TypeOf<v1::UnitRegistered>();
const std::string kBranchType = events::TypeOf<v1::BranchRegistered>();

std::string UnitPayload(const std::string& unit_id) {
  v1::UnitRegistered u;
  u.set_unit_id(unit_id);
  u.set_name("兰山区机关单位");
  u.set_member_count(42);
  return u.SerializeAsString();
}

std::string BranchPayload(const std::string& branch_id) {
  v1::BranchRegistered b;
  b.set_branch_id(branch_id);
  b.set_unit_id("371302-U0042");
  return b.SerializeAsString();
}

NewEvent Unit(const std::string& stream, const std::string& unit_id = "U1") {
  return NewEvent{stream, kUnitType, UnitPayload(unit_id)};
}

AppendRequest Request(const std::string& command_id,
                      std::vector<NewEvent> events) {
  AppendRequest r;
  r.command_id = command_id;
  r.actor = "clerk:wang.li@371302";
  r.events = std::move(events);
  return r;
}

v1::EventEnvelope Parse(const StoredEvent& e) {
  v1::EventEnvelope env;
  EXPECT_TRUE(env.ParseFromString(e.envelope));
  return env;
}

class EventLogTest : public ::testing::Test {
 protected:
  EventLogOptions Options() {
    EventLogOptions o;
    o.node_id = "371302";
    o.now_us = [this] { return clock_us_.fetch_add(1); };
    return o;
  }
  void OpenLog() { OpenLog(Options()); }
  void OpenLog(EventLogOptions o) {
    log_.reset();
    auto log = EventLog::Open(dir_.path(), std::move(o));
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
  }
  void SetUp() override { OpenLog(); }

  AppendResult MustAppend(const AppendRequest& r) {
    auto result = log_->Append(r);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : AppendResult();
  }

  // Replaces stored event `seq`'s value through the raw DB (log closed).
  void CorruptEvent(uint64_t seq) {
    ASSERT_TRUE(log_->Close().ok());
    log_.reset();
    auto db = RocksDb::Open(dir_.path(), false);
    ASSERT_TRUE(db.ok()) << db.status();
    std::string value;
    auto found = (*db)->Get(Cf::kEvents, keys::EventKey(seq), &value);
    ASSERT_TRUE(found.ok() && *found);
    value[value.size() - 3] ^= 0x01;  // a payload byte
    rocksdb::WriteBatch batch;
    batch.Put((*db)->handle(Cf::kEvents), keys::EventKey(seq), value);
    ASSERT_TRUE((*db)->Write(&batch, true).ok());
    ASSERT_TRUE((*db)->Close().ok());
  }

  testutil::TempDir dir_{"event-log-test"};
  std::atomic<int64_t> clock_us_{1700000000000000};
  std::unique_ptr<EventLog> log_;
};

TEST_F(EventLogTest, EmptyLogHasZeroHead) {
  EXPECT_EQ(log_->GetHead().sequence, 0u);
  EXPECT_EQ(log_->GetHead().hash, ZeroHash());
  auto events = log_->Read(1);
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->empty());
  EXPECT_TRUE(log_->Verify().ok());
}

TEST_F(EventLogTest, AppendBuildsTheEnvelopeAndChainsTheHash) {
  AppendRequest r =
      Request("cmd-1", {Unit("unit/371302-U0042", "371302-U0042")});
  AppendResult result = MustAppend(r);
  EXPECT_EQ(result.first_sequence, 1u);
  EXPECT_EQ(result.last_sequence, 1u);
  EXPECT_FALSE(result.duplicate);
  EXPECT_EQ(result.stream_versions.Find("unit/371302-U0042"), 1u);

  auto e = log_->ReadOne(1);
  ASSERT_TRUE(e.ok()) << e.status();
  v1::EventEnvelope env = Parse(*e);
  EXPECT_EQ(env.node_id(), "371302");
  EXPECT_EQ(env.sequence(), 1u);
  EXPECT_EQ(env.stream_id(), "unit/371302-U0042");
  EXPECT_EQ(env.stream_version(), 1u);
  EXPECT_EQ(env.event_id().size(), 36u);
  EXPECT_EQ(env.event_type(), kUnitType);
  EXPECT_EQ(env.recorded_at_us(), 1700000000000000);
  EXPECT_EQ(env.actor(), "clerk:wang.li@371302");
  EXPECT_EQ(env.command_id(), "cmd-1");
  EXPECT_EQ(env.payload(), UnitPayload("371302-U0042"));
  EXPECT_EQ(env.prev_hash(), ZeroHash());
  EXPECT_EQ(e->hash, ChainHash(ZeroHash(), e->envelope));
  EXPECT_EQ(log_->GetHead().sequence, 1u);
  EXPECT_EQ(log_->GetHead().hash, e->hash);

  AppendRequest r2 = Request("cmd-2", {Unit("unit/371302-U0042")});
  r2.recorded_at_us = 123;
  MustAppend(r2);
  auto e2 = log_->ReadOne(2);
  ASSERT_TRUE(e2.ok());
  EXPECT_EQ(Parse(*e2).prev_hash(), e->hash);
  EXPECT_EQ(Parse(*e2).recorded_at_us(), 123);
  EXPECT_EQ(Parse(*e2).stream_version(), 2u);
  EXPECT_EQ(e2->hash, ChainHash(e->hash, e2->envelope));
  EXPECT_EQ(log_->ReadOne(3).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(log_->ReadOne(0).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(EventLogTest, OneAppendSpansStreamsWithConsecutiveVersions) {
  AppendResult r = MustAppend(Request(
      "cmd-1",
      {Unit("unit/A"), NewEvent{"branch/B", kBranchType, BranchPayload("B")},
       Unit("unit/A"), Unit("unit/A")}));
  EXPECT_EQ(r.first_sequence, 1u);
  EXPECT_EQ(r.last_sequence, 4u);
  EXPECT_EQ(r.stream_versions.Find("unit/A"), 3u);
  EXPECT_EQ(r.stream_versions.Find("branch/B"), 1u);
  // One entry per stream, in the order of the first event on each (not
  // sorted), and the result rebuilt from the stored events is the same.
  ASSERT_EQ(r.stream_versions.size(), 2u);
  EXPECT_EQ(r.stream_versions.Entry(0).first, "unit/A");
  EXPECT_EQ(r.stream_versions.Entry(1).first, "branch/B");
  auto looked = log_->LookupCommand("cmd-1");
  ASSERT_TRUE(looked.ok());
  EXPECT_EQ(looked->stream_versions, r.stream_versions);
  auto events = log_->Read(1);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 4u);
  EXPECT_EQ(Parse((*events)[3]).stream_version(), 3u);
  for (const StoredEvent& e : *events) {
    EXPECT_EQ(Parse(e).command_id(), "cmd-1");
  }
  EXPECT_EQ(*log_->StreamVersion("unit/A"), 3u);
  EXPECT_EQ(*log_->StreamVersion("branch/B"), 1u);
  EXPECT_EQ(*log_->StreamVersion("unit/none"), kNoStream);
}

TEST_F(EventLogTest, RepeatedCommandIdReturnsTheOriginalResult) {
  AppendRequest r = Request("cmd-1", {Unit("unit/A"), Unit("unit/B")});
  AppendResult first = MustAppend(r);
  MustAppend(Request("cmd-2", {Unit("unit/A")}));
  // Even with different content, the command id decides.
  AppendRequest again = Request("cmd-1", {Unit("unit/C")});
  AppendResult dup = MustAppend(again);
  EXPECT_TRUE(dup.duplicate);
  EXPECT_EQ(dup.first_sequence, first.first_sequence);
  EXPECT_EQ(dup.last_sequence, first.last_sequence);
  EXPECT_EQ(dup.stream_versions, first.stream_versions);
  EXPECT_EQ(log_->GetHead().sequence, 3u);

  auto looked = log_->LookupCommand("cmd-1");
  ASSERT_TRUE(looked.ok());
  EXPECT_EQ(looked->last_sequence, 2u);
  EXPECT_EQ(looked->stream_versions, first.stream_versions);
  EXPECT_EQ(log_->LookupCommand("nope").status().code(),
            absl::StatusCode::kNotFound);

  // Also after a restart.
  OpenLog();
  AppendResult after = MustAppend(again);
  EXPECT_TRUE(after.duplicate);
  EXPECT_EQ(after.first_sequence, 1u);
  EXPECT_EQ(after.stream_versions, first.stream_versions);
  EXPECT_EQ(log_->GetHead().sequence, 3u);
}

TEST_F(EventLogTest, ConcurrentRepeatsOfOneCommandAppendOnce) {
  constexpr int kThreads = 8;
  std::vector<AppendResult> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      results[t] =
          MustAppend(Request("same", {Unit("unit/A"), Unit("unit/A")}));
    });
  }
  for (std::thread& t : threads) t.join();
  int originals = 0;
  for (const AppendResult& r : results) {
    if (!r.duplicate) ++originals;
    EXPECT_EQ(r.first_sequence, 1u);
    EXPECT_EQ(r.last_sequence, 2u);
    EXPECT_EQ(r.stream_versions.Find("unit/A"), 2u);
  }
  EXPECT_EQ(originals, 1);
  EXPECT_EQ(log_->GetHead().sequence, 2u);
}

TEST_F(EventLogTest, WrongExpectedVersionIsRefusedAndChangesNothing) {
  AppendRequest create = Request("cmd-1", {Unit("unit/371302-U0042")});
  create.expected_versions["unit/371302-U0042"] = kNoStream;
  MustAppend(create);
  for (int i = 2; i <= 4; ++i) {
    AppendRequest r =
        Request("cmd-" + std::to_string(i), {Unit("unit/371302-U0042")});
    r.expected_versions["unit/371302-U0042"] = i - 1;
    MustAppend(r);
  }
  const Head before = log_->GetHead();
  AppendRequest stale =
      Request("cmd-stale", {Unit("unit/371302-U0042"), Unit("unit/other")});
  stale.expected_versions["unit/371302-U0042"] = 3;
  auto result = log_->Append(stale);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("event_log: append node=371302 "
                        "stream=unit/371302-U0042: expected version 3, "
                        "found 4"));
  EXPECT_EQ(log_->GetHead().sequence, before.sequence);
  EXPECT_EQ(log_->GetHead().hash, before.hash);
  EXPECT_EQ(*log_->StreamVersion("unit/other"), kNoStream);
  // The refused command id is not remembered: a corrected retry goes in.
  EXPECT_EQ(log_->LookupCommand("cmd-stale").status().code(),
            absl::StatusCode::kNotFound);
  stale.expected_versions["unit/371302-U0042"] = 4;
  EXPECT_FALSE(MustAppend(stale).duplicate);

  AppendRequest exists = Request("cmd-exists", {Unit("unit/371302-U0042")});
  exists.expected_versions["unit/371302-U0042"] = kNoStream;
  EXPECT_EQ(log_->Append(exists).status().code(), absl::StatusCode::kAborted);
}

TEST_F(EventLogTest, ExpectedVersionsOfStreamsNotWrittenAreChecked) {
  MustAppend(Request("cmd-1", {Unit("unit/read")}));
  // The decision reads unit/read (version 1) and writes branch/B.
  AppendRequest r =
      Request("cmd-2", {NewEvent{"branch/B", kBranchType, BranchPayload("B")}});
  r.expected_versions["unit/read"] = 1;
  MustAppend(r);
  MustAppend(Request("cmd-3", {Unit("unit/read")}));
  AppendRequest stale =
      Request("cmd-4", {NewEvent{"branch/B", kBranchType, BranchPayload("B")}});
  stale.expected_versions["unit/read"] = 1;
  auto result = log_->Append(stale);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("stream=unit/read: expected version 1, found 2"));
  EXPECT_EQ(log_->GetHead().sequence, 3u);
  AppendRequest absent = Request("cmd-5", {Unit("unit/x")});
  absent.expected_versions["unit/never"] = kNoStream;
  MustAppend(absent);
}

TEST_F(EventLogTest, VersionsComeFromTheStreamIndexAfterReopen) {
  // Stream ids that prefix one another: the newest entry of "unit/a" must
  // not be taken from "unit/a2" (whose keys sort right after it).
  MustAppend(Request("cmd-1", {Unit("unit/a"), Unit("unit/a")}));
  MustAppend(
      Request("cmd-2", {Unit("unit/a2"), Unit("unit/a2"), Unit("unit/a2")}));
  MustAppend(Request("cmd-3", {Unit("unit/")}));
  // A record as earlier versions wrote it to the streams column family,
  // now stale: it must not be read.
  ASSERT_TRUE(log_->Close().ok());
  log_.reset();
  {
    auto db = RocksDb::Open(dir_.path(), false);
    ASSERT_TRUE(db.ok()) << db.status();
    rocksdb::WriteBatch batch;
    batch.Put((*db)->handle(Cf::kStreams), "unit/a", keys::Be64(7));
    ASSERT_TRUE((*db)->Write(&batch, true).ok());
    ASSERT_TRUE((*db)->Close().ok());
  }
  OpenLog();  // the version cache starts empty
  EXPECT_EQ(*log_->StreamVersion("unit/a"), 2u);
  AppendRequest stale = Request("cmd-4", {Unit("unit/a")});
  stale.expected_versions["unit/a"] = 3;
  auto refused = log_->Append(stale);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("stream=unit/a: expected version 3, found 2"));
  AppendRequest next = Request("cmd-5", {Unit("unit/a"), Unit("unit/a2"),
                                         Unit("unit/"), Unit("unit/new")});
  next.expected_versions["unit/a"] = 2;
  next.expected_versions["unit/a2"] = 3;
  next.expected_versions["unit/"] = 1;
  next.expected_versions["unit/new"] = kNoStream;
  const AppendResult r = MustAppend(next);
  EXPECT_EQ(r.stream_versions.Find("unit/a"), 3u);
  EXPECT_EQ(r.stream_versions.Find("unit/a2"), 4u);
  EXPECT_EQ(r.stream_versions.Find("unit/"), 2u);
  EXPECT_EQ(r.stream_versions.Find("unit/new"), 1u);
  EXPECT_EQ(*log_->StreamVersion("unit/a2"), 4u);
}

TEST_F(EventLogTest, BadInputIsRefusedBeforeAnythingIsWritten) {
  MustAppend(Request("cmd-0", {Unit("unit/A")}));
  const Head before = log_->GetHead();
  struct Case {
    const char* name;
    AppendRequest request;
    const char* message;
  };
  std::vector<Case> cases;
  cases.push_back(
      {"empty payload",
       Request("c", {Unit("unit/A"), NewEvent{"unit/A", kUnitType, ""}}),
       "event 2 (stream \"unit/A\", type reporting.v1."
       "UnitRegistered): payload is empty"});
  cases.push_back(
      {"oversized payload",
       Request("c", {NewEvent{"unit/A", kUnitType,
                              std::string(kMaxPayloadBytes + 1, 'x')}}),
       "the limit is 65536 bytes"});
  cases.push_back({"unknown type",
                   Request("c", {NewEvent{"unit/A", "reporting.v1.Nope",
                                          UnitPayload("U")}}),
                   "unknown event type \"reporting.v1.Nope\""});
  cases.push_back({"malformed payload",
                   Request("c", {NewEvent{"unit/A", kUnitType,
                                          std::string("\xff\xff\xff", 3)}}),
                   "does not parse as reporting.v1.UnitRegistered"});
  cases.push_back(
      {"no command id", Request("", {Unit("unit/A")}), "command id is empty"});
  AppendRequest no_actor = Request("c", {Unit("unit/A")});
  no_actor.actor.clear();
  cases.push_back({"no actor", no_actor, "actor is empty"});
  cases.push_back({"no events", Request("c", {}), "no events to append"});
  cases.push_back({"too many events",
                   Request("c", std::vector<NewEvent>(kMaxEventsPerAppend + 1,
                                                      Unit("unit/A"))),
                   "the limit is 10000"});
  cases.push_back(
      {"empty stream", Request("c", {Unit("")}), "stream id is empty"});
  cases.push_back({"NUL in stream",
                   Request("c", {Unit(std::string("unit/\0A", 7))}),
                   "NUL byte"});
  cases.push_back(
      {"long stream",
       Request("c", {Unit(std::string(kMaxStreamIdBytes + 1, 's'))}),
       "the limit is 256"});
  AppendRequest bad_read_set = Request("c", {Unit("unit/A")});
  bad_read_set.expected_versions[""] = 0;
  cases.push_back({"bad expected stream", bad_read_set, "stream id is empty"});
  for (const Case& c : cases) {
    auto result = log_->Append(c.request);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument)
        << c.name;
    EXPECT_THAT(std::string(result.status().message()), HasSubstr(c.message))
        << c.name;
  }
  EXPECT_EQ(log_->GetHead().sequence, before.sequence);
  EXPECT_EQ(log_->LookupCommand("c").status().code(),
            absl::StatusCode::kNotFound);
  // A payload of exactly the limit is fine: a string field of that size.
  v1::UnitRegistered big;
  big.set_name(std::string(kMaxPayloadBytes - 4, 'n'));
  ASSERT_EQ(big.SerializeAsString().size(), kMaxPayloadBytes);
  MustAppend(
      Request("big", {NewEvent{"unit/A", kUnitType, big.SerializeAsString()}}));
}

TEST_F(EventLogTest, ReadIsBoundedAndResumable) {
  for (int i = 0; i < 10; ++i) {
    MustAppend(Request("cmd-" + std::to_string(i), {Unit("unit/A")}));
  }
  auto first = log_->Read(1, ReadLimits{4, 1 << 20});
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 4u);
  EXPECT_EQ(first->back().sequence, 4u);
  auto rest = log_->Read(5);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 6u);
  EXPECT_EQ(rest->front().sequence, 5u);
  EXPECT_EQ(rest->front().hash,
            ChainHash((*first)[3].hash, rest->front().envelope));
  // A byte limit smaller than one event still returns one.
  auto one = log_->Read(3, ReadLimits{100, 1});
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one->front().sequence, 3u);
  const size_t size = one->front().envelope.size();
  auto two = log_->Read(3, ReadLimits{100, 2 * size + size / 2});
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->size(), 2u);
  EXPECT_TRUE(log_->Read(11)->empty());
  EXPECT_EQ(log_->Read(0).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EventLogTest, ReadStreamFollowsOneStream) {
  for (int i = 0; i < 6; ++i) {
    MustAppend(Request("cmd-" + std::to_string(i),
                       {Unit(i % 2 == 0 ? "unit/A" : "unit/AB")}));
  }
  auto a = log_->ReadStream("unit/A");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 3u);
  EXPECT_EQ((*a)[0].sequence, 1u);
  EXPECT_EQ((*a)[2].sequence, 5u);
  auto from2 = log_->ReadStream("unit/A", 2, ReadLimits{1, 1 << 20});
  ASSERT_TRUE(from2.ok());
  ASSERT_EQ(from2->size(), 1u);
  EXPECT_EQ(Parse(from2->front()).stream_version(), 2u);
  EXPECT_EQ(from2->front().sequence, 3u);
  EXPECT_TRUE(log_->ReadStream("unit/none")->empty());
  EXPECT_TRUE(log_->ReadStream("unit/A", 4)->empty());
  EXPECT_EQ(log_->ReadStream("").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->StreamVersion("").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(EventLogTest, ReadByTypeUsesTimeRangeAndResumes) {
  // recorded_at: 100, 300, 200, 200, 50 (by sequence), alternating types.
  const int64_t at[] = {100, 300, 200, 200, 50};
  for (int i = 0; i < 5; ++i) {
    AppendRequest r = Request("u" + std::to_string(i), {Unit("unit/A")});
    r.recorded_at_us = at[i];
    MustAppend(r);
    AppendRequest b =
        Request("b" + std::to_string(i),
                {NewEvent{"branch/B", kBranchType, BranchPayload("B")}});
    b.recorded_at_us = at[i];
    MustAppend(b);
  }
  // Units are sequences 1,3,5,7,9 at 100,300,200,200,50.
  auto all = log_->ReadByType(kUnitType, 0, 1000);
  ASSERT_TRUE(all.ok());
  std::vector<uint64_t> seqs;
  for (const StoredEvent& e : *all) seqs.push_back(e.sequence);
  EXPECT_EQ(seqs, (std::vector<uint64_t>{9, 1, 5, 7, 3}));

  auto window = log_->ReadByType(kUnitType, 100, 300);
  ASSERT_TRUE(window.ok());
  seqs.clear();
  for (const StoredEvent& e : *window) seqs.push_back(e.sequence);
  EXPECT_EQ(seqs, (std::vector<uint64_t>{1, 5, 7}));

  // Resume two at a time.
  seqs.clear();
  uint64_t after = 0;
  for (;;) {
    auto page =
        log_->ReadByType(kUnitType, 0, 1000, after, ReadLimits{2, 1 << 20});
    ASSERT_TRUE(page.ok()) << page.status();
    if (page->empty()) break;
    for (const StoredEvent& e : *page) seqs.push_back(e.sequence);
    after = page->back().sequence;
  }
  EXPECT_EQ(seqs, (std::vector<uint64_t>{9, 1, 5, 7, 3}));

  EXPECT_EQ(log_->ReadByType("reporting.v1.Nope", 0, 10).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->ReadByType(kUnitType, 0, 1000, 2).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(log_->ReadByType(kUnitType, 500, 100)->empty());
}

TEST_F(EventLogTest, WaitForAppendWakesOnAppendOrTimesOut) {
  Head h =
      log_->WaitForAppend(0, absl::Milliseconds(20), log_->WakeGeneration());
  EXPECT_EQ(h.sequence, 0u);
  std::thread writer([&] {
    absl::SleepFor(absl::Milliseconds(30));
    MustAppend(Request("cmd-1", {Unit("unit/A")}));
  });
  h = log_->WaitForAppend(0, absl::Seconds(20), log_->WakeGeneration());
  writer.join();
  EXPECT_EQ(h.sequence, 1u);
  EXPECT_EQ(h.hash, log_->GetHead().hash);
  // Already past: returns at once.
  EXPECT_EQ(log_->WaitForAppend(0, absl::Seconds(20), log_->WakeGeneration())
                .sequence,
            1u);
}

TEST_F(EventLogTest, VerifyWalksTheWholeChainWithProgress) {
  for (int i = 0; i < 30; ++i) {
    MustAppend(
        Request("cmd-" + std::to_string(i), {Unit("unit/A"), Unit("unit/B")}));
  }
  uint64_t last_done = 0, last_total = 0;
  ASSERT_TRUE(log_->Verify([&](uint64_t done, uint64_t total) {
                    last_done = done;
                    last_total = total;
                  })
                  .ok());
  EXPECT_EQ(last_done, 60u);
  EXPECT_EQ(last_total, 60u);
}

TEST_F(EventLogTest, FlippedByteIsDataLossNamingTheSequence) {
  for (int i = 0; i < 10; ++i) {
    MustAppend(Request("cmd-" + std::to_string(i), {Unit("unit/A")}));
  }
  CorruptEvent(4);
  // Open checks the tail (here the whole log) and refuses to serve.
  auto opened = EventLog::Open(dir_.path(), Options());
  ASSERT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(opened.status().message()),
              HasSubstr("sequence 4: stored hash does not match its bytes"));
  // Outside the checked tail, Open serves; Verify finds it.
  EventLogOptions o = Options();
  o.verify_tail_on_open = 3;
  OpenLog(o);
  absl::Status v = log_->Verify();
  ASSERT_EQ(v.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(v.message()),
              HasSubstr("event_log: verify node=371302 sequence 4: stored "
                        "hash does not match its bytes"));
}

TEST_F(EventLogTest, OpenChecksTheNodeAndTheOptions) {
  MustAppend(Request("cmd-1", {Unit("unit/A")}));
  ASSERT_TRUE(log_->Close().ok());
  EventLogOptions other = Options();
  other.node_id = "371311";
  EXPECT_EQ(EventLog::Open(dir_.path(), other).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EventLogOptions none = Options();
  none.node_id.clear();
  EXPECT_EQ(EventLog::Open(dir_.path(), none).status().code(),
            absl::StatusCode::kInvalidArgument);
  EventLogOptions no_create = Options();
  no_create.create_if_missing = false;
  EXPECT_FALSE(EventLog::Open(dir_.Sub("absent"), no_create).ok());
}

TEST_F(EventLogTest, SixteenConcurrentAppendersLeaveAGaplessChain) {
  constexpr int kThreads = 16, kEach = 40;
  std::vector<std::thread> threads;
  std::vector<std::vector<AppendResult>> results(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string stream = "unit/" + std::to_string(t % 4);
        std::vector<NewEvent> events = {Unit(stream)};
        if (i % 5 == 0) events.push_back(Unit("unit/shared"));
        results[t].push_back(MustAppend(Request(
            "t" + std::to_string(t) + "-" + std::to_string(i), events)));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<uint64_t> seqs;
  for (const auto& per_thread : results) {
    for (const AppendResult& r : per_thread) {
      for (uint64_t s = r.first_sequence; s <= r.last_sequence; ++s) {
        EXPECT_TRUE(seqs.insert(s).second) << s;
      }
    }
  }
  const uint64_t total = kThreads * kEach + kThreads * (kEach / 5);
  EXPECT_EQ(seqs.size(), total);
  EXPECT_EQ(*seqs.begin(), 1u);
  EXPECT_EQ(*seqs.rbegin(), total);
  EXPECT_EQ(log_->GetHead().sequence, total);
  ASSERT_TRUE(log_->Verify().ok());
  // Stream versions are consecutive too.
  auto shared = log_->ReadStream("unit/shared", 1, ReadLimits{10000, 1 << 30});
  ASSERT_TRUE(shared.ok());
  ASSERT_EQ(shared->size(), static_cast<size_t>(kThreads * (kEach / 5)));
  for (size_t i = 0; i < shared->size(); ++i) {
    EXPECT_EQ(Parse((*shared)[i]).stream_version(), i + 1);
  }
  // Group commit: appenders shared WAL syncs.
  auto* impl = dynamic_cast<EventLogImpl*>(log_.get());
  ASSERT_NE(impl, nullptr);
  EXPECT_LT(impl->sync_count(), static_cast<uint64_t>(kThreads * kEach));
  OpenLog();
  EXPECT_EQ(log_->GetHead().sequence, total);
}

TEST_F(EventLogTest, WithoutSyncAppendsStillChain) {
  EventLogOptions o = Options();
  o.sync = false;
  OpenLog(o);
  for (int i = 0; i < 5; ++i) {
    MustAppend(Request("cmd-" + std::to_string(i), {Unit("unit/A")}));
  }
  EXPECT_EQ(log_->GetHead().sequence, 5u);
  EXPECT_TRUE(log_->Verify().ok());
}

TEST_F(EventLogTest, CheckpointIsAnOpenableCopy) {
  for (int i = 0; i < 5; ++i) {
    MustAppend(Request("cmd-" + std::to_string(i), {Unit("unit/A")}));
  }
  ASSERT_TRUE(log_->Checkpoint(dir_.Sub("backup")).ok());
  MustAppend(Request("after", {Unit("unit/A")}));
  auto copy = EventLog::Open(dir_.Sub("backup"), Options());
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ((*copy)->GetHead().sequence, 5u);
  EXPECT_TRUE((*copy)->Verify().ok());
  EXPECT_EQ((*copy)->ReadOne(5)->hash, log_->ReadOne(5)->hash);
}

TEST_F(EventLogTest, CloseRefusesLaterCallsAndKeepsTheData) {
  MustAppend(Request("cmd-1", {Unit("unit/A")}));
  ASSERT_TRUE(log_->Close().ok());
  const auto kFailed = absl::StatusCode::kFailedPrecondition;
  EXPECT_EQ(log_->Append(Request("cmd-2", {Unit("unit/A")})).status().code(),
            kFailed);
  EXPECT_EQ(log_->Read(1).status().code(), kFailed);
  EXPECT_EQ(log_->ReadOne(1).status().code(), kFailed);
  EXPECT_EQ(log_->ReadStream("unit/A").status().code(), kFailed);
  EXPECT_EQ(log_->StreamVersion("unit/A").status().code(), kFailed);
  EXPECT_EQ(log_->ReadByType(kUnitType, 0, 1).status().code(), kFailed);
  EXPECT_EQ(log_->LookupCommand("cmd-1").status().code(), kFailed);
  EXPECT_EQ(log_->Verify().code(), kFailed);
  EXPECT_EQ(log_->Checkpoint(dir_.Sub("cp")).code(), kFailed);
  EXPECT_EQ(log_->Close().code(), kFailed);
  EXPECT_EQ(log_->GetHead().sequence, 1u);
  EXPECT_EQ(log_->WaitForAppend(1, absl::Seconds(10), log_->WakeGeneration())
                .sequence,
            1u);
  OpenLog();
  EXPECT_EQ(log_->GetHead().sequence, 1u);
  EXPECT_TRUE(log_->Verify().ok());
}

}  // namespace
}  // namespace reporting::storage
