// Replay with each filter equals a brute-force filter of the full log, at
// a county (its own log) and at the city (a copy, with receive times).
// The brute force parses every envelope and payload with protobuf
// reflection; the service scans the wire (payload_names.h). Both follow
// the rule of payload_names.h.
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "openssl/sha.h"
#include "proto/event_types.h"
#include "reporting/v1/envelope.pb.h"
#include "services/audit/county_log_source.h"
#include "services/audit/export_signer.h"
#include "services/audit/testing/audit_fixture.h"
#include "services/city/city_export_signer.h"
#include "services/city/city_log_source.h"
#include "services/city/node_copies.h"
#include "services/city/node_keys.h"
#include "services/export/export_seal.h"
#include "services/proof/key_history.h"
#include "services/proof/key_ring.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::audit {
namespace {

using testing::AuditServer;

constexpr char kNode[] = "371302";
constexpr uint64_t kEvents = 3000;
constexpr int64_t kReceivedBase = 1800000000000000;  // receive times

// The unit an id belongs to (ids.h grammar), "" for a unit id itself.
std::string UnitPart(const std::string& id) {
  const size_t last = id.rfind('-');
  return last == std::string::npos || last == id.find('-') ? ""
                                                           : id.substr(0, last);
}

struct Parsed {
  uint64_t sequence;
  v1::EventEnvelope env;
  std::set<std::string> units;    // units the payload names
  std::set<std::string> members;  // members the payload names
};

std::vector<Parsed> ParseAll(const std::vector<storage::StoredEvent>& all) {
  std::vector<Parsed> out;
  for (const storage::StoredEvent& e : all) {
    Parsed p;
    p.sequence = e.sequence;
    EXPECT_TRUE(p.env.ParseFromString(e.envelope));
    auto m = events::ParsePayload(p.env.event_type(), p.env.payload());
    EXPECT_TRUE(m.ok()) << m.status();
    const google::protobuf::Reflection* r = (*m)->GetReflection();
    const google::protobuf::Descriptor* d = (*m)->GetDescriptor();
    for (int i = 0; i < d->field_count(); ++i) {
      const google::protobuf::FieldDescriptor* f = d->field(i);
      if (f->is_repeated() ||
          f->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
        continue;
      }
      const std::string v = r->GetString(**m, f);
      if (f->name() == "unit_id") p.units.insert(v);
      if (f->name() == "member_id") p.members.insert(v);
      if (f->name() == "member_id" || f->name() == "branch_id" ||
          f->name() == "item_id" || f->name() == "meeting_id") {
        p.units.insert(UnitPart(v));
      }
    }
    p.units.erase("");
    out.push_back(std::move(p));
  }
  return out;
}

class ReplayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testutil::TempDir("audit-replay");
    storage::EventLogOptions o;
    o.node_id = kNode;
    o.sync = false;
    auto log = storage::EventLog::Open(dir_->Sub("county"), o);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = log->release();
    projector::HistoryOptions h;
    h.units = 6;
    h.max_members_per_unit = 8;
    projector::HistoryGenerator gen(kNode, 42, h);
    // Appends of 1..3 events: several events share a recorded_at.
    for (uint64_t done = 0; done < kEvents;) {
      const size_t n = 1 + done % 3;
      ASSERT_TRUE(testing::FillLog(*log_, gen, n, n).ok());
      done += n;
    }
    copies_ = new city::NodeCopies(dir_->Sub("city"), /*sync=*/false);
    auto copy = copies_->Get(kNode);
    ASSERT_TRUE(copy.ok());
    // Uploaded in three batches, received at three different times.
    ASSERT_TRUE(
        testing::CopyToReplica(*log_, **copy, 1, 1000, kReceivedBase).ok());
    ASSERT_TRUE(testing::CopyToReplica(*log_, **copy, 1001, 2000,
                                       kReceivedBase + 60000000)
                    .ok());
    ASSERT_TRUE(testing::CopyToReplica(*log_, **copy, 2001, kEvents,
                                       kReceivedBase + 120000000)
                    .ok());
    all_ = new std::vector<storage::StoredEvent>(testing::ReadAll(*log_));
    parsed_ = new std::vector<Parsed>(ParseAll(*all_));
    county_source_ = new CountyLogSource(kNode, log_);
    city_source_ = new city::CityLogSource(copies_);
  }
  static void TearDownTestSuite() {
    delete county_source_;
    delete city_source_;
    ASSERT_TRUE(copies_->Close().ok());
    delete copies_;
    delete log_;
    delete parsed_;
    delete all_;
    delete dir_;
  }

  // The sequences a brute-force filter keeps.
  static std::vector<uint64_t> Expect(
      const std::function<bool(const Parsed&)>& keep) {
    std::vector<uint64_t> out;
    for (const Parsed& p : *parsed_) {
      if (keep(p)) out.push_back(p.sequence);
    }
    return out;
  }

  // Replays at both servers; checks the events are the stored ones, in
  // order, with receive times at the city; returns the county's sequences
  // after checking the city's are equal.
  static std::vector<uint64_t> Replay(v1::ReplayRequest r) {
    std::vector<uint64_t> county_seqs;
    {
      AuditServer server(county_source_);
      auto batches = server.Replay(r);
      EXPECT_TRUE(batches.ok()) << batches.status();
      if (!batches.ok()) return {};
      county_seqs = Check(*batches, r, /*city=*/false);
    }
    r.set_node_id(kNode);
    AuditServer city(city_source_);
    auto batches = city.Replay(r);
    EXPECT_TRUE(batches.ok()) << batches.status();
    if (!batches.ok()) return {};
    EXPECT_EQ(Check(*batches, r, /*city=*/true), county_seqs);
    return county_seqs;
  }

  static std::vector<uint64_t> Check(
      const std::vector<v1::ReplayBatch>& batches, const v1::ReplayRequest& r,
      bool city) {
    std::vector<uint64_t> seqs;
    EXPECT_FALSE(batches.empty());
    const uint32_t limit = r.batch_size() == 0 ? 1000 : r.batch_size();
    // City: each receipt comes once, in order, before the events it covers.
    std::map<uint64_t, v1::Receipt> receipts;
    for (const v1::ReplayBatch& b : batches) {
      EXPECT_EQ(b.head_sequence(), kEvents);
      EXPECT_LE(static_cast<uint32_t>(b.events_size()), limit);
      EXPECT_FALSE(b.has_seal());  // not asked for
      for (const v1::Receipt& receipt : b.receipts()) {
        EXPECT_TRUE(city);
        EXPECT_TRUE(receipts.empty() ||
                    receipt.number() > receipts.rbegin()->first)
            << receipt.number();
        receipts[receipt.number()] = receipt;
      }
      for (const v1::AuditedEvent& e : b.events()) {
        if (city) {
          auto it = receipts.find(e.receipt_number());
          if (it == receipts.end()) {
            ADD_FAILURE() << "no receipt for sequence " << e.sequence();
            continue;
          }
          EXPECT_LE(it->second.first_sequence(), e.sequence());
          EXPECT_GE(it->second.last_sequence(), e.sequence());
          EXPECT_EQ(it->second.received_at_us(), e.received_at_us());
        } else {
          EXPECT_EQ(e.receipt_number(), 0u);
        }
        EXPECT_LE(e.sequence(), b.scanned_to());
        const storage::StoredEvent& stored = (*all_)[e.sequence() - 1];
        EXPECT_EQ(e.envelope(), stored.envelope) << e.sequence();
        EXPECT_EQ(e.hash(), stored.hash) << e.sequence();
        if (city) {
          const int64_t want = kReceivedBase + (e.sequence() > 2000 ? 120000000
                                                : e.sequence() > 1000 ? 60000000
                                                                      : 0);
          EXPECT_EQ(e.received_at_us(), want) << e.sequence();
        } else {
          EXPECT_EQ(e.received_at_us(), 0);
        }
        seqs.push_back(e.sequence());
      }
    }
    EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end()));
    const uint64_t to =
        r.to_sequence() == 0 ? kEvents : std::min(r.to_sequence(), kEvents);
    EXPECT_EQ(batches.back().scanned_to(), to);
    return seqs;
  }

  static testutil::TempDir* dir_;
  static storage::EventLog* log_;
  static city::NodeCopies* copies_;
  static std::vector<storage::StoredEvent>* all_;
  static std::vector<Parsed>* parsed_;
  static CountyLogSource* county_source_;
  static city::CityLogSource* city_source_;
};

testutil::TempDir* ReplayTest::dir_ = nullptr;
storage::EventLog* ReplayTest::log_ = nullptr;
city::NodeCopies* ReplayTest::copies_ = nullptr;
std::vector<storage::StoredEvent>* ReplayTest::all_ = nullptr;
std::vector<Parsed>* ReplayTest::parsed_ = nullptr;
CountyLogSource* ReplayTest::county_source_ = nullptr;
city::CityLogSource* ReplayTest::city_source_ = nullptr;

TEST_F(ReplayTest, NoFilterIsTheWholeLogInOrder) {
  v1::ReplayRequest r;
  EXPECT_EQ(Replay(r), Expect([](const Parsed&) { return true; }));
  r.set_batch_size(7);
  EXPECT_EQ(Replay(r), Expect([](const Parsed&) { return true; }));
}

TEST_F(ReplayTest, SequenceRange) {
  v1::ReplayRequest r;
  r.set_from_sequence(1234);
  r.set_to_sequence(2345);
  EXPECT_EQ(Replay(r), Expect([](const Parsed& p) {
              return p.sequence >= 1234 && p.sequence <= 2345;
            }));
  r.set_to_sequence(kEvents + 500);  // past the head: to the head
  EXPECT_EQ(Replay(r),
            Expect([](const Parsed& p) { return p.sequence >= 1234; }));
}

TEST_F(ReplayTest, Stream) {
  const std::string stream = (*parsed_)[100].env.stream_id();
  v1::ReplayRequest r;
  r.set_stream_id(stream);
  std::vector<uint64_t> want =
      Expect([&](const Parsed& p) { return p.env.stream_id() == stream; });
  ASSERT_GT(want.size(), 1u);
  EXPECT_EQ(Replay(r), want);
}

TEST_F(ReplayTest, UnitEveryUnit) {
  std::set<std::string> units;
  for (const Parsed& p : *parsed_) units.insert(p.units.begin(), p.units.end());
  ASSERT_GE(units.size(), 6u);
  for (const std::string& unit : units) {
    v1::ReplayRequest r;
    r.set_unit_id(unit);
    std::vector<uint64_t> want =
        Expect([&](const Parsed& p) { return p.units.count(unit) > 0; });
    ASSERT_FALSE(want.empty());
    EXPECT_EQ(Replay(r), want) << unit;
  }
}

TEST_F(ReplayTest, Member) {
  std::map<std::string, int> members;
  for (const Parsed& p : *parsed_) {
    for (const std::string& m : p.members) ++members[m];
  }
  ASSERT_GE(members.size(), 5u);
  int tried = 0;
  for (const auto& [member, count] : members) {
    if (++tried > 8) break;
    v1::ReplayRequest r;
    r.set_member_id(member);
    EXPECT_EQ(Replay(r), Expect([&](const Parsed& p) {
                return p.members.count(member) > 0;
              }))
        << member;
  }
}

TEST_F(ReplayTest, EventType) {
  std::set<std::string> types;
  for (const Parsed& p : *parsed_) types.insert(p.env.event_type());
  ASSERT_GE(types.size(), 10u);
  for (const std::string& type : types) {
    v1::ReplayRequest r;
    r.set_event_type(type);
    EXPECT_EQ(Replay(r), Expect([&](const Parsed& p) {
                return p.env.event_type() == type;
              }))
        << type;
  }
}

TEST_F(ReplayTest, RecordedAtRange) {
  const int64_t from = (*parsed_)[500].env.recorded_at_us();
  const int64_t to = (*parsed_)[1700].env.recorded_at_us();
  v1::ReplayRequest r;
  r.set_recorded_from_us(from);
  r.set_recorded_to_us(to);
  EXPECT_EQ(Replay(r), Expect([&](const Parsed& p) {
              return p.env.recorded_at_us() >= from &&
                     p.env.recorded_at_us() < to;
            }));
  r.set_recorded_to_us(0);  // open end
  EXPECT_EQ(Replay(r), Expect([&](const Parsed& p) {
              return p.env.recorded_at_us() >= from;
            }));
}

TEST_F(ReplayTest, Actor) {
  v1::ReplayRequest r;
  r.set_actor("clerk:b");
  std::vector<uint64_t> want =
      Expect([](const Parsed& p) { return p.env.actor() == "clerk:b"; });
  ASSERT_GT(want.size(), 100u);
  EXPECT_EQ(Replay(r), want);
}

TEST_F(ReplayTest, AllFiltersTogether) {
  const Parsed& pick = (*parsed_)[2200];
  const std::string unit = *pick.units.begin();
  v1::ReplayRequest r;
  r.set_from_sequence(300);
  r.set_to_sequence(2900);
  r.set_unit_id(unit);
  r.set_actor(pick.env.actor());
  r.set_recorded_from_us((*parsed_)[400].env.recorded_at_us());
  r.set_batch_size(3);
  std::vector<uint64_t> want = Expect([&](const Parsed& p) {
    return p.sequence >= 300 && p.sequence <= 2900 && p.units.count(unit) &&
           p.env.actor() == pick.env.actor() &&
           p.env.recorded_at_us() >= (*parsed_)[400].env.recorded_at_us();
  });
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(Replay(r), want);
}

// An interrupted replay resumed from scanned_to + 1 gives the same events.
TEST_F(ReplayTest, ResumeAfterInterruption) {
  for (const std::string& type :
       {std::string(), std::string("reporting.v1.MemberRegistered")}) {
    v1::ReplayRequest r;
    r.set_batch_size(type.empty() ? 50 : 5);
    r.set_event_type(type);
    AuditServer server(county_source_);
    std::vector<uint64_t> got;
    uint64_t resume = 0;
    {
      grpc::ClientContext ctx;
      auto reader = server.stub().Replay(&ctx, r);
      v1::ReplayBatch b;
      for (int i = 0; i < 3 && reader->Read(&b); ++i) {
        for (const auto& e : b.events()) got.push_back(e.sequence());
        resume = b.scanned_to() + 1;
      }
      ctx.TryCancel();
      reader->Finish().IgnoreError();
    }
    ASSERT_GT(resume, 1u);
    ASSERT_LT(resume, kEvents);
    r.set_from_sequence(resume);
    auto rest = server.Replay(r);
    ASSERT_TRUE(rest.ok()) << rest.status();
    for (const auto& b : *rest) {
      for (const auto& e : b.events()) got.push_back(e.sequence());
    }
    EXPECT_EQ(got, Expect([&](const Parsed& p) {
                return type.empty() || p.env.event_type() == type;
              }))
        << type;
  }
}

// The payload rule agrees with the stream layout: every event except the
// node's own names exactly the unit its stream belongs to.
TEST_F(ReplayTest, PayloadNamesTheStreamsUnit) {
  for (const Parsed& p : *parsed_) {
    const std::string& stream = p.env.stream_id();
    if (stream.rfind("node/", 0) == 0) {
      EXPECT_TRUE(p.units.empty()) << p.sequence;
      continue;
    }
    std::string id = stream.substr(stream.find('/') + 1);
    id = id.substr(0, id.find('/'));
    const std::string unit = UnitPart(id).empty() ? id : UnitPart(id);
    EXPECT_EQ(p.units, std::set<std::string>{unit})
        << p.sequence << " " << stream;
  }
}

TEST_F(ReplayTest, RefusalsBeforeAnythingIsRead) {
  AuditServer county(county_source_);
  AuditServer city(city_source_);
  auto code = [](AuditServer& s, const v1::ReplayRequest& r) {
    auto b = s.Replay(r);
    return b.ok() ? absl::StatusCode::kOk : b.status().code();
  };
  v1::ReplayRequest r;
  r.set_from_sequence(10);
  r.set_to_sequence(5);
  EXPECT_EQ(code(county, r), absl::StatusCode::kInvalidArgument);
  r = v1::ReplayRequest();
  r.set_unit_id("371302-X1");
  EXPECT_EQ(code(county, r), absl::StatusCode::kInvalidArgument);
  r.set_unit_id("371311-U0001");  // another node's unit
  EXPECT_EQ(code(county, r), absl::StatusCode::kInvalidArgument);
  r = v1::ReplayRequest();
  r.set_member_id("371302-U0001");
  EXPECT_EQ(code(county, r), absl::StatusCode::kInvalidArgument);
  r = v1::ReplayRequest();
  r.set_event_type("reporting.v1.SurveyRecorded");
  EXPECT_EQ(code(county, r), absl::StatusCode::kInvalidArgument);
  r = v1::ReplayRequest();
  r.set_recorded_from_us(20);
  r.set_recorded_to_us(10);
  EXPECT_EQ(code(county, r), absl::StatusCode::kInvalidArgument);
  r = v1::ReplayRequest();
  r.set_node_id("371311");  // a county holds only its own log
  EXPECT_EQ(code(county, r), absl::StatusCode::kNotFound);
  r.set_node_id("");  // the city needs a node
  EXPECT_EQ(code(city, r), absl::StatusCode::kInvalidArgument);
  r.set_node_id("bad id!");
  EXPECT_EQ(code(city, r), absl::StatusCode::kInvalidArgument);
  r.set_node_id("371399");  // no copy: NOT_FOUND, and none is created
  EXPECT_EQ(code(city, r), absl::StatusCode::kNotFound);
  EXPECT_EQ(copies_->Nodes(), std::vector<std::string>{kNode});
}

// From past the head: one empty batch that says so.
TEST_F(ReplayTest, FromPastTheHead) {
  AuditServer server(county_source_);
  v1::ReplayRequest r;
  r.set_from_sequence(kEvents + 1);
  auto b = server.Replay(r);
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(b->size(), 1u);
  EXPECT_EQ((*b)[0].events_size(), 0);
  EXPECT_EQ((*b)[0].head_sequence(), kEvents);
}

// A filter that matches little still reports progress now and then.
TEST_F(ReplayTest, FilteredReplayReportsProgress) {
  AuditServiceOptions o = AuditServer::Plaintext();
  o.replay.progress_every = 500;
  AuditServer server(county_source_, o);
  v1::ReplayRequest r;
  r.set_event_type("reporting.v1.NodeRegistered");
  auto b = server.Replay(r);
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_GE(b->size(), kEvents / 500);
  EXPECT_EQ(b->front().events_size(), 1);
  EXPECT_EQ(b->back().scanned_to(), kEvents);
}

// Messages stay within the byte bound (here made small).
TEST_F(ReplayTest, BatchesAreBoundedInBytes) {
  AuditServiceOptions o = AuditServer::Plaintext();
  o.replay.max_batch_bytes = 4096;
  AuditServer server(county_source_, o);
  v1::ReplayRequest r;
  auto b = server.Replay(r);
  ASSERT_TRUE(b.ok()) << b.status();
  uint64_t n = 0;
  for (const v1::ReplayBatch& batch : *b) {
    size_t bytes = 0;
    for (const auto& e : batch.events())
      bytes += e.envelope().size() + e.hash().size();
    if (batch.events_size() > 1) {
      EXPECT_LE(bytes, 4096u + 2000u);
    }
    n += batch.events_size();
  }
  EXPECT_EQ(n, kEvents);
  EXPECT_GT(b->size(), kEvents / 40);
}

}  // namespace
}  // namespace reporting::audit

namespace reporting::audit {
namespace {

std::string Sha256(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         digest);
  return std::string(reinterpret_cast<char*>(digest), SHA256_DIGEST_LENGTH);
}

// A sealed replay: the last message carries the server's signed seal of
// exactly what it sent; the county anchors it to its head, signed now.
TEST_F(ReplayTest, ASealedReplaySignsWhatItSent) {
  testutil::TempDir keys_dir("audit-replay-keys");
  auto county_keys = proof::KeyRing::Open(keys_dir.Sub("county"), kNode);
  ASSERT_TRUE(county_keys.ok()) << county_keys.status();
  CountyExportSigner county_signer(kNode, county_keys->get(), nullptr);
  auto city_keys = proof::KeyRing::Open(keys_dir.Sub("city"), "city");
  ASSERT_TRUE(city_keys.ok()) << city_keys.status();
  city::NodeKeys node_keys(keys_dir.Sub("city-data"));
  city::CityExportSigner city_signer(city_keys->get(), copies_, &node_keys);

  v1::ReplayRequest r;
  r.set_node_id(kNode);
  r.set_event_type("reporting.v1.MemberRegistered");
  r.set_seal(true);
  for (bool city : {false, true}) {
    SCOPED_TRACE(city ? "city" : "county");
    AuditServiceOptions o = AuditServer::Plaintext();
    o.signer =
        city ? static_cast<const ExportSigner*>(&city_signer) : &county_signer;
    AuditServer server(
        city ? static_cast<const LogSource*>(city_source_) : county_source_, o);
    auto batches = server.Replay(r);
    ASSERT_TRUE(batches.ok()) << batches.status();
    std::string hashes, receipt_hashes;
    uint64_t count = 0, receipts = 0;
    for (size_t i = 0; i < batches->size(); ++i) {
      const v1::ReplayBatch& b = (*batches)[i];
      EXPECT_EQ(b.has_seal(), i + 1 == batches->size());
      for (const v1::AuditedEvent& e : b.events()) {
        hashes += e.hash();
        ++count;
      }
      for (const v1::Receipt& receipt : b.receipts()) {
        receipt_hashes += receipt.hash();
        ++receipts;
      }
    }
    ASSERT_GT(count, 0u);
    const v1::ExportSeal& seal = batches->back().seal();
    EXPECT_EQ(seal.signer(), city ? "city" : kNode);
    EXPECT_EQ(seal.node_id(), kNode);
    EXPECT_EQ(seal.count(), count);
    EXPECT_EQ(seal.events_digest(), Sha256(hashes));
    EXPECT_EQ(seal.receipt_count(), receipts);
    EXPECT_EQ(seal.receipts_digest(), Sha256(receipt_hashes));
    EXPECT_EQ(receipts > 0, city);
    EXPECT_EQ(seal.log_head_sequence(), kEvents);
    ASSERT_EQ(seal.filters_size(), 1);
    EXPECT_EQ(seal.filters().at("event_type"), "reporting.v1.MemberRegistered");
    EXPECT_TRUE(proof::VerifyWithKey(seal.signer_keys(), seal.key_number(),
                                     ManifestStatement(seal), seal.signature(),
                                     "seal")
                    .ok());
    if (city) {
      // The city holds no head signed by this node (none was pushed).
      EXPECT_FALSE(seal.has_node_head());
    } else {
      EXPECT_EQ(seal.node_head().sequence(), kEvents);
      EXPECT_EQ(seal.node_head().hash(), (*all_)[kEvents - 1].hash);
      EXPECT_TRUE(
          proof::VerifySignedHead(seal.node_head(), seal.node_keys()).ok());
    }
  }
  // Keys: the county's own history and newest signed head.
  AuditServiceOptions o = AuditServer::Plaintext();
  o.signer = &county_signer;
  AuditServer server(county_source_, o);
  grpc::ClientContext ctx;
  v1::KeysResponse keys;
  ASSERT_TRUE(server.stub().Keys(&ctx, v1::KeysRequest(), &keys).ok());
  EXPECT_EQ(keys.signer(), kNode);
  EXPECT_EQ(keys.keys().keys(0).public_key(),
            (*county_keys)->history().keys(0).public_key());
}

TEST_F(ReplayTest, ASealNeedsASigningKey) {
  AuditServer server(county_source_);
  v1::ReplayRequest r;
  r.set_seal(true);
  auto batches = server.Replay(r);
  EXPECT_EQ(batches.status().code(), absl::StatusCode::kFailedPrecondition);
  grpc::ClientContext ctx;
  v1::KeysResponse keys;
  EXPECT_EQ(server.stub().Keys(&ctx, v1::KeysRequest(), &keys).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

}  // namespace
}  // namespace reporting::audit
