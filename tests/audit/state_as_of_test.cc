// StateAsOf folds a log prefix into a fresh projector: at every 10th
// sequence it equals the projection built incrementally up to there (the
// live read-model path), by sequence and by recorded time; the city scope
// is the sum of the nodes; the received-at axis sees a late upload late,
// and names the receipt that proves when.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "reporting/v1/envelope.pb.h"
#include "services/audit/county_log_source.h"
#include "services/audit/testing/audit_fixture.h"
#include "services/city/city_log_source.h"
#include "services/city/node_copies.h"
#include "services/common/grpc_status.h"
#include "services/projector/figures.h"
#include "services/projector/projector.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::audit {
namespace {

using services::FromGrpcStatus;
using testing::AuditServer;

constexpr char kToday[] = "2024-08-15";

std::unique_ptr<storage::EventLog> OpenLog(const std::string& dir,
                                           const std::string& node) {
  storage::EventLogOptions o;
  o.node_id = node;
  o.sync = false;
  auto log = storage::EventLog::Open(dir, o);
  EXPECT_TRUE(log.ok()) << log.status();
  return std::move(*log);
}

absl::StatusOr<v1::StateAsOfResponse> AsOf(AuditServer& s,
                                           const v1::StateAsOfRequest& r) {
  grpc::ClientContext ctx;
  v1::StateAsOfResponse out;
  absl::Status st = FromGrpcStatus(s.stub().StateAsOf(&ctx, r, &out));
  if (!st.ok()) return st;
  return out;
}

std::string Bytes(const google::protobuf::Message& m) {
  return projector::SerializeRow(m);
}

TEST(StateAsOfTest, EveryTenthSequenceEqualsTheIncrementalProjection) {
  testutil::TempDir dir("audit-asof");
  const std::string node = "371302";
  auto log = OpenLog(dir.Sub("log"), node);
  projector::HistoryOptions h;
  h.units = 5;
  h.max_members_per_unit = 6;
  projector::HistoryGenerator gen(node, 7, h);
  const uint64_t kEvents = 900;
  ASSERT_TRUE(testing::FillLog(*log, gen, kEvents, 1).ok());
  const std::vector<storage::StoredEvent> all = testing::ReadAll(*log);
  ASSERT_EQ(all.size(), kEvents);

  CountyLogSource source(node, log.get());
  AuditServer server(&source);
  projector::Projector live;  // the read models' incremental path
  std::map<std::string, v1::UnitRow> unit_rows;  // latest row per unit
  v1::EventEnvelope env;
  for (const storage::StoredEvent& e : all) {
    ASSERT_TRUE(env.ParseFromString(e.envelope));
    ASSERT_TRUE(live.Apply(env).ok());
    if (e.sequence % 10 != 0) continue;
    for (const projector::RowChange& row : live.FlushAll()) {
      if (row.table == projector::Table::kRows &&
          row.key.rfind(projector::kUnitRowPrefix, 0) == 0) {
        ASSERT_TRUE(unit_rows[row.key].ParseFromString(row.value));
      }
    }
    v1::NodeFigures want = live.AllNodeFigures()[node];
    projector::FinishForDay(kToday, want);

    v1::StateAsOfRequest r;
    r.set_as_of_sequence(e.sequence);
    r.set_today(kToday);
    // A unit that exists by now (the last one flushed), else none.
    std::string unit_id;
    if (!unit_rows.empty()) {
      auto it = unit_rows.begin();
      std::advance(it, (e.sequence / 10) % unit_rows.size());
      unit_id = it->second.unit_id();
      r.set_unit_id(unit_id);
    }
    auto got = AsOf(server, r);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(Bytes(got->figures()), Bytes(want))
        << "sequence " << e.sequence << "\n got "
        << got->figures().DebugString() << "\nwant " << want.DebugString();
    EXPECT_EQ(got->applied_to().at(node), e.sequence);
    EXPECT_EQ(got->events_applied(), e.sequence);
    EXPECT_EQ(got->today(), kToday);
    if (!unit_id.empty()) {
      ASSERT_TRUE(got->unit_found()) << unit_id;
      EXPECT_EQ(Bytes(got->unit()),
                Bytes(unit_rows[projector::UnitRowKey(node, unit_id)]))
          << "sequence " << e.sequence << " unit " << unit_id;
    }

    // The same cut by recorded time (one event per append: distinct times).
    ASSERT_TRUE(env.ParseFromString(e.envelope));
    v1::StateAsOfRequest t;
    t.set_as_of_us(env.recorded_at_us());
    t.set_axis(v1::TIME_AXIS_RECORDED);
    t.set_today(kToday);
    auto by_time = AsOf(server, t);
    ASSERT_TRUE(by_time.ok()) << by_time.status();
    EXPECT_EQ(Bytes(by_time->figures()), Bytes(want)) << e.sequence;
    EXPECT_EQ(by_time->applied_to().at(node), e.sequence);
  }
}

TEST(StateAsOfTest, CityScopeIsTheSumOfTheNodes) {
  testutil::TempDir dir("audit-asof-city");
  city::NodeCopies copies(dir.Sub("city"), /*sync=*/false);
  projector::Projector want_p;
  const std::vector<std::string> nodes = {"371302", "371311", "371312"};
  int64_t cut = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    auto log = OpenLog(dir.Sub(nodes[i]), nodes[i]);
    projector::HistoryGenerator gen(nodes[i], 100 + i);
    ASSERT_TRUE(testing::FillLog(*log, gen, 400, 4).ok());
    auto copy = copies.Get(nodes[i]);
    ASSERT_TRUE(copy.ok());
    ASSERT_TRUE(testing::CopyToReplica(*log, **copy, 1, 400, 1).ok());
    if (i == 0) {
      v1::EventEnvelope env;
      ASSERT_TRUE(env.ParseFromString(testing::ReadAll(*log)[250].envelope));
      cut = env.recorded_at_us();
    }
    v1::EventEnvelope env;
    for (const storage::StoredEvent& e : testing::ReadAll(*log)) {
      ASSERT_TRUE(env.ParseFromString(e.envelope));
      if (env.recorded_at_us() > cut && i == 0) break;
      if (i > 0 && env.recorded_at_us() > cut) break;
      ASSERT_TRUE(want_p.Apply(env).ok());
    }
  }
  want_p.FlushAll();
  v1::NodeFigures want_city;
  std::map<std::string, v1::NodeFigures> want_nodes = want_p.AllNodeFigures();
  for (auto& [id, f] : want_nodes) {
    projector::AddFigures(f, want_city);
    projector::FinishForDay(kToday, f);
  }
  projector::FinishForDay(kToday, want_city);

  city::CityLogSource source(&copies);
  AuditServer server(&source);
  v1::StateAsOfRequest r;
  r.set_as_of_us(cut);
  r.set_today(kToday);
  auto got = AsOf(server, r);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(Bytes(got->figures()), Bytes(want_city))
      << got->figures().DebugString() << "\nwant " << want_city.DebugString();
  ASSERT_EQ(got->nodes_size(), static_cast<int>(nodes.size()));
  for (const v1::NodeFigures& n : got->nodes()) {
    EXPECT_EQ(Bytes(n), Bytes(want_nodes[n.node_id()])) << n.node_id();
  }
  EXPECT_EQ(got->applied_to().size(), nodes.size());
  ASSERT_TRUE(copies.Close().ok());
}

// An offline county records events, uploads them later: as the city knew
// it (received-at) before the upload they are absent; as it happened
// (recorded-at) they are there.
TEST(StateAsOfTest, ReceivedAxisSeesALateUploadLate) {
  testutil::TempDir dir("audit-asof-bitemporal");
  const std::string node = "371302";
  auto log = OpenLog(dir.Sub("county"), node);
  projector::HistoryGenerator gen(node, 11);
  ASSERT_TRUE(testing::FillLog(*log, gen, 300, 1).ok());
  const std::vector<storage::StoredEvent> all = testing::ReadAll(*log);
  v1::EventEnvelope last;
  ASSERT_TRUE(last.ParseFromString(all.back().envelope));
  const int64_t online_until =
      last.recorded_at_us() - 100 * 1000000;  // ~100 events
  uint64_t online_last = 0;
  v1::EventEnvelope env;
  for (const auto& e : all) {
    ASSERT_TRUE(env.ParseFromString(e.envelope));
    if (env.recorded_at_us() <= online_until) online_last = e.sequence;
  }
  ASSERT_GT(online_last, 100u);
  ASSERT_LT(online_last, 300u);
  city::NodeCopies copies(dir.Sub("city"), /*sync=*/false);
  auto copy = copies.Get(node);
  ASSERT_TRUE(copy.ok());
  // Online: each event received a second after it was recorded. Offline
  // afterwards; everything else arrives in one upload a day later.
  for (const auto& e : all) {
    if (e.sequence > online_last) break;
    ASSERT_TRUE(env.ParseFromString(e.envelope));
    ASSERT_TRUE(
        (*copy)->AppendReplicated({e}, env.recorded_at_us() + 1000000).ok());
  }
  const int64_t upload = last.recorded_at_us() + 86400LL * 1000000;
  ASSERT_TRUE(
      testing::CopyToReplica(*log, **copy, online_last + 1, 300, upload).ok());

  city::CityLogSource source(&copies);
  AuditServer server(&source);
  v1::StateAsOfRequest r;
  r.set_node_id(node);
  r.set_as_of_us(upload - 1);
  r.set_axis(v1::TIME_AXIS_RECEIVED);
  auto known = AsOf(server, r);
  ASSERT_TRUE(known.ok()) << known.status();
  EXPECT_EQ(known->applied_to().at(node), online_last);
  // The receive time comes with its receipt: the one covering the last
  // event folded (one per online event, so its number is its sequence).
  const v1::Receipt& receipt = known->receipts().at(node);
  EXPECT_EQ(receipt.number(), online_last);
  EXPECT_EQ(receipt.last_sequence(), online_last);
  EXPECT_EQ(receipt.last_hash(), all[online_last - 1].hash);
  EXPECT_LE(receipt.received_at_us(), upload - 1);
  r.set_axis(v1::TIME_AXIS_RECORDED);
  auto happened = AsOf(server, r);
  ASSERT_TRUE(happened.ok()) << happened.status();
  EXPECT_EQ(happened->applied_to().at(node), 300u);
  r.set_axis(v1::TIME_AXIS_RECEIVED);
  r.set_as_of_us(upload);
  auto after = AsOf(server, r);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->applied_to().at(node), 300u);
  EXPECT_EQ(after->receipts().at(node).received_at_us(), upload);
  EXPECT_EQ(Bytes(after->figures()), Bytes(happened->figures()));
  EXPECT_NE(Bytes(known->figures()), Bytes(happened->figures()));
  ASSERT_TRUE(copies.Close().ok());
}

TEST(StateAsOfTest, Refusals) {
  testutil::TempDir dir("audit-asof-refusals");
  auto log = OpenLog(dir.Sub("county"), "371302");
  projector::HistoryGenerator gen("371302", 3);
  ASSERT_TRUE(testing::FillLog(*log, gen, 50, 5).ok());
  CountyLogSource county_source("371302", log.get());
  AuditServer county(&county_source);
  city::NodeCopies copies(dir.Sub("city"), false);
  city::CityLogSource city_source(&copies);
  AuditServer city(&city_source);
  auto code = [](AuditServer& s, const v1::StateAsOfRequest& r) {
    auto g = AsOf(s, r);
    return g.ok() ? absl::StatusCode::kOk : g.status().code();
  };
  v1::StateAsOfRequest r;
  EXPECT_EQ(code(county, r), absl::StatusCode::kInvalidArgument);  // no cut
  r.set_as_of_sequence(10);
  r.set_as_of_us(10);
  EXPECT_EQ(code(county, r), absl::StatusCode::kInvalidArgument);  // two cuts
  r.clear_as_of_sequence();
  r.set_axis(v1::TIME_AXIS_RECEIVED);
  EXPECT_EQ(code(county, r), absl::StatusCode::kFailedPrecondition);
  r = v1::StateAsOfRequest();
  r.set_as_of_sequence(51);
  EXPECT_EQ(code(county, r), absl::StatusCode::kOutOfRange);
  r.set_as_of_sequence(50);
  EXPECT_EQ(code(county, r), absl::StatusCode::kOk);
  r.set_today("15.08.2024");
  EXPECT_EQ(code(county, r), absl::StatusCode::kInvalidArgument);
  r.set_today("");
  r.set_unit_id("371311-U0001");
  EXPECT_EQ(code(county, r), absl::StatusCode::kInvalidArgument);
  r.set_unit_id("");
  r.set_node_id("371311");
  EXPECT_EQ(code(county, r), absl::StatusCode::kNotFound);
  EXPECT_EQ(code(city, r), absl::StatusCode::kNotFound);  // no such copy
  r.set_node_id("");
  EXPECT_EQ(code(city, r), absl::StatusCode::kInvalidArgument);  // seq: node
  ASSERT_TRUE(copies.Close().ok());
}

}  // namespace
}  // namespace reporting::audit
