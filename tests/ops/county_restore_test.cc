// A county whose disk was lost is restored from the city's copy of its log:
// `reportctl audit export` from the city, `county-node restore` into a new
// data directory, then the node is started on it. It answers commands
// recorded before the loss as duplicates with their original sequences,
// appends at head + 1 on the same chain, and replication to the city
// continues without divergence (the copy and the restored log compare
// equal byte for byte).
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "reporting/v1/command.grpc.pb.h"
#include "reporting/v1/replication.grpc.pb.h"
#include "tests/ops/ops_harness.h"
#include "tests/replication/harness.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::ops_test {
namespace {

constexpr char kNode[] = "371302";

int RunToEnd(std::vector<std::string> argv, const std::string& log) {
  testutil::Process p(std::move(argv), log);
  const int status = p.Wait(120000);
  return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Waits until the city's copy of the node holds `head`; returns the copy's
// head and state.
v1::NodeReplicationStatus WaitCopied(const std::string& city, uint64_t head) {
  auto channel = grpc::CreateChannel(city, grpc::InsecureChannelCredentials());
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  v1::NodeReplicationStatus last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto status = replication_test::CityStatus(channel, kNode);
    if (status.ok() && status->nodes_size() == 1) {
      last = status->nodes(0);
      if (last.last_sequence() >= head) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return last;
}

TEST(CountyRestoreTest, LostCountyIsRestoredFromTheCityAndResumes) {
  testutil::TempDir dir("ops-county-restore");
  const int city_port = testutil::FreePort();
  const std::string city = absl::StrCat("127.0.0.1:", city_port);
  auto city_process =
      StartServing({BinaryFromEnv("CITY_BIN"), "--data_dir=" + dir.Sub("city"),
                    "--listen=" + city, "--insecure"},
                   dir.Sub("city.log"), city_port);
  auto county_args = [&](const std::string& data_dir, int port) {
    return std::vector<std::string>{BinaryFromEnv("COUNTY_BIN"),
                                    std::string("--node_id=") + kNode,
                                    "--data_dir=" + data_dir,
                                    absl::StrCat("--listen=127.0.0.1:", port),
                                    "--city=" + city,
                                    "--insecure"};
  };

  // Work on the original node, replicated to the city.
  int port = testutil::FreePort();
  auto county = StartServing(county_args(dir.Sub("county"), port),
                             dir.Sub("county.log"), port);
  constexpr int kUnits = 150;
  uint64_t head = 0;
  uint64_t unit7 = 0;
  {
    auto stub = v1::CommandService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
    for (int n = 0; n <= kUnits; ++n) {
      auto seq = replication_test::SendUnit(*stub, kNode, n);
      ASSERT_TRUE(seq.ok()) << seq.status();
      head = *seq;
      if (n == 7) unit7 = *seq;
    }
  }
  ASSERT_EQ(WaitCopied(city, head).last_sequence(), head);

  // The disk is lost; the node's signing keys were kept apart from its log
  // (docs/OPERATIONS.md "Signing keys").
  county->Kill();
  std::filesystem::copy(dir.Sub("county") + "/signing", dir.Sub("signing"));
  std::filesystem::remove_all(dir.Sub("county"));

  // Export from the city, restore into a new directory.
  const std::string file = dir.Sub("371302.jsonl");
  ASSERT_EQ(
      RunToEnd({BinaryFromEnv("REPORTCTL_BIN"), "audit", "export", "--target",
                city, "--node", kNode, "--out", file, "--insecure"},
               dir.Sub("export.log")),
      0)
      << ReadFile(dir.Sub("export.log"));
  const std::string restored = dir.Sub("county-restored");
  // Refused: an export of another node.
  EXPECT_EQ(
      RunToEnd({BinaryFromEnv("COUNTY_BIN"), "restore", "--node_id=371311",
                "--data_dir=" + dir.Sub("wrong"), "--from_export=" + file},
               dir.Sub("restore-wrong.log")),
      2);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("wrong")));
  ASSERT_EQ(RunToEnd({BinaryFromEnv("COUNTY_BIN"), "restore",
                      std::string("--node_id=") + kNode,
                      "--data_dir=" + restored, "--from_export=" + file},
                     dir.Sub("restore.log")),
            0)
      << ReadFile(dir.Sub("restore.log"));

  // The kept signing keys put back: the city recognises the node's key.
  std::filesystem::copy(dir.Sub("signing"), restored + "/signing");

  // Resume: the restored node serves, old commands are duplicates, new ones
  // continue the chain, and the city accepts them.
  port = testutil::FreePort();
  county = StartServing(county_args(restored, port),
                        dir.Sub("county-restored.log"), port);
  auto stub = v1::CommandService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  auto again = replication_test::SendUnit(*stub, kNode, 7);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, unit7);  // the original answer
  uint64_t new_head = head;
  for (int n = kUnits + 1; n <= kUnits + 20; ++n) {
    auto seq = replication_test::SendUnit(*stub, kNode, n);
    ASSERT_TRUE(seq.ok()) << seq.status();
    EXPECT_EQ(*seq, new_head + 1);
    new_head = *seq;
  }
  v1::NodeReplicationStatus status = WaitCopied(city, new_head);
  EXPECT_EQ(status.last_sequence(), new_head);
  EXPECT_NE(status.state(), v1::REPLICATION_STATE_DIVERGED) << status.detail();
  ASSERT_TRUE(StopCleanly(*county));
  ASSERT_TRUE(StopCleanly(*city_process));
  auto compared = replication_test::CompareLogs(
      kNode, restored, dir.Sub("city") + "/nodes/" + kNode);
  ASSERT_TRUE(compared.ok()) << compared.status();
  EXPECT_EQ(*compared, new_head);
}

}  // namespace
}  // namespace reporting::ops_test
