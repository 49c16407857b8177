// Clocks, the city's side (issue 21, point 4): a county whose clock runs a
// day ahead (the county's own injectable clock, TestNodeOptions::now_us:
// its commands are decided and recorded by it) replicates with its real
// replicator to the real city-aggregator, beside a county with a right
// clock. The city compares the recorded times with its receive times and
// flags the fast node: clock_skewed and recorded_ahead_seconds in
// GetStatus and freshness, gauges in /metrics, a warning in its log; the
// other node is not flagged.
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "reporting/v1/query.grpc.pb.h"
#include "services/county/replicator.h"
#include "services/county/testing/test_node.h"
#include "tests/ops/ops_harness.h"
#include "tests/ops/prom_text.h"
#include "tests/replication/harness.h"
#include "tests/testutil/files.h"
#include "tests/testutil/process.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::replication_test {
namespace {

constexpr char kFast[] = "371302";   // its clock a day ahead
constexpr char kRight[] = "371311";  // its clock right
constexpr int64_t kDayUs = 86400LL * 1000000;

TEST(ReplicationClockTest, ACountyClockADayAheadIsFlagged) {
  const Binaries bin = Binaries::FromEnv();
  testutil::TempDir dir("replication-clock");
  const std::string certs = dir.Sub("certs");
  GenCerts(bin, certs);
  const int metrics_port = testutil::FreePort();
  std::vector<std::string> args = TlsArgs(certs, "city");
  args.push_back("--clock_skew_threshold=60s");
  args.push_back(absl::StrCat("--metrics_listen=127.0.0.1:", metrics_port));
  City city(bin, dir.Sub("city"), args);
  city.Start();

  std::map<std::string, std::unique_ptr<county::testing::TestNode>> nodes;
  std::map<std::string, std::unique_ptr<county::Replicator>> replicators;
  for (const std::string node : {kFast, kRight}) {
    county::testing::TestNodeOptions o;
    o.node_id = node;
    if (node == kFast) {
      o.now_us = [] { return absl::ToUnixMicros(absl::Now()) + kDayUs; };
    }
    nodes[node] = std::make_unique<county::testing::TestNode>(o);
    nodes[node]->Register(node + "-U0001", 1, 3);
    county::ReplicatorOptions r;
    r.node_id = node;
    r.city = city.address();
    r.credentials = ClientTls(certs, "node-" + node);
    replicators[node] =
        std::make_unique<county::Replicator>(&nodes[node]->log(), r);
    replicators[node]->Start();
  }

  auto channel =
      grpc::CreateChannel(city.address(), ClientTls(certs, "office"));
  auto query = v1::QueryService::NewStub(channel);
  std::map<std::string, v1::NodeFreshness> fresh;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    v1::FreshnessResponse r;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(5));
    int done = 0;
    if (query->GetFreshness(&ctx, {}, &r).ok()) {
      for (const v1::NodeFreshness& f : r.nodes()) {
        fresh[f.node_id()] = f;
        done += f.copy_sequence() ==
                nodes.at(f.node_id())->log().GetHead().sequence;
      }
    }
    if (done == 2) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_EQ(fresh.size(), 2u);
  for (auto& [node, r] : replicators) r->Stop();

  // Freshness: the fast node flagged, with how far ahead it records.
  const v1::NodeFreshness& fast = fresh[kFast];
  EXPECT_TRUE(fast.clock_skewed()) << fast.DebugString();
  EXPECT_NEAR(fast.recorded_ahead_seconds(), 86400, 120) << fast.DebugString();
  const v1::NodeFreshness& right = fresh[kRight];
  EXPECT_FALSE(right.clock_skewed()) << right.DebugString();
  EXPECT_LT(right.recorded_ahead_seconds(), 60) << right.DebugString();
  EXPECT_GT(right.recorded_ahead_seconds(), -60) << right.DebugString();

  // GetStatus says the same.
  absl::StatusOr<v1::GetStatusResponse> status = CityStatus(
      grpc::CreateChannel(city.address(), ClientTls(certs, "office")), "");
  ASSERT_TRUE(status.ok()) << status.status();
  for (const v1::NodeReplicationStatus& s : status->nodes()) {
    EXPECT_EQ(s.clock_skewed(), s.node_id() == kFast) << s.DebugString();
  }

  // /metrics and the log.
  absl::StatusOr<std::string> text =
      ops_test::HttpGet(metrics_port, "/metrics");
  ASSERT_TRUE(text.ok()) << text.status();
  absl::StatusOr<ops_test::Exposition> m = ops_test::ParsePrometheusText(*text);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->Value("reporting_replication_clock_skewed", {{"node", kFast}}),
            1);
  EXPECT_EQ(m->Value("reporting_replication_clock_skewed", {{"node", kRight}}),
            0);
  EXPECT_GT(m->Value("reporting_replication_recorded_ahead_seconds",
                     {{"node", kFast}}),
            86000);
  city.Stop();
  const std::string log = testutil::ReadFile(city.data_dir() + ".log");
  EXPECT_TRUE(absl::StrContains(
      log, absl::StrCat("node ", kFast, ": its clock is off")))
      << log;
  EXPECT_FALSE(absl::StrContains(
      log, absl::StrCat("node ", kRight, ": its clock is off")));
}

}  // namespace
}  // namespace reporting::replication_test
