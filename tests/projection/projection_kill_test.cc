// The city aggregator SIGKILLed in the middle of projecting, many times,
// while county nodes push: after the last restart and catch-up, the read
// models served by QueryService equal a from-scratch rebuild of the same
// node copies (`city-aggregator rebuild` on a copy of the data dir), and
// freshness reports the replication service's status (issue 5).
//
// The counties are real county-node processes with mutual TLS. Their logs
// grow between rounds by valid random histories (projector::HistoryGenerator,
// which applies the county's own decisions), appended to each county's log
// while the county is down; each round the counties start and push the new
// events while the city is killed at random moments: each kill waits for
// the read models to fall behind the copies, then a random few ms more.
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "reporting/v1/query.grpc.pb.h"
#include "services/projector/history_generator.h"
#include "storage/event_log.h"
#include "tests/replication/harness.h"
#include "tests/testutil/process.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::replication_test {
namespace {

constexpr int kNodes = 4;
// Rounds go on until at least kMinKills kills, kMinMidProjection of them
// with a projection backlog, or kMaxRounds (a failure then).
constexpr int kMinKills = 12;
constexpr int kMinMidProjection = 8;
constexpr int kMaxRounds = 20;
constexpr uint64_t kEventsPerRound = 4000;  // per node
// The day the queries compute overdue items for (after the histories'
// due dates, so some items are overdue).
constexpr char kToday[] = "2024-10-15";

// Appends the generator's next n events to a county's log (county-node
// stopped), as its own CommandService would: one append per 100 events.
void AppendHistory(const std::string& dir, projector::HistoryGenerator& gen,
                   uint64_t n) {
  storage::EventLogOptions o;
  o.node_id = gen.node_id();
  auto log = storage::EventLog::Open(dir, o);
  ASSERT_TRUE(log.ok()) << log.status();
  storage::AppendRequest req;
  req.actor = "clerk:kill-test";
  for (uint64_t i = 0; i < n; ++i) {
    v1::EventEnvelope e = gen.Next();
    if (req.events.empty()) req.recorded_at_us = e.recorded_at_us();
    req.events.push_back({e.stream_id(), e.event_type(), e.payload()});
    if (req.events.size() == 100 || i + 1 == n) {
      req.command_id =
          absl::StrCat("kill-", gen.node_id(), "-", gen.sequence());
      auto r = (*log)->Append(req);
      ASSERT_TRUE(r.ok()) << r.status();
      req.events.clear();
    }
  }
  ASSERT_TRUE((*log)->Close().ok());
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto c = std::make_unique<grpc::ClientContext>();
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return c;
}

absl::StatusOr<v1::FreshnessResponse> Freshness(v1::QueryService::Stub& q) {
  v1::FreshnessResponse r;
  grpc::Status s = q.GetFreshness(Context().get(), {}, &r);
  if (!s.ok()) return absl::UnavailableError(s.error_message());
  return r;
}

// Everything the office can ask, for one day.
struct Snapshot {
  v1::CityOverview overview;
  std::map<std::string, v1::NodeDetail> details;
  std::vector<v1::UnitRow> units;
  std::vector<v1::RectificationRow> items;
  v1::CensusSummary census;
};

// The overview's freshness carries the live replication status (a restarted
// city has seen no county yet); only what the read models reflect is
// compared.
void KeepProjectedFreshness(v1::CityOverview& overview) {
  for (v1::NodeFreshness& f : *overview.mutable_freshness()) {
    v1::NodeFreshness kept;
    kept.set_node_id(f.node_id());
    kept.set_copy_sequence(f.copy_sequence());
    kept.set_projected_sequence(f.projected_sequence());
    kept.set_projected_recorded_at_us(f.projected_recorded_at_us());
    f = std::move(kept);
  }
}

grpc::Status Take(v1::QueryService::Stub& q,
                  const std::vector<std::string>& nodes, Snapshot& out) {
  v1::GetCityOverviewRequest o;
  o.set_today(kToday);
  grpc::Status s = q.GetCityOverview(Context().get(), o, &out.overview);
  if (!s.ok()) return s;
  KeepProjectedFreshness(out.overview);
  for (const std::string& node : nodes) {
    v1::GetNodeDetailRequest d;
    d.set_node_id(node);
    d.set_today(kToday);
    v1::NodeDetail& detail = out.details[node];
    s = q.GetNodeDetail(Context().get(), d, &detail);
    if (!s.ok()) return s;
    // What the read models reflect; the live replication fields differ
    // between two aggregators by nature.
    v1::NodeFreshness f;
    f.set_node_id(detail.freshness().node_id());
    f.set_copy_sequence(detail.freshness().copy_sequence());
    f.set_projected_sequence(detail.freshness().projected_sequence());
    f.set_projected_recorded_at_us(
        detail.freshness().projected_recorded_at_us());
    *detail.mutable_freshness() = f;
  }
  v1::ListUnitsRequest u;
  u.set_page_size(500);
  do {
    v1::ListUnitsResponse r;
    s = q.ListUnits(Context().get(), u, &r);
    if (!s.ok()) return s;
    out.units.insert(out.units.end(), r.units().begin(), r.units().end());
    u.set_page_token(r.next_page_token());
  } while (!u.page_token().empty());
  v1::ListRectificationsRequest i;
  i.set_today(kToday);
  i.set_page_size(500);
  do {
    v1::ListRectificationsResponse r;
    s = q.ListRectifications(Context().get(), i, &r);
    if (!s.ok()) return s;
    out.items.insert(out.items.end(), r.items().begin(), r.items().end());
    i.set_page_token(r.next_page_token());
  } while (!i.page_token().empty());
  return q.GetCensusSummary(Context().get(), {}, &out.census);
}

// Retries while the aggregator answers UNAVAILABLE (a rebuild on start).
Snapshot TakeWhenServing(v1::QueryService::Stub& q,
                         const std::vector<std::string>& nodes) {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  for (;;) {
    Snapshot snap;
    grpc::Status s = Take(q, nodes, snap);
    if (s.ok()) return snap;
    if (s.error_code() != grpc::StatusCode::UNAVAILABLE ||
        absl::Now() > deadline) {
      ADD_FAILURE() << "query: " << s.error_message();
      return snap;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
}

// "" when equal, else what differs.
std::string Diff(const google::protobuf::Message& a,
                 const google::protobuf::Message& b) {
  std::string report;
  google::protobuf::util::MessageDifferencer d;
  d.ReportDifferencesToString(&report);
  d.Compare(a, b);
  return report;
}

template <typename Row>
int CompareRows(const char* what, const std::vector<Row>& live,
                const std::vector<Row>& rebuilt) {
  if (live.size() != rebuilt.size()) {
    ADD_FAILURE() << what << ": " << live.size() << " rows live, "
                  << rebuilt.size() << " rebuilt";
    return 1;
  }
  for (size_t k = 0; k < live.size(); ++k) {
    std::string d = Diff(live[k], rebuilt[k]);
    if (!d.empty()) {
      ADD_FAILURE() << what << " row " << k << " differs:\n" << d;
      return 1;
    }
  }
  return 0;
}

TEST(ProjectionKillTest, ReadModelsEqualARebuildAfterManyKills) {
  const Binaries bin = Binaries::FromEnv();
  testutil::TempDir dir("projection-kill");
  const std::string certs = dir.Sub("certs");
  GenCerts(bin, certs);
  const std::vector<std::string> nodes(kDemoNodes.begin(),
                                       kDemoNodes.begin() + kNodes);
  // The kill moments are random; the histories are fixed by their seeds.
  const uint64_t seed = std::random_device{}();
  std::printf("kill timing seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  auto random_ms = [&rng](int lo, int hi) {
    return absl::Milliseconds(lo + static_cast<int>(rng() % (hi - lo)));
  };

  City city(bin, dir.Sub("city"), TlsArgs(certs, "city"));
  std::vector<std::unique_ptr<County>> counties;
  std::vector<projector::HistoryGenerator> gens;
  projector::HistoryOptions history;
  history.units = 60;
  for (int k = 0; k < kNodes; ++k) {
    counties.push_back(std::make_unique<County>(
        bin, nodes[k], dir.Sub("county-" + nodes[k]), city.address(),
        TlsArgs(certs, "node-" + nodes[k])));
    gens.emplace_back(nodes[k], 7000 + k, history);
  }
  auto channel =
      grpc::CreateChannel(city.address(), ClientTls(certs, "office"));
  auto query = v1::QueryService::NewStub(channel);

  int kills = 0;
  int kills_mid_projection = 0;
  // Waits until the read models are behind the copies (the city is
  // projecting what the counties pushed) or `patience` passes, then a
  // further random moment, and kills the city. A kill counts as
  // mid-projection when the backlog was still there just before it.
  auto kill_city = [&](absl::Duration patience) {
    const absl::Time until = absl::Now() + patience;
    bool behind = false;
    while (!behind && absl::Now() < until) {
      absl::StatusOr<v1::FreshnessResponse> f = Freshness(*query);
      if (f.ok()) {
        for (const v1::NodeFreshness& n : f->nodes()) {
          behind = behind || n.projected_sequence() < n.copy_sequence();
        }
      }
      if (!behind) absl::SleepFor(absl::Milliseconds(2));
    }
    absl::SleepFor(random_ms(0, 3));
    absl::StatusOr<v1::FreshnessResponse> f = Freshness(*query);
    if (f.ok()) {
      for (const v1::NodeFreshness& n : f->nodes()) {
        if (n.projected_sequence() < n.copy_sequence()) {
          ++kills_mid_projection;
          break;
        }
      }
    }
    city.Kill();
    ++kills;
  };
  for (int round = 0;
       round < kMaxRounds &&
       (kills < kMinKills || kills_mid_projection < kMinMidProjection);
       ++round) {
    for (int k = 0; k < kNodes; ++k) {
      ASSERT_NO_FATAL_FAILURE(
          AppendHistory(counties[k]->data_dir(), gens[k], kEventsPerRound));
    }
    city.Start();
    for (auto& c : counties) c->Start();
    kill_city(random_ms(500, 1500));
    city.Start();
    kill_city(random_ms(300, 1000));
    for (auto& c : counties) c->Kill();
  }

  // Last restart: the counties push what is left, the city projects it.
  city.Start();
  for (auto& c : counties) c->Start();
  const absl::Time deadline = absl::Now() + absl::Seconds(45);
  bool caught_up = false;
  v1::FreshnessResponse fresh;
  while (!caught_up && absl::Now() < deadline) {
    absl::StatusOr<v1::FreshnessResponse> f = Freshness(*query);
    if (f.ok()) {
      fresh = *f;
      int done = 0;
      for (const v1::NodeFreshness& n : f->nodes()) {
        const uint64_t head =
            gens[std::find(nodes.begin(), nodes.end(), n.node_id()) -
                 nodes.begin()]
                .sequence();
        if (n.copy_sequence() == head && n.projected_sequence() == head &&
            n.county_head() == head && n.replication_state() == "CONNECTED") {
          ++done;
        }
      }
      caught_up = done == kNodes;
    }
    if (!caught_up) absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(caught_up) << "not caught up in 45 s: " << fresh.DebugString();

  // Freshness carries the replication service's per-node status.
  absl::StatusOr<v1::GetStatusResponse> status = CityStatus(channel, "");
  ASSERT_TRUE(status.ok()) << status.status();
  ASSERT_EQ(status->nodes_size(), kNodes);
  ASSERT_EQ(fresh.nodes_size(), kNodes);
  for (int k = 0; k < kNodes; ++k) {
    const v1::NodeReplicationStatus& r = status->nodes(k);
    const v1::NodeFreshness& f = fresh.nodes(k);
    EXPECT_EQ(f.node_id(), r.node_id());
    EXPECT_TRUE(f.has_replication()) << f.node_id();
    EXPECT_EQ(f.county_head(), r.county_head()) << f.node_id();
    EXPECT_EQ(f.copy_sequence(), r.last_sequence()) << f.node_id();
    EXPECT_EQ(f.lag_events(), 0u) << f.node_id();
    EXPECT_EQ(f.replication_state(),
              v1::ReplicationState_Name(r.state()).substr(
                  sizeof("REPLICATION_STATE_") - 1))
        << f.node_id();
    EXPECT_GT(f.last_contact_us(), 0) << f.node_id();
    EXPECT_LE(f.last_contact_us(), r.last_contact_us()) << f.node_id();
    EXPECT_GT(f.last_contact_us(),
              absl::ToUnixMicros(absl::Now() - absl::Seconds(60)))
        << f.node_id();
  }

  const Snapshot live = TakeWhenServing(*query, nodes);
  for (auto& c : counties) c->Stop();
  city.Stop();

  // From scratch: the node copies only, rebuilt by the subcommand, then
  // served by a second aggregator.
  City rebuilt(bin, dir.Sub("rebuilt"), TlsArgs(certs, "city"));
  std::filesystem::create_directories(rebuilt.data_dir());
  std::filesystem::copy(city.data_dir() + "/nodes",
                        rebuilt.data_dir() + "/nodes",
                        std::filesystem::copy_options::recursive);
  std::vector<std::string> argv = {bin.city, "rebuild",
                                   "--data_dir=" + rebuilt.data_dir()};
  for (const std::string& a : TlsArgs(certs, "city")) argv.push_back(a);
  testutil::Process rebuild(argv, dir.Sub("rebuild.log"));
  const int rebuild_status = rebuild.Wait(60000);
  ASSERT_TRUE(WIFEXITED(rebuild_status) && WEXITSTATUS(rebuild_status) == 0)
      << "city-aggregator rebuild: wait status " << rebuild_status;
  rebuilt.Start();
  auto rebuilt_query = v1::QueryService::NewStub(
      grpc::CreateChannel(rebuilt.address(), ClientTls(certs, "office")));
  const Snapshot scratch = TakeWhenServing(*rebuilt_query, nodes);
  rebuilt.Stop();

  uint64_t events = 0;
  for (const auto& g : gens) events += g.sequence();
  std::printf(
      "%d kills (%d while the read models were behind the copies), "
      "%llu events on %d nodes, %zu units, %zu rectification items\n",
      kills, kills_mid_projection, static_cast<unsigned long long>(events),
      kNodes, live.units.size(), live.items.size());
  EXPECT_GE(kills, kMinKills);
  // Most kills must land while the city projects (a few find the backlog
  // already gone on a fast round).
  EXPECT_GE(kills_mid_projection, kMinMidProjection);
  EXPECT_GT(live.units.size(), 0u);
  EXPECT_GT(live.items.size(), 0u);
  EXPECT_EQ(Diff(live.overview, scratch.overview), "");
  for (const std::string& node : nodes) {
    EXPECT_EQ(Diff(live.details.at(node), scratch.details.at(node)), "")
        << node;
  }
  CompareRows("units", live.units, scratch.units);
  CompareRows("rectification items", live.items, scratch.items);
  EXPECT_EQ(Diff(live.census, scratch.census), "");
}

}  // namespace
}  // namespace reporting::replication_test
