// Verify finds a flipped byte in a stored event with its exact sequence,
// in a county's log and in a city's copy, and a moved receive time or a
// dropped receipt of a city's copy with the receipt's number
// (storage/event_log_testing.h); ChainHash and ListLogs report what the
// logs hold.
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "services/audit/county_log_source.h"
#include "services/audit/testing/audit_fixture.h"
#include "services/city/city_log_source.h"
#include "services/city/node_copies.h"
#include "services/common/grpc_status.h"
#include "storage/event_log_testing.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::audit {
namespace {

using services::FromGrpcStatus;
using testing::AuditServer;

constexpr char kNode[] = "371302";
constexpr uint64_t kEvents = 3000;
// Older than the 1024 events Open's tail check recomputes: only a full
// verification can find it.
constexpr uint64_t kBad = 1234;

std::unique_ptr<storage::EventLog> OpenLog(const std::string& dir) {
  storage::EventLogOptions o;
  o.node_id = kNode;
  o.sync = false;
  auto log = storage::EventLog::Open(dir, o);
  EXPECT_TRUE(log.ok()) << log.status();
  return log.ok() ? std::move(*log) : nullptr;
}

v1::VerifyResponse Verify(AuditServer& s, const std::string& node) {
  grpc::ClientContext ctx;
  v1::VerifyRequest r;
  r.set_node_id(node);
  v1::VerifyResponse out;
  absl::Status st = FromGrpcStatus(s.stub().Verify(&ctx, r, &out));
  EXPECT_TRUE(st.ok()) << st;
  return out;
}

void Fill(storage::EventLog& log) {
  projector::HistoryGenerator gen(kNode, 5);
  ASSERT_TRUE(testing::FillLog(log, gen, kEvents, 10).ok());
}

TEST(VerifyTest, FlippedByteInACountyLog) {
  testutil::TempDir dir("audit-verify-county");
  const std::string path = dir.Sub("log");
  {
    auto log = OpenLog(path);
    Fill(*log);
    CountyLogSource source(kNode, log.get());
    AuditServer server(&source);
    v1::VerifyResponse ok = Verify(server, "");
    EXPECT_TRUE(ok.ok()) << ok.message();
    EXPECT_EQ(ok.events_checked(), kEvents);
    EXPECT_EQ(ok.head_sequence(), kEvents);
    EXPECT_EQ(ok.head_hash(), log->GetHead().hash);
    ASSERT_TRUE(log->Close().ok());
  }
  ASSERT_TRUE(storage::testing::FlipEnvelopeByte(path, kBad, 40).ok());
  auto log = OpenLog(path);  // the tail check does not reach it
  ASSERT_NE(log, nullptr);
  CountyLogSource source(kNode, log.get());
  AuditServer server(&source);
  v1::VerifyResponse bad = Verify(server, kNode);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.first_bad_sequence(), kBad) << bad.message();
  EXPECT_EQ(bad.events_checked(), kBad - 1);
  EXPECT_NE(bad.message().find("1234"), std::string::npos) << bad.message();
  EXPECT_NE(bad.message().find("hash"), std::string::npos) << bad.message();
}

TEST(VerifyTest, FlippedByteInACityCopy) {
  testutil::TempDir dir("audit-verify-city");
  auto county = OpenLog(dir.Sub("county"));
  Fill(*county);
  {
    city::NodeCopies copies(dir.Sub("city"), false);
    auto copy = copies.Get(kNode);
    ASSERT_TRUE(copy.ok());
    ASSERT_TRUE(testing::CopyToReplica(*county, **copy, 1, kEvents, 7).ok());
    city::CityLogSource source(&copies);
    AuditServer server(&source);
    EXPECT_TRUE(Verify(server, kNode).ok());
    ASSERT_TRUE(copies.Close().ok());
  }
  ASSERT_TRUE(storage::testing::FlipEnvelopeByte(dir.Sub("city/nodes/") + kNode,
                                                 kBad + 1, 3, 0x80)
                  .ok());
  city::NodeCopies copies(dir.Sub("city"), false);
  city::CityLogSource source(&copies);
  AuditServer server(&source);
  v1::VerifyResponse bad = Verify(server, kNode);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.first_bad_sequence(), kBad + 1) << bad.message();
  // The county's own log is untouched: the two agree below the damage and
  // differ at it (what `reportctl audit verify` bisects with ChainHash).
  CountyLogSource county_source(kNode, county.get());
  AuditServer county_server(&county_source);
  EXPECT_TRUE(Verify(county_server, "").ok());
  ASSERT_TRUE(copies.Close().ok());
}

// A city copy of kEvents events received in six writes: six receipts.
void FillCopy(storage::EventLog& county, const std::string& city_dir) {
  city::NodeCopies copies(city_dir, false);
  auto copy = copies.Get(kNode);
  ASSERT_TRUE(copy.ok());
  for (uint64_t k = 0; k < 6; ++k) {
    ASSERT_TRUE(testing::CopyToReplica(county, **copy, k * 500 + 1,
                                       k * 500 + 500, 1000 * (k + 1))
                    .ok());
  }
  ASSERT_TRUE(copies.Close().ok());
}

v1::VerifyResponse VerifyCopy(const std::string& city_dir) {
  city::NodeCopies copies(city_dir, false);
  city::CityLogSource source(&copies);
  AuditServer server(&source);
  v1::VerifyResponse out = Verify(server, kNode);
  EXPECT_TRUE(copies.Close().ok());
  return out;
}

TEST(VerifyTest, AMovedReceiveTimeAndADroppedReceiptAreFoundByNumber) {
  testutil::TempDir dir("audit-verify-receipts");
  auto county = OpenLog(dir.Sub("county"));
  Fill(*county);
  FillCopy(*county, dir.Sub("moved"));
  v1::VerifyResponse ok = VerifyCopy(dir.Sub("moved"));
  EXPECT_TRUE(ok.ok()) << ok.message();
  EXPECT_EQ(ok.receipts_checked(), 6u);
  EXPECT_NE(ok.message().find("6 receipts"), std::string::npos) << ok.message();

  // Receipt 3's time moved a day later, its hash left as it was.
  ASSERT_TRUE(storage::testing::EditReceipt(
                  dir.Sub("moved/nodes/") + kNode, 3,
                  [](storage::Receipt& r) { r.received_at_us += 86400000000; })
                  .ok());
  v1::VerifyResponse moved = VerifyCopy(dir.Sub("moved"));
  EXPECT_FALSE(moved.ok());
  EXPECT_EQ(moved.first_bad_receipt(), 3u) << moved.message();
  EXPECT_EQ(moved.receipts_checked(), 2u);
  EXPECT_EQ(moved.message(),
            "node 371302 receipt 3: stored hash does not match its fields");

  // Moved and re-hashed: receipt 4 no longer links onto it.
  ASSERT_TRUE(storage::testing::EditReceipt(
                  dir.Sub("moved/nodes/") + kNode, 3, [](storage::Receipt&) {},
                  /*rehash=*/true)
                  .ok());
  v1::VerifyResponse rehashed = VerifyCopy(dir.Sub("moved"));
  EXPECT_EQ(rehashed.first_bad_receipt(), 4u) << rehashed.message();
  EXPECT_NE(rehashed.message().find("prev_hash"), std::string::npos);

  // Receipt 4 dropped.
  FillCopy(*county, dir.Sub("dropped"));
  ASSERT_TRUE(
      storage::testing::DeleteReceipt(dir.Sub("dropped/nodes/") + kNode, 4)
          .ok());
  v1::VerifyResponse dropped = VerifyCopy(dir.Sub("dropped"));
  EXPECT_FALSE(dropped.ok());
  EXPECT_EQ(dropped.first_bad_receipt(), 4u) << dropped.message();
  EXPECT_EQ(dropped.message(),
            "node 371302 receipt 4: missing (receipt 5 follows receipt 3)");
}

TEST(VerifyTest, ChainHashAndListLogs) {
  testutil::TempDir dir("audit-chainhash");
  auto log = OpenLog(dir.Sub("log"));
  Fill(*log);
  const std::vector<storage::StoredEvent> all = testing::ReadAll(*log);
  CountyLogSource source(kNode, log.get());
  AuditServer server(&source);
  for (uint64_t seq : {1ull, 17ull, 2999ull, 3000ull, 0ull}) {
    grpc::ClientContext ctx;
    v1::ChainHashRequest r;
    r.set_sequence(seq);
    v1::ChainHashResponse out;
    ASSERT_TRUE(server.stub().ChainHash(&ctx, r, &out).ok());
    const uint64_t at = seq == 0 ? kEvents : seq;
    EXPECT_EQ(out.sequence(), at);
    EXPECT_EQ(out.hash(), all[at - 1].hash);
    EXPECT_EQ(out.head_sequence(), kEvents);
    EXPECT_EQ(out.head_hash(), all.back().hash);
    EXPECT_EQ(out.node_id(), kNode);
  }
  {
    grpc::ClientContext ctx;
    v1::ChainHashRequest r;
    r.set_sequence(kEvents + 1);
    v1::ChainHashResponse out;
    EXPECT_EQ(server.stub().ChainHash(&ctx, r, &out).error_code(),
              grpc::StatusCode::OUT_OF_RANGE);
  }
  grpc::ClientContext ctx;
  v1::ListLogsResponse logs;
  ASSERT_TRUE(server.stub().ListLogs(&ctx, v1::ListLogsRequest(), &logs).ok());
  ASSERT_EQ(logs.logs_size(), 1);
  EXPECT_EQ(logs.logs(0).node_id(), kNode);
  EXPECT_EQ(logs.logs(0).head_sequence(), kEvents);
  EXPECT_EQ(logs.logs(0).head_hash(), all.back().hash);
  EXPECT_FALSE(logs.logs(0).diverged());

  // The city lists every copy with its divergence flag.
  city::NodeCopies copies(dir.Sub("city"), false);
  for (const std::string node : {"371311", "371302"}) {
    auto copy = copies.Get(node);
    ASSERT_TRUE(copy.ok());
  }
  ASSERT_TRUE(
      testing::CopyToReplica(*log, **copies.Get(kNode), 1, 100, 1).ok());
  ASSERT_TRUE(copies.MarkDiverged("371311", "test").ok());
  city::CityLogSource city_source(&copies);
  AuditServer city(&city_source);
  grpc::ClientContext ctx2;
  v1::ListLogsResponse city_logs;
  ASSERT_TRUE(
      city.stub().ListLogs(&ctx2, v1::ListLogsRequest(), &city_logs).ok());
  ASSERT_EQ(city_logs.logs_size(), 2);
  EXPECT_EQ(city_logs.logs(0).node_id(), "371302");
  EXPECT_EQ(city_logs.logs(0).head_sequence(), 100u);
  EXPECT_EQ(city_logs.logs(0).head_hash(), all[99].hash);
  EXPECT_FALSE(city_logs.logs(0).diverged());
  EXPECT_EQ(city_logs.logs(1).node_id(), "371311");
  EXPECT_TRUE(city_logs.logs(1).diverged());
  ASSERT_TRUE(copies.Close().ok());
}

}  // namespace
}  // namespace reporting::audit
