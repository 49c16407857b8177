// The city checks what it is sent (issue 20, point 5; ARCHITECTURE.md
// decision 10), on the real city-aggregator: forged, correctly chained
// logs pushed with a valid node certificate (the five events: a
// unit of 4e9 members, a stage jump, 1,000 satisfied of 1 respondent; and
// each of those rules alone) are
//   - kept: the city's copy equals the forged log byte for byte;
//   - quarantined: GetStatus says QUARANTINED with the sequence and the
//     rule, freshness carries the same, /metrics has the state, the log a
//     critical line; also after a restart and after a rebuild from scratch;
//   - not shown: no figure or listing of the office holds anything from
//     the broken event on;
// while a valid log pushed beside them is projected whole.
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "reporting/v1/query.grpc.pb.h"
#include "services/projector/history_generator.h"
#include "storage/event_log.h"
#include "tests/ops/ops_harness.h"
#include "tests/ops/prom_text.h"
#include "tests/replication/harness.h"
#include "tests/replication/push_client.h"
#include "tests/testutil/files.h"
#include "tests/testutil/process.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::replication_test {
namespace {

// A log made with the real storage code (so it chains correctly), as a
// forger holding a node's certificate would make it.
class ForgedLog {
 public:
  ForgedLog(const std::string& dir, const std::string& node)
      : dir_(dir), node_(node) {
    storage::EventLogOptions o;
    o.node_id = node;
    o.sync = false;
    auto log = storage::EventLog::Open(dir, o);
    EXPECT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
  }
  template <typename M>
  void Add(const std::string& stream, const M& payload) {
    storage::AppendRequest r;
    r.command_id = absl::StrCat("forged-", ++n_);
    r.actor = "clerk:forger";
    r.events.push_back(
        {stream, events::TypeOf<M>(), payload.SerializeAsString()});
    auto appended = log_->Append(r);
    EXPECT_TRUE(appended.ok()) << appended.status();
  }
  void Add(const v1::EventEnvelope& e) {
    storage::AppendRequest r;
    r.command_id = absl::StrCat("valid-", ++n_);
    r.actor = "clerk:test";
    r.recorded_at_us = e.recorded_at_us();
    r.events.push_back({e.stream_id(), e.event_type(), e.payload()});
    auto appended = log_->Append(r);
    EXPECT_TRUE(appended.ok()) << appended.status();
  }
  // Closes the log and returns its stored events.
  std::vector<storage::StoredEvent> Close() {
    auto all = log_->Read(1, storage::ReadLimits{100000, 1 << 30});
    EXPECT_TRUE(all.ok()) << all.status();
    EXPECT_TRUE(log_->Close().ok());
    return all.ok() ? *all : std::vector<storage::StoredEvent>{};
  }
  const std::string& dir() const { return dir_; }
  const std::string& node() const { return node_; }

 private:
  const std::string dir_;
  const std::string node_;
  std::unique_ptr<storage::EventLog> log_;
  int n_ = 0;
};

v1::NodeRegistered Node(const std::string& node) {
  v1::NodeRegistered n;
  n.set_node_id(node);
  n.set_name("县区");
  n.set_kind(v1::NODE_KIND_COUNTY);
  return n;
}

v1::UnitRegistered Unit(const std::string& unit, uint32_t members) {
  v1::UnitRegistered u;
  u.set_unit_id(unit);
  u.set_name("单位");
  u.set_batch(v1::BATCH_FIRST);
  u.set_member_count(members);
  u.set_category("机关");
  return u;
}

v1::TransitionMeetingHeld StageJump(const std::string& unit) {
  v1::TransitionMeetingHeld m;
  m.set_unit_id(unit);
  m.set_stage(v1::STAGE_STUDY_MOBILISATION);
  m.set_next_stage(v1::STAGE_RECTIFICATION_IMPROVEMENT);
  m.set_secretary_name("书记");
  m.set_held_on("2024-07-01");
  return m;
}

v1::SatisfactionSurveyRecorded ThousandOfOne(const std::string& unit) {
  v1::SatisfactionSurveyRecorded s;
  s.set_unit_id(unit);
  s.set_respondents(1);
  s.set_satisfied(1000);
  return s;
}

// Pushes the whole log in one batch with the node's own certificate;
// OK once acknowledged.
void Push(const std::string& address, const std::string& certs,
          const std::string& node,
          const std::vector<storage::StoredEvent>& events) {
  PushClient client(
      grpc::CreateChannel(address, ClientTls(certs, "node-" + node)));
  ASSERT_TRUE(client.Hello(node));
  v1::PushResponse r;
  ASSERT_TRUE(client.Read(&r) && r.has_cursor()) << node;
  ASSERT_TRUE(client.Batch(events));
  ASSERT_TRUE(client.Read(&r) && r.has_ack()) << node;
  EXPECT_EQ(r.ack().sequence(), events.back().sequence) << node;
  grpc::Status s = client.Finish();
  EXPECT_TRUE(s.ok()) << node << ": " << s.error_message();
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto c = std::make_unique<grpc::ClientContext>();
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return c;
}

// Freshness by node, once the read models answer and `done` holds (or
// after 30 s).
std::map<std::string, v1::NodeFreshness> FreshnessWhen(
    v1::QueryService::Stub& q,
    const std::function<bool(const std::map<std::string, v1::NodeFreshness>&)>&
        done) {
  std::map<std::string, v1::NodeFreshness> by_node;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    v1::FreshnessResponse r;
    if (q.GetFreshness(Context().get(), {}, &r).ok()) {
      by_node.clear();
      for (const v1::NodeFreshness& f : r.nodes()) by_node[f.node_id()] = f;
      if (done(by_node)) break;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  return by_node;
}

struct Expected {
  uint64_t sequence;  // where the rule breaks
  std::string rule;   // a part of the rule's text
};

TEST(ReplicationQuarantineTest, ForgedLogsAreKeptQuarantinedAndNotShown) {
  const Binaries bin = Binaries::FromEnv();
  testutil::TempDir dir("replication-quarantine");
  const std::string certs = dir.Sub("certs");
  GenCerts(bin, certs);
  const int metrics_port = testutil::FreePort();
  std::vector<std::string> args = TlsArgs(certs, "city");
  args.push_back(absl::StrCat("--metrics_listen=127.0.0.1:", metrics_port));
  City city(bin, dir.Sub("city"), args);
  city.Start();

  // The five forged events on one log: the first broken rule is
  // the unit of 4e9 members.
  const std::string a = "371302", b = "371311", c = "371312", ok = "371321";
  std::vector<std::unique_ptr<ForgedLog>> logs;
  logs.push_back(std::make_unique<ForgedLog>(dir.Sub("forged-" + a), a));
  {
    ForgedLog& l = *logs.back();
    const std::string unit = a + "-U0001";
    l.Add("node/" + a, Node(a));
    l.Add("unit/" + unit, Unit(unit, 4000000000u));
    l.Add("unit/" + unit, StageJump(unit));
    l.Add("unit/" + unit, ThousandOfOne(unit));
    l.Add("unit/" + unit, ThousandOfOne(unit));
  }
  // Each of the other two rules alone, after a valid start.
  logs.push_back(std::make_unique<ForgedLog>(dir.Sub("forged-" + b), b));
  {
    ForgedLog& l = *logs.back();
    const std::string unit = b + "-U0001";
    l.Add("node/" + b, Node(b));
    l.Add("unit/" + unit, Unit(unit, 5));
    l.Add("unit/" + unit, StageJump(unit));
  }
  logs.push_back(std::make_unique<ForgedLog>(dir.Sub("forged-" + c), c));
  {
    ForgedLog& l = *logs.back();
    const std::string unit = c + "-U0001";
    l.Add("node/" + c, Node(c));
    l.Add("unit/" + unit, Unit(unit, 5));
    l.Add("unit/" + unit, ThousandOfOne(unit));
  }
  // A valid log beside them (the county's own decisions).
  logs.push_back(std::make_unique<ForgedLog>(dir.Sub("valid-" + ok), ok));
  {
    projector::HistoryGenerator gen(ok, 5);
    for (int i = 0; i < 400; ++i) logs.back()->Add(gen.Next());
  }
  const std::map<std::string, Expected> expected = {
      {a, {2, "member_count 4000000000 is impossible"}},
      {b, {3, "next_stage is set by the node"}},
      {c, {3, "more than its 1 respondents"}},
  };
  std::map<std::string, uint64_t> heads;
  for (auto& l : logs) {
    std::vector<storage::StoredEvent> events = l->Close();
    heads[l->node()] = events.back().sequence;
    ASSERT_NO_FATAL_FAILURE(Push(city.address(), certs, l->node(), events));
  }

  auto channel =
      grpc::CreateChannel(city.address(), ClientTls(certs, "office"));
  auto query = v1::QueryService::NewStub(channel);
  auto settled = [&](const std::map<std::string, v1::NodeFreshness>& f) {
    if (f.size() != 4) return false;
    for (const auto& [node, e] : expected) {
      if (f.at(node).quarantine().sequence() != e.sequence) return false;
    }
    return f.at(ok).projected_sequence() == heads.at(ok);
  };
  // Freshness: the quarantine with its rule; projected stops before it; the
  // copy holds everything.
  auto check_freshness = [&](const char* when) {
    std::map<std::string, v1::NodeFreshness> f = FreshnessWhen(*query, settled);
    ASSERT_EQ(f.size(), 4u) << when;
    for (const auto& [node, e] : expected) {
      const v1::NodeFreshness& n = f.at(node);
      EXPECT_EQ(n.quarantine().sequence(), e.sequence) << when << " " << node;
      EXPECT_TRUE(absl::StrContains(n.quarantine().rule(), e.rule))
          << when << " " << node << ": " << n.quarantine().rule();
      EXPECT_EQ(n.projected_sequence(), e.sequence - 1) << when << " " << node;
      EXPECT_EQ(n.copy_sequence(), heads.at(node)) << when << " " << node;
      EXPECT_EQ(n.replication_state(), "QUARANTINED") << when << " " << node;
    }
    EXPECT_FALSE(f.at(ok).has_quarantine()) << f.at(ok).quarantine().rule();
    EXPECT_EQ(f.at(ok).projected_sequence(), heads.at(ok)) << when;
    EXPECT_NE(f.at(ok).replication_state(), "QUARANTINED") << when;
  };
  ASSERT_NO_FATAL_FAILURE(check_freshness("live"));

  // Replication status: QUARANTINED, the sequence and the rule in words.
  absl::StatusOr<v1::GetStatusResponse> status = CityStatus(
      grpc::CreateChannel(city.address(), ClientTls(certs, "office")), "");
  ASSERT_TRUE(status.ok()) << status.status();
  for (const v1::NodeReplicationStatus& s : status->nodes()) {
    auto e = expected.find(s.node_id());
    if (e == expected.end()) {
      EXPECT_NE(s.state(), v1::REPLICATION_STATE_QUARANTINED) << s.detail();
      continue;
    }
    EXPECT_EQ(s.state(), v1::REPLICATION_STATE_QUARANTINED) << s.node_id();
    EXPECT_TRUE(absl::StrContains(
        s.detail(), absl::StrCat("sequence ", e->second.sequence, " ")))
        << s.detail();
    EXPECT_TRUE(absl::StrContains(s.detail(), e->second.rule)) << s.detail();
    EXPECT_EQ(s.last_sequence(), heads.at(s.node_id()));
  }

  // Metrics and the log.
  absl::StatusOr<std::string> text =
      ops_test::HttpGet(metrics_port, "/metrics");
  ASSERT_TRUE(text.ok()) << text.status();
  absl::StatusOr<ops_test::Exposition> metrics =
      ops_test::ParsePrometheusText(*text);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  for (const auto& [node, e] : expected) {
    EXPECT_EQ(metrics->Value("reporting_replication_state",
                             {{"node", node}, {"state", "QUARANTINED"}}),
              1)
        << node;
  }
  EXPECT_EQ(metrics->Value("reporting_replication_state",
                           {{"node", ok}, {"state", "QUARANTINED"}}),
            -1);
  const std::string city_log = testutil::ReadFile(city.data_dir() + ".log");
  for (const auto& [node, e] : expected) {
    EXPECT_TRUE(absl::StrContains(city_log,
                                  absl::StrCat("node ", node, " QUARANTINED")))
        << node;
  }

  // Nothing from a broken event on reaches the office.
  v1::CityOverview overview;
  ASSERT_TRUE(query->GetCityOverview(Context().get(), {}, &overview).ok());
  std::map<std::string, v1::NodeFigures> figures;
  for (const v1::NodeFigures& n : overview.nodes()) figures[n.node_id()] = n;
  EXPECT_EQ(figures[a].units().registered(), 0u);  // the 4e9 unit
  EXPECT_EQ(figures[a].events_applied(), 1u);
  EXPECT_EQ(figures[b].units().registered(), 1u);
  EXPECT_EQ(figures[b].units().by_stage().at(v1::STAGE_STUDY_MOBILISATION), 1u);
  EXPECT_EQ(
      figures[b].units().by_stage().count(v1::STAGE_RECTIFICATION_IMPROVEMENT),
      0u);
  EXPECT_EQ(figures[c].units().surveyed(), 0u);
  EXPECT_EQ(figures[c].units().latest_survey_respondents(), 0u);
  EXPECT_EQ(figures[ok].events_applied(), heads.at(ok));
  v1::ListUnitsRequest list;
  list.set_page_size(1000);
  v1::ListUnitsResponse units;
  ASSERT_TRUE(query->ListUnits(Context().get(), list, &units).ok());
  for (const v1::UnitRow& u : units.units()) {
    EXPECT_LE(u.member_count(), 100000u) << u.unit_id();
    EXPECT_NE(u.node_id(), a) << u.unit_id();
    if (u.node_id() == b || u.node_id() == c) {
      EXPECT_EQ(u.stage(), v1::STAGE_STUDY_MOBILISATION) << u.unit_id();
      EXPECT_FALSE(u.has_survey()) << u.unit_id();
    }
  }

  // After a restart the quarantine holds (it is in the read models).
  city.Stop();
  city.Start();
  ASSERT_NO_FATAL_FAILURE(check_freshness("after a restart"));
  city.Stop();

  // The copies are the forged logs, byte for byte.
  for (auto& l : logs) {
    absl::StatusOr<uint64_t> compared = CompareLogs(
        l->node(), l->dir(), city.data_dir() + "/nodes/" + l->node());
    EXPECT_TRUE(compared.ok()) << compared.status();
  }

  // A rebuild from scratch finds the same quarantines.
  std::vector<std::string> argv = {bin.city, "rebuild",
                                   "--data_dir=" + city.data_dir()};
  for (const std::string& arg : TlsArgs(certs, "city")) argv.push_back(arg);
  testutil::Process rebuild(argv, dir.Sub("rebuild.log"));
  const int rebuilt = rebuild.Wait(60000);
  ASSERT_TRUE(WIFEXITED(rebuilt) && WEXITSTATUS(rebuilt) == 0) << rebuilt;
  city.Start();
  ASSERT_NO_FATAL_FAILURE(check_freshness("after a rebuild"));
  city.Stop();
}

}  // namespace
}  // namespace reporting::replication_test
