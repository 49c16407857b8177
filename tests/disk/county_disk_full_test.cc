// A county node whose data directory is a small tmpfs (mounted by the
// test; CI runs as root), under a steady stream of commands, while the
// test fills the disk and frees it again (issue 21: a full disk crashed
// the process, and nothing resumed without a restart):
// - below --disk_reserve_mb, commands are refused with RESOURCE_EXHAUSTED
//   naming the data directory, the free and reserved bytes and what to do;
//   health has CommandService NOT_SERVING (the server SERVING), metrics
//   reporting_disk_full 1, status disk_full; reads go on; the process
//   stays up; once space is freed commands are taken again, no restart;
// - with no reserve, RocksDB itself meets ENOSPC: the same, no abort
//   (also on SIGTERM while full);
// - started on a full disk, the node says so and exits 2;
// and afterwards every acknowledged command is in the log, which verifies.
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "reporting/v1/clerk.grpc.pb.h"
#include "services/common/probe_client.h"
#include "storage/event_log.h"
#include "tests/disk/command_writer.h"
#include "tests/disk/small_disk.h"
#include "tests/ops/ops_harness.h"
#include "tests/ops/prom_text.h"
#include "tests/testutil/files.h"
#include "tests/testutil/process.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::disk_test {
namespace {

constexpr char kNode[] = "371302";
constexpr uint64_t kDiskBytes = 48 << 20;

bool Eventually(const std::function<bool()>& done, int seconds) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

class CountyDiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(disk_.ok()) << disk_.error(); }

  void Start(int reserve_mb) {
    node_ = ops_test::StartServing(
        {ops_test::BinaryFromEnv("COUNTY_BIN"),
         absl::StrCat("--node_id=", kNode), "--data_dir=" + data_dir_,
         absl::StrCat("--listen=", address()),
         absl::StrCat("--metrics_listen=127.0.0.1:", metrics_port_),
         "--insecure", absl::StrCat("--disk_reserve_mb=", reserve_mb)},
        log_, port_);
    channel_ =
        grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  bool Alive() { return node_ != nullptr && node_->Wait(0) == -1; }

  std::string Health(const std::string& service) {
    absl::StatusOr<std::string> h = services::CheckHealth(channel_, service);
    return h.ok() ? *h : h.status().ToString();
  }

  double DiskFullMetric() {
    absl::StatusOr<std::string> text =
        ops_test::HttpGet(metrics_port_, "/metrics");
    if (!text.ok()) return -2;
    absl::StatusOr<ops_test::Exposition> e =
        ops_test::ParsePrometheusText(*text);
    if (!e.ok()) return -3;
    return e->Value("reporting_disk_full", {{"dir", data_dir_}});
  }

  v1::ReplicationStatusView Status() {
    auto stub = v1::ClerkService::NewStub(channel_);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(5));
    v1::ReplicationStatusView view;
    grpc::Status s = stub->GetReplicationStatus(
        &ctx, v1::GetReplicationStatusRequest(), &view);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return view;
  }

  // Commands refused for lack of space, the node reporting it everywhere,
  // reads going on, the process up.
  void ExpectRefusedAndReported(const CommandWriter& writer) {
    ASSERT_TRUE(Eventually(
        [&] { return absl::IsResourceExhausted(writer.last()); }, 30))
        << "commands still accepted, last: " << writer.last();
    const std::string message(writer.last().message());
    EXPECT_TRUE(absl::StrContains(message, "disk full")) << message;
    EXPECT_TRUE(absl::StrContains(message, data_dir_)) << message;
    EXPECT_TRUE(absl::StrContains(message, "Reads go on")) << message;
    EXPECT_TRUE(absl::StrContains(message, "Free space")) << message;
    EXPECT_TRUE(Eventually(
        [&] { return Health("reporting.v1.CommandService") == "NOT_SERVING"; },
        5))
        << Health("reporting.v1.CommandService");
    EXPECT_EQ(Health(""), "SERVING");
    EXPECT_TRUE(Eventually([&] { return DiskFullMetric() == 1; }, 5))
        << DiskFullMetric();
    const v1::ReplicationStatusView view = Status();
    EXPECT_TRUE(view.disk_full());
    EXPECT_TRUE(absl::StrContains(view.write_refusal(), "disk full"))
        << view.write_refusal();
    // A read: the head is the last acknowledged command's.
    uint64_t last = 0;
    for (const auto& [id, seq] : writer.acknowledged())
      last = std::max(last, seq);
    EXPECT_EQ(view.head_sequence(), last);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    EXPECT_TRUE(Alive()) << "the node died on a full disk; see " << log_;
  }

  // Space is back: commands are taken again, and the node says so.
  void ExpectResumed(const CommandWriter& writer) {
    const uint64_t before = writer.acknowledged_count();
    ASSERT_TRUE(Eventually(
        [&] { return writer.acknowledged_count() >= before + 50; }, 30))
        << "no resume after space was freed; last: " << writer.last();
    EXPECT_TRUE(Eventually(
        [&] { return Health("reporting.v1.CommandService") == "SERVING"; }, 5));
    EXPECT_TRUE(Eventually([&] { return DiskFullMetric() == 0; }, 5));
    EXPECT_FALSE(Status().disk_full());
    EXPECT_TRUE(Alive());
  }

  // The node stopped: every acknowledged command is in the log with the
  // sequence it was acknowledged with, and the chain verifies.
  void ExpectNothingLost(const std::map<std::string, uint64_t>& acked) {
    storage::EventLogOptions options;
    options.node_id = kNode;
    auto log = storage::EventLog::Open(data_dir_, options);
    ASSERT_TRUE(log.ok()) << log.status();
    EXPECT_TRUE((*log)->Verify().ok());
    uint64_t lost = 0;
    for (const auto& [id, seq] : acked) {
      absl::StatusOr<storage::AppendResult> r = (*log)->LookupCommand(id);
      if (!r.ok() || r->last_sequence != seq) ++lost;
    }
    std::printf("%zu acknowledged commands checked, %llu lost\n", acked.size(),
                static_cast<unsigned long long>(lost));
    EXPECT_EQ(lost, 0u);
    EXPECT_GT(acked.size(), 100u);
  }

  testutil::TempDir dir_{"county-disk-full-test"};
  SmallDisk disk_{dir_.Sub("disk"), kDiskBytes};
  const std::string data_dir_ = disk_.path() + "/" + kNode;
  const std::string log_ = dir_.Sub("county.log");
  const int port_ = testutil::FreePort();
  const int metrics_port_ = testutil::FreePort();
  std::unique_ptr<testutil::Process> node_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(CountyDiskFullTest, BelowTheReserveCommandsAreRefusedAndResume) {
  Start(/*reserve_mb=*/8);
  CommandWriter writer(kNode, address());
  ASSERT_TRUE(Eventually([&] { return writer.acknowledged_count() > 50; }, 30))
      << writer.last();

  ASSERT_TRUE(disk_.FillUntilFree(4 << 20).ok());
  ExpectRefusedAndReported(writer);
  EXPECT_TRUE(absl::StrContains(writer.last().message(),
                                "below the reserve of 8.0 MiB (8388608 bytes)"))
      << writer.last();

  ASSERT_TRUE(disk_.Free().ok());
  ExpectResumed(writer);

  writer.Stop();
  EXPECT_TRUE(ops_test::StopCleanly(*node_)) << "see " << log_;
  node_.reset();
  ExpectNothingLost(writer.acknowledged());
}

TEST_F(CountyDiskFullTest, OutOfSpaceInsideRocksDbNoAbortAndResume) {
  // No reserve: RocksDB's own writes meet ENOSPC.
  Start(/*reserve_mb=*/0);
  CommandWriter writer(kNode, address());
  ASSERT_TRUE(Eventually([&] { return writer.acknowledged_count() > 50; }, 30))
      << writer.last();

  ASSERT_TRUE(disk_.FillUntilFree(0).ok());
  ExpectRefusedAndReported(writer);
  ASSERT_TRUE(disk_.Free().ok());
  ExpectResumed(writer);

  // Full again, and stopped while full: a clean exit, not an abort.
  ASSERT_TRUE(disk_.FillUntilFree(0).ok());
  ASSERT_TRUE(
      Eventually([&] { return absl::IsResourceExhausted(writer.last()); }, 30))
      << writer.last();
  writer.Stop();
  EXPECT_TRUE(ops_test::StopCleanly(*node_)) << "see " << log_;
  node_.reset();
  ASSERT_TRUE(disk_.Free().ok());
  ExpectNothingLost(writer.acknowledged());
}

TEST_F(CountyDiskFullTest, StartedOnAFullDiskSaysSoAndExits) {
  ASSERT_TRUE(disk_.FillUntilFree(2 << 20).ok());
  testutil::Process node(
      {ops_test::BinaryFromEnv("COUNTY_BIN"), absl::StrCat("--node_id=", kNode),
       "--data_dir=" + data_dir_, absl::StrCat("--listen=", address()),
       "--insecure", "--disk_reserve_mb=8"},
      log_);
  const int status = node.Wait(30000);
  ASSERT_NE(status, -1) << "still running on a full disk";
  ASSERT_TRUE(WIFEXITED(status)) << "killed by a signal: " << status;
  EXPECT_EQ(WEXITSTATUS(status), 2);
  const std::string log = testutil::ReadFile(log_);
  EXPECT_TRUE(absl::StrContains(log, "disk full")) << log;
  EXPECT_TRUE(absl::StrContains(log, data_dir_)) << log;
}

}  // namespace
}  // namespace reporting::disk_test
