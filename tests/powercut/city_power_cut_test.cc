// city_power_cut_test [--self_check]: power cuts of the city aggregator
// while two counties push to it (issue 21: "a county's cursor never passes
// what the city can still lose").
//
// The city runs as city-aggregator-powercut (the city's main linked with
// storage/testing/power_cut_from_env.cc), so every database it opens
// journals what is durable (storage/testing/power_cut.h). Each of kCuts
// rounds: start the city, let it take pushes for a random while, SIGKILL
// it, read each county's replication cursor (the last sequence the city
// told it was durable; nothing can move it while the city is down), cut
// the city's files back to what a power loss may leave (half the cuts drop
// everything not durable, half a random part of it), and open each copy:
// its head must be at or past that cursor, and its chain must verify.
// The next round's city starts on what the cut left (so its read models
// and copies must open after any cut). At the end the counties' logs and
// the city's copies must be byte-identical. Prints "N power cuts, 0
// acknowledged events lost".
//
// --self_check: the same with the city's WAL sync off (--sync=false): the
// cuts must then lose events the city acknowledged (the test succeeds
// only when they do), so the harness is shown to bite.
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "reporting/v1/clerk.grpc.pb.h"
#include "services/common/grpc_status.h"
#include "spdlog/spdlog.h"
#include "storage/event_log.h"
#include "storage/testing/power_cut.h"
#include "tests/replication/harness.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::powercut_test {
namespace {

using replication_test::Binaries;
using replication_test::City;
using replication_test::County;
using replication_test::Driver;

constexpr int kCuts = 20;
const std::vector<std::string> kNodes = {"371302", "371311"};

// The county's replication cursor: the last sequence the city confirmed
// durable (clerk.proto ReplicationStatusView.acked_sequence).
absl::StatusOr<uint64_t> Cursor(const County& county) {
  auto channel =
      grpc::CreateChannel(county.address(), grpc::InsecureChannelCredentials());
  auto stub = v1::ClerkService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::ReplicationStatusView view;
  grpc::Status s = stub->GetReplicationStatus(
      &ctx, v1::GetReplicationStatusRequest(), &view);
  if (!s.ok()) return services::FromGrpcStatus(s);
  return view.acked_sequence();
}

// Opens the city's copy of `node` (the city is down): its durable head,
// after checking its chain.
absl::StatusOr<uint64_t> CopyHead(const std::string& city_dir,
                                  const std::string& node) {
  storage::EventLogOptions o;
  o.node_id = node;
  o.create_if_missing = false;
  auto log = storage::EventLog::Open(city_dir + "/nodes/" + node, o);
  if (!log.ok()) {
    // No copy yet: the node's first push never became durable.
    if (absl::IsInvalidArgument(log.status()) ||
        absl::IsNotFound(log.status())) {
      return 0;
    }
    return log.status();
  }
  const uint64_t head = (*log)->GetHead().sequence;
  if (absl::Status v = (*log)->Verify(); !v.ok()) return v;
  if (absl::Status c = (*log)->Close(); !c.ok()) return c;
  return head;
}

int Main(bool self_check) {
  spdlog::set_level(spdlog::level::warn);
  Binaries bin = Binaries::FromEnv();
  testutil::TempDir dir("city-power-cut");
  const std::string city_dir = dir.Sub("city");
  const std::string journal = dir.Sub("power-cut-journal");
  std::mt19937_64 rng(std::random_device{}());

  std::vector<std::string> city_flags = {"--insecure"};
  if (self_check) city_flags.push_back("--sync=false");
  auto city = std::make_unique<City>(bin, city_dir, city_flags);
  std::vector<std::unique_ptr<County>> counties;
  std::vector<std::unique_ptr<Driver>> drivers;
  for (const std::string& node : kNodes) {
    counties.push_back(
        std::make_unique<County>(bin, node, dir.Sub(node), city->address(),
                                 std::vector<std::string>{"--insecure"}));
    counties.back()->Start();
    drivers.push_back(
        std::make_unique<Driver>(node, counties.back()->address(), 300));
  }
  // Only the city journals: the counties started without it.
  setenv("REPORTING_POWER_CUT_JOURNAL", journal.c_str(), 1);

  uint64_t lost = 0;
  uint64_t acknowledged = 0;  // the cursors' sum over every cut
  storage::testing::PowerCutStats cut;
  int cuts = 0;
  for (int round = 1; round <= kCuts && lost == 0; ++round) {
    city->Start();
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 1200));
    city->Kill();
    ++cuts;
    // Acks the city sent before it died may still be on the wire.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    std::map<std::string, uint64_t> cursor;
    for (auto& county : counties) {
      absl::StatusOr<uint64_t> c = Cursor(*county);
      if (!c.ok()) {
        std::fprintf(stderr, "round %d: %s: %s\n", round,
                     county->node_id().c_str(), c.status().ToString().c_str());
        return 1;
      }
      cursor[county->node_id()] = *c;
    }
    const auto mode = self_check || rng() % 2 == 0
                          ? storage::testing::PowerCutMode::kDropUnsynced
                          : storage::testing::PowerCutMode::kRandom;
    absl::StatusOr<storage::testing::PowerCutStats> stats =
        storage::testing::ApplyPowerCut(journal, mode, rng);
    if (!stats.ok()) {
      std::fprintf(stderr, "round %d: %s\n", round,
                   stats.status().ToString().c_str());
      return 1;
    }
    cut.files_cut += stats->files_cut;
    cut.bytes_dropped += stats->bytes_dropped;
    cut.files_removed += stats->files_removed;
    cut.renames_undone += stats->renames_undone;
    for (const auto& [node, acked] : cursor) {
      absl::StatusOr<uint64_t> head = CopyHead(city_dir, node);
      if (!head.ok()) {
        std::fprintf(stderr, "round %d: copy of %s: %s\n", round, node.c_str(),
                     head.status().ToString().c_str());
        return 1;
      }
      acknowledged += acked;
      if (*head < acked) {
        std::fprintf(stderr,
                     "round %d: node %s: the city acknowledged up to %llu, "
                     "its copy holds %llu after the power cut\n",
                     round, node.c_str(),
                     static_cast<unsigned long long>(acked),
                     static_cast<unsigned long long>(*head));
        lost += acked - *head;
      }
    }
  }
  unsetenv("REPORTING_POWER_CUT_JOURNAL");
  std::printf(
      "%d power cuts, %llu acknowledged events lost (cursors summed over the "
      "cuts: %llu%s)\ncut: %llu files truncated (%llu bytes dropped), %llu "
      "files removed, %llu renames undone\n",
      cuts, static_cast<unsigned long long>(lost),
      static_cast<unsigned long long>(acknowledged),
      self_check ? "; sync off: the harness must find a loss" : "",
      static_cast<unsigned long long>(cut.files_cut),
      static_cast<unsigned long long>(cut.bytes_dropped),
      static_cast<unsigned long long>(cut.files_removed),
      static_cast<unsigned long long>(cut.renames_undone));
  if (self_check) {
    if (lost > 0) return 0;
    std::fprintf(stderr,
                 "self-check: %d power cuts of a city with sync off lost "
                 "nothing acknowledged: the harness does not bite\n",
                 cuts);
    return 1;
  }
  if (lost > 0) return 1;
  if (acknowledged < 1000 || cut.bytes_dropped + cut.files_removed == 0) {
    std::fprintf(stderr, "too little was acknowledged or cut to prove much\n");
    return 1;
  }

  // The city catches up, and every copy equals its county's log.
  for (auto& d : drivers) d->Stop();
  city->Start();
  for (size_t i = 0; i < counties.size(); ++i) {
    const uint64_t head = drivers[i]->last_sequence();
    bool caught_up = false;
    for (int t = 0; t < 600 && !caught_up; ++t) {
      absl::StatusOr<uint64_t> c = Cursor(*counties[i]);
      caught_up = c.ok() && *c >= head;
      if (!caught_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!caught_up) {
      std::fprintf(stderr, "node %s: the city did not catch up to %llu\n",
                   counties[i]->node_id().c_str(),
                   static_cast<unsigned long long>(head));
      return 1;
    }
  }
  city->Stop();
  for (auto& county : counties) {
    county->Stop();
    absl::StatusOr<uint64_t> compared =
        replication_test::CompareLogs(county->node_id(), county->data_dir(),
                                      city_dir + "/nodes/" + county->node_id());
    if (!compared.ok()) {
      std::fprintf(stderr, "%s\n", compared.status().ToString().c_str());
      return 1;
    }
    std::printf("node %s: %llu events identical at the city\n",
                county->node_id().c_str(),
                static_cast<unsigned long long>(*compared));
  }
  return 0;
}

}  // namespace
}  // namespace reporting::powercut_test

int main(int argc, char** argv) {
  const bool self_check = argc > 1 && std::strcmp(argv[1], "--self_check") == 0;
  return reporting::powercut_test::Main(self_check);
}
