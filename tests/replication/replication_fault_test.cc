// 12 real county-node processes append concurrently and push to a real
// city-aggregator over mutual TLS while the test SIGKILLs and restarts the
// city and the counties, and cuts one county's link (a TCP proxy that drops
// and stalls connections) while it keeps appending. At the end every city
// copy must equal its county's log byte for byte: same head sequence and
// hash, every event identical, no gap, no duplicate, both chains verify.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/replication/harness.h"
#include "tests/replication/tcp_proxy.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::replication_test {
namespace {

using std::chrono::milliseconds;

void SleepMs(int ms) { std::this_thread::sleep_for(milliseconds(ms)); }

TEST(ReplicationFaultTest, TwelveCountiesSurviveKillsAndCutsByteForByte) {
  const Binaries bin = Binaries::FromEnv();
  testutil::TempDir dir("replication-fault");
  const std::string certs = dir.Sub("certs");
  GenCerts(bin, certs);

  City city(bin, dir.Sub("city"), TlsArgs(certs, "city"));
  city.Start();
  TcpProxy proxy(city.port());
  const size_t kCut = kDemoNodes.size() - 1;  // this county dials the proxy

  std::vector<std::unique_ptr<County>> counties;
  for (size_t i = 0; i < kDemoNodes.size(); ++i) {
    const std::string& node = kDemoNodes[i];
    const std::string city_address =
        i == kCut ? absl::StrCat("127.0.0.1:", proxy.port()) : city.address();
    counties.push_back(
        std::make_unique<County>(bin, node, dir.Sub(node), city_address,
                                 TlsArgs(certs, "node-" + node)));
    counties.back()->Start();
  }
  std::vector<std::unique_ptr<Driver>> drivers;
  for (const auto& c : counties) {
    // The counties serve mutual TLS (their TLS flags): writers present the
    // node's clerk certificate.
    drivers.push_back(
        std::make_unique<Driver>(c->node_id(), c->address(), 25,
                                 ClientTls(certs, "clerk-" + c->node_id())));
  }

  const unsigned seed = std::random_device{}();
  std::printf("fault schedule seed: %u\n", seed);
  std::mt19937 rng(seed);
  auto between = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  int city_kills = 0, county_kills = 0, link_cuts = 0;
  // A fixed rotation so every kind of fault happens several times; the
  // victims and the timing are random.
  const char kSchedule[] = "ckdkcsksdcks";
  for (char fault : kSchedule) {
    if (fault == '\0') break;
    SleepMs(between(600, 1500));
    switch (fault) {
      case 'c':  // the city dies and comes back on the same port
        city.Kill();
        ++city_kills;
        SleepMs(between(200, 1200));
        city.Start();
        break;
      case 'k': {  // a county dies mid-append and restarts
        County& victim =
            *counties[between(0, static_cast<int>(counties.size()) - 1)];
        victim.Kill();
        ++county_kills;
        SleepMs(between(100, 800));
        victim.Start();
        break;
      }
      case 'd':  // the cut county's link drops, then heals
      case 's':  // the cut county's link hangs silently, then heals
        proxy.SetMode(fault == 'd' ? TcpProxy::Mode::kDrop
                                   : TcpProxy::Mode::kStall);
        ++link_cuts;
        SleepMs(between(1500, 4000));
        proxy.SetMode(TcpProxy::Mode::kDrop);  // end stalled connections
        SleepMs(50);
        proxy.SetMode(TcpProxy::Mode::kPass);
        break;
    }
  }
  // A last long cut while the county keeps appending, healed at the end:
  // cut off, it still acknowledges its clerks' commands (durable locally).
  proxy.SetMode(TcpProxy::Mode::kStall);
  ++link_cuts;
  const uint64_t before_cut = drivers[kCut]->acknowledged();
  SleepMs(3000);
  const uint64_t during_cut = drivers[kCut]->acknowledged() - before_cut;
  std::printf(
      "commands acknowledged by the cut-off county during the last "
      "cut: %llu\n",
      static_cast<unsigned long long>(during_cut));
  EXPECT_GE(during_cut, 25u) << "a county cut off from the city must keep "
                                "accepting commands (25/s for 3 s)";
  proxy.SetMode(TcpProxy::Mode::kDrop);
  SleepMs(50);
  proxy.SetMode(TcpProxy::Mode::kPass);
  SleepMs(1000);

  uint64_t acknowledged = 0;
  for (auto& d : drivers) {
    d->Stop();
    acknowledged += d->acknowledged();
  }
  std::printf(
      "faults injected: %d (city kills %d, county kills %d, link cuts %d)\n",
      city_kills + county_kills + link_cuts, city_kills, county_kills,
      link_cuts);
  std::printf("commands acknowledged by the counties: %llu\n",
              static_cast<unsigned long long>(acknowledged));

  // Wait until the city reports every node caught up with the head its
  // county last reported, and at least the last acknowledged sequence.
  auto channel =
      grpc::CreateChannel(city.address(), ClientTls(certs, "office"));
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool caught_up = false;
  std::string last_view;
  while (!caught_up && std::chrono::steady_clock::now() < deadline) {
    auto status = CityStatus(channel, "");
    if (status.ok()) {
      size_t current = 0;
      last_view.clear();
      for (const v1::NodeReplicationStatus& n : status->nodes()) {
        for (size_t i = 0; i < counties.size(); ++i) {
          if (n.node_id() != counties[i]->node_id()) continue;
          absl::StrAppend(&last_view, n.node_id(), ":", n.last_sequence(), "/",
                          n.county_head(), " ");
          if (n.last_sequence() >= drivers[i]->last_sequence() &&
              n.last_sequence() == n.county_head() &&
              n.state() != v1::REPLICATION_STATE_DIVERGED) {
            ++current;
          }
        }
      }
      caught_up = current == counties.size();
    }
    if (!caught_up) SleepMs(200);
  }
  ASSERT_TRUE(caught_up) << "the city did not catch up: " << last_view;

  for (auto& c : counties) c->Stop();
  city.Stop();

  uint64_t total = 0;
  for (size_t i = 0; i < counties.size(); ++i) {
    const County& c = *counties[i];
    absl::StatusOr<uint64_t> n =
        CompareLogs(c.node_id(), c.data_dir(),
                    absl::StrCat(city.data_dir(), "/nodes/", c.node_id()));
    ASSERT_TRUE(n.ok()) << n.status();
    EXPECT_GE(*n, drivers[i]->last_sequence()) << c.node_id();
    total += *n;
  }
  std::printf(
      "all %zu city copies are byte-identical to their counties' logs "
      "(%llu events compared, no gap, no duplicate)\n",
      counties.size(), static_cast<unsigned long long>(total));
  std::printf(
      "faults injected: %d (city kills %d, county kills %d, link cuts %d)\n",
      city_kills + county_kills + link_cuts, city_kills, county_kills,
      link_cuts);
  EXPECT_GE(city_kills, 3);
  EXPECT_GE(county_kills, 3);
  EXPECT_GE(link_cuts, 3);
}

}  // namespace
}  // namespace reporting::replication_test
