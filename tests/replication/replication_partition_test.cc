// Staleness the office can see (issue 21, point 3), through a real
// partition: a county-node in its own network namespace, joined to the
// test's namespace (where the city-aggregator runs) by two veth pairs: link
// 0 carries replication, link 1 the test's commands and status calls. Link
// 0 is set down for longer than the keepalives (city: 5 s ping + 5 s
// timeout; county: 5 s without an answer), silently: the city hears
// nothing and its stream stays open until its keepalive gives up.
//
//   - the city shows the node STALE within the documented bound
//     (--stale_after plus one heartbeat interval, 1 s), with its age, in
//     GetStatus, freshness, the overview and /metrics, and its lag_seconds
//     grows with the silence (so the lag alert can fire);
//   - the county, still taking commands, shows its lag growing;
//   - after the link is up again the county catches up and the copy equals
//     the county's log byte for byte.
//
// Plaintext (--insecure): the development certificates name only localhost
// and 127.0.0.1, not the test network's addresses; what is tested here is
// the link, not TLS.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "reporting/v1/clerk.grpc.pb.h"
#include "reporting/v1/query.grpc.pb.h"
#include "tests/ops/ops_harness.h"
#include "tests/ops/prom_text.h"
#include "tests/replication/harness.h"
#include "tests/replication/netns.h"
#include "tests/testutil/process.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::replication_test {
namespace {

constexpr char kNode[] = "371302";
constexpr int kStaleAfterSeconds = 3;
// Documented bound (services/city/README.md): STALE at most stale_after
// plus one heartbeat interval after the county's last message.
constexpr double kStaleBoundSeconds = kStaleAfterSeconds + 1;
constexpr int kPartitionSeconds = 15;

std::unique_ptr<grpc::ClientContext> Context() {
  auto c = std::make_unique<grpc::ClientContext>();
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  return c;
}

struct CityView {
  v1::NodeFreshness freshness;
  v1::NodeFreshness in_overview;
  bool ok = false;
};

CityView Look(v1::QueryService::Stub& q) {
  CityView v;
  v1::FreshnessResponse f;
  v1::CityOverview o;
  if (!q.GetFreshness(Context().get(), {}, &f).ok() ||
      !q.GetCityOverview(Context().get(), {}, &o).ok()) {
    return v;
  }
  for (const v1::NodeFreshness& n : f.nodes()) {
    if (n.node_id() == kNode) v.freshness = n, v.ok = true;
  }
  for (const v1::NodeFreshness& n : o.freshness()) {
    if (n.node_id() == kNode) v.in_overview = n;
  }
  return v;
}

absl::StatusOr<v1::ReplicationStatusView> CountyStatus(
    v1::ClerkService::Stub& clerk) {
  v1::ReplicationStatusView r;
  grpc::Status s = clerk.GetReplicationStatus(Context().get(), {}, &r);
  if (!s.ok()) return absl::UnavailableError(s.error_message());
  return r;
}

TEST(ReplicationPartitionTest, ASilentNodeIsStaleAndCatchesUpAfter) {
  const Binaries bin = Binaries::FromEnv();
  testutil::TempDir dir("replication-partition");
  const std::string name = absl::StrCat("rp", getpid());
  Netns ns(name, 100 + getpid() % 150, 2);

  const int city_port = testutil::FreePort();
  const int metrics_port = testutil::FreePort();
  const std::string city_dir = dir.Sub("city");
  testutil::Process city(
      {bin.city, "--data_dir=" + city_dir,
       absl::StrCat("--listen=0.0.0.0:", city_port), "--insecure",
       absl::StrCat("--stale_after=", kStaleAfterSeconds, "s"),
       absl::StrCat("--metrics_listen=127.0.0.1:", metrics_port)},
      city_dir + ".log");
  ASSERT_TRUE(testutil::WaitForPort(city_port, 20000));

  const int county_port = testutil::FreePort();
  const std::string county_dir = dir.Sub("county");
  auto county = std::make_unique<testutil::Process>(
      ns.Exec({bin.county, absl::StrCat("--node_id=", kNode),
               "--data_dir=" + county_dir,
               absl::StrCat("--listen=0.0.0.0:", county_port),
               absl::StrCat("--city=", ns.RootAddress(0), ":", city_port),
               "--insecure"}),
      county_dir + ".log");
  const std::string county_address =
      absl::StrCat(ns.InsideAddress(1), ":", county_port);
  ASSERT_TRUE(WaitForTcp(ns.InsideAddress(1), county_port, 20000));

  auto query = v1::QueryService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", city_port),
                          grpc::InsecureChannelCredentials()));
  auto clerk = v1::ClerkService::NewStub(
      grpc::CreateChannel(county_address, grpc::InsecureChannelCredentials()));
  auto driver = std::make_unique<Driver>(kNode, county_address, 20);

  // Connected and moving.
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  CityView v;
  while (absl::Now() < deadline) {
    v = Look(*query);
    if (v.ok && v.freshness.replication_state() == "CONNECTED" &&
        v.freshness.copy_sequence() >= 20) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_EQ(v.freshness.replication_state(), "CONNECTED")
      << v.freshness.DebugString();

  // The partition.
  ASSERT_TRUE(ns.SetLink(0, false).ok());
  const absl::Time cut = absl::Now();
  double stale_after = -1;  // seconds from the cut to STALE
  absl::StatusOr<v1::ReplicationStatusView> early, late;
  CityView stale_view;
  while (absl::Now() < cut + absl::Seconds(kPartitionSeconds)) {
    v = Look(*query);
    if (stale_after < 0 && v.ok && v.freshness.replication_state() == "STALE") {
      stale_after = absl::ToDoubleSeconds(absl::Now() - cut);
    }
    if (v.ok && v.freshness.replication_state() == "STALE") stale_view = v;
    if (!early.ok() && absl::Now() > cut + absl::Seconds(5)) {
      early = CountyStatus(*clerk);
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  late = CountyStatus(*clerk);
  absl::StatusOr<std::string> text =
      ops_test::HttpGet(metrics_port, "/metrics");

  // The city: STALE within the bound, with the age, everywhere.
  EXPECT_GE(stale_after, 0) << "never STALE: " << v.freshness.DebugString();
  EXPECT_LE(stale_after, kStaleBoundSeconds + 0.5);  // + the poll interval
  const v1::NodeFreshness& f = stale_view.freshness;
  EXPECT_EQ(f.replication_state(), "STALE");
  EXPECT_GT(f.silent_seconds(), kPartitionSeconds - 2) << f.DebugString();
  EXPECT_GE(f.lag_seconds(), f.silent_seconds()) << f.DebugString();
  EXPECT_GT(f.last_head_report_us(), 0);
  EXPECT_EQ(stale_view.in_overview.replication_state(), "STALE");
  EXPECT_GT(stale_view.in_overview.silent_seconds(), kPartitionSeconds - 2);
  absl::StatusOr<v1::GetStatusResponse> status =
      CityStatus(grpc::CreateChannel(absl::StrCat("127.0.0.1:", city_port),
                                     grpc::InsecureChannelCredentials()),
                 kNode);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->nodes(0).state(), v1::REPLICATION_STATE_STALE);
  EXPECT_GT(status->nodes(0).silent_seconds(), kPartitionSeconds - 1);
  ASSERT_TRUE(text.ok()) << text.status();
  absl::StatusOr<ops_test::Exposition> metrics =
      ops_test::ParsePrometheusText(*text);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_EQ(metrics->Value("reporting_replication_state",
                           {{"node", kNode}, {"state", "STALE"}}),
            1);
  const double silent =
      metrics->Value("reporting_replication_silent_seconds", {{"node", kNode}});
  EXPECT_GT(silent, kPartitionSeconds - 2);
  // The documented alert (lag_seconds > threshold) sees the silence.
  EXPECT_GE(
      metrics->Value("reporting_replication_lag_seconds", {{"node", kNode}}),
      silent);

  // The county: still taking commands, its lag growing.
  ASSERT_TRUE(early.ok()) << early.status();
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_GT(early->lag_events(), 0u);
  EXPECT_GT(late->lag_events(), early->lag_events());
  EXPECT_GT(late->lag_seconds(), early->lag_seconds());
  EXPECT_GT(late->lag_seconds(), kPartitionSeconds - 3);

  // The link again: caught up, CONNECTED, and the copies byte-identical.
  ASSERT_TRUE(ns.SetLink(0, true).ok());
  driver->Stop();
  const uint64_t head = driver->last_sequence();
  deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    v = Look(*query);
    if (v.ok && v.freshness.copy_sequence() == head &&
        v.freshness.replication_state() == "CONNECTED") {
      break;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(v.freshness.copy_sequence(), head) << v.freshness.DebugString();
  EXPECT_EQ(v.freshness.replication_state(), "CONNECTED");
  std::printf(
      "partition of %d s: the city showed STALE after %.1f s (bound %.1f s); "
      "the county's lag grew from %llu events / %.1f s to %llu events / "
      "%.1f s; caught up to sequence %llu\n",
      kPartitionSeconds, stale_after, kStaleBoundSeconds,
      static_cast<unsigned long long>(early->lag_events()),
      early->lag_seconds(), static_cast<unsigned long long>(late->lag_events()),
      late->lag_seconds(), static_cast<unsigned long long>(head));

  county->Signal(SIGTERM);
  EXPECT_EQ(county->Wait(20000), 0);
  city.Signal(SIGTERM);
  EXPECT_EQ(city.Wait(20000), 0);
  absl::StatusOr<uint64_t> compared =
      CompareLogs(kNode, county_dir, city_dir + "/nodes/" + kNode);
  ASSERT_TRUE(compared.ok()) << compared.status();
  EXPECT_EQ(*compared, head);
}

}  // namespace
}  // namespace reporting::replication_test
