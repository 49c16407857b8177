// Online backup under write load, then restore: `reportctl backup` of a
// county node and of the city aggregator while commands keep flowing; the
// backup is started as a data directory; every command acknowledged before
// the backup started is in it with its original sequence, the chain
// verifies, the node keeps appending after it, and a restored city catches
// up with the county again without divergence. Also: over TLS only an
// operator certificate may back up.
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "reporting/v1/command.grpc.pb.h"
#include "storage/event_log.h"
#include "tests/ops/ops_harness.h"
#include "tests/ops/prom_text.h"
#include "tests/replication/harness.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::ops_test {
namespace {

constexpr char kNode[] = "371302";

// Sends RegisterNode then RegisterUnit 1, 2, ... as fast as the node
// acknowledges, remembering each acknowledged command's last sequence.
class Writer {
 public:
  explicit Writer(const std::string& address)
      : stub_(v1::CommandService::NewStub(
            grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))),
        thread_([this] { Run(); }) {}
  ~Writer() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // n -> sequence of every acknowledged command so far.
  std::map<uint64_t, uint64_t> Acked() const {
    std::lock_guard<std::mutex> l(mu_);
    return acked_;
  }
  void WaitForAcked(size_t count) const {
    while (Acked().size() < count) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

 private:
  void Run() {
    for (uint64_t n = 0; !stop_;) {
      absl::StatusOr<uint64_t> seq =
          replication_test::SendUnit(*stub_, kNode, n);
      if (!seq.ok()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      std::lock_guard<std::mutex> l(mu_);
      acked_[n++] = *seq;
    }
  }

  std::unique_ptr<v1::CommandService::Stub> stub_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::map<uint64_t, uint64_t> acked_;
  std::thread thread_;
};

// Runs reportctl to completion; returns its exit code, output in log.
int Reportctl(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> argv = {BinaryFromEnv("REPORTCTL_BIN")};
  argv.insert(argv.end(), args.begin(), args.end());
  testutil::Process p(argv, log);
  const int status = p.Wait(120000);
  return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::unique_ptr<storage::EventLog> OpenLog(const std::string& dir) {
  storage::EventLogOptions o;
  o.node_id = kNode;
  o.create_if_missing = false;
  o.sync = false;
  auto log = storage::EventLog::Open(dir, o);
  EXPECT_TRUE(log.ok()) << log.status();
  return log.ok() ? std::move(*log) : nullptr;
}

std::vector<std::string> CountyArgs(const std::string& data_dir, int port) {
  return {BinaryFromEnv("COUNTY_BIN"), std::string("--node_id=") + kNode,
          "--data_dir=" + data_dir, absl::StrCat("--listen=127.0.0.1:", port),
          "--insecure"};
}

TEST(BackupRestoreTest, CountyBackupUnderLoadRestoresEveryAcknowledgedCommand) {
  testutil::TempDir dir("ops-backup-county");
  const int port = testutil::FreePort();
  const std::string address = absl::StrCat("127.0.0.1:", port);
  auto county = StartServing(CountyArgs(dir.Sub("county"), port),
                             dir.Sub("county.log"), port);
  std::map<uint64_t, uint64_t> before;
  {
    Writer writer(address);
    writer.WaitForAcked(200);
    before = writer.Acked();  // acknowledged before the backup started
    ASSERT_EQ(Reportctl({"backup", "--target", address, "--out",
                         dir.Sub("backup"), "--insecure"},
                        dir.Sub("reportctl.log")),
              0)
        << ReadFile(dir.Sub("reportctl.log"));
    const size_t during = writer.Acked().size();
    writer.WaitForAcked(during + 50);  // still serving after the backup
  }
  EXPECT_NE(ReadFile(dir.Sub("reportctl.log")).find("event_log"),
            std::string::npos);
  // A second backup into the same directory is refused.
  EXPECT_EQ(Reportctl({"backup", "--target", address, "--out",
                       dir.Sub("backup"), "--insecure"},
                      dir.Sub("reportctl2.log")),
            1);
  EXPECT_NE(ReadFile(dir.Sub("reportctl2.log")).find("FAILED_PRECONDITION"),
            std::string::npos);
  ASSERT_TRUE(StopCleanly(*county));

  // Restore: the backup is the data directory of a fresh node.
  const std::string restored = dir.Sub("restored");
  std::filesystem::rename(dir.Sub("backup"), restored);
  uint64_t restored_head = 0;
  {
    auto log = OpenLog(restored);
    ASSERT_NE(log, nullptr);
    ASSERT_TRUE(log->Verify().ok());
    restored_head = log->GetHead().sequence;
    for (const auto& [n, seq] : before) {
      const std::string id =
          n == 0 ? "register-node" : absl::StrCat("unit-", n);
      auto result = log->LookupCommand(id);
      ASSERT_TRUE(result.ok()) << id << ": " << result.status();
      EXPECT_EQ(result->last_sequence, seq) << id;
    }
    // The restored log is a prefix of the original one, byte for byte.
    auto original = OpenLog(dir.Sub("county"));
    ASSERT_NE(original, nullptr);
    ASSERT_GE(original->GetHead().sequence, restored_head);
    auto expected = original->ReadOne(restored_head);
    ASSERT_TRUE(expected.ok());
    EXPECT_EQ(expected->hash, log->GetHead().hash);
    ASSERT_TRUE(log->Close().ok());
    ASSERT_TRUE(original->Close().ok());
  }
  ASSERT_GE(restored_head, before.rbegin()->second);

  // Start the node on it: it serves and appends at head + 1.
  const int port2 = testutil::FreePort();
  auto again =
      StartServing(CountyArgs(restored, port2), dir.Sub("restored.log"), port2);
  auto stub = v1::CommandService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", port2), grpc::InsecureChannelCredentials()));
  auto seq = replication_test::SendUnit(*stub, kNode, 1000000);
  ASSERT_TRUE(seq.ok()) << seq.status();
  EXPECT_EQ(*seq, restored_head + 1);
  ASSERT_TRUE(StopCleanly(*again));
  auto log = OpenLog(restored);
  ASSERT_NE(log, nullptr);
  EXPECT_TRUE(log->Verify().ok());
}

TEST(BackupRestoreTest, CityBackupUnderLoadRestoresAndCatchesUp) {
  testutil::TempDir dir("ops-backup-city");
  const int city_port = testutil::FreePort();
  const int county_port = testutil::FreePort();
  const std::string city_address = absl::StrCat("127.0.0.1:", city_port);
  auto city_args = [&](const std::string& data_dir, int metrics) {
    return std::vector<std::string>{
        BinaryFromEnv("CITY_BIN"), "--data_dir=" + data_dir,
        "--listen=" + city_address, "--insecure",
        absl::StrCat("--metrics_listen=127.0.0.1:", metrics)};
  };
  std::vector<std::string> county_args =
      CountyArgs(dir.Sub("county"), county_port);
  county_args.push_back("--city=" + city_address);
  county_args.push_back("--insecure");

  auto city = StartServing(city_args(dir.Sub("city"), testutil::FreePort()),
                           dir.Sub("city.log"), city_port);
  auto county = StartServing(county_args, dir.Sub("county.log"), county_port);
  {
    Writer writer(absl::StrCat("127.0.0.1:", county_port));
    writer.WaitForAcked(300);
    ASSERT_EQ(Reportctl({"backup", "--target", city_address, "--out",
                         dir.Sub("backup"), "--insecure", "--json"},
                        dir.Sub("reportctl.log")),
              0)
        << ReadFile(dir.Sub("reportctl.log"));
    writer.WaitForAcked(writer.Acked().size() + 100);
  }
  const std::string listing = ReadFile(dir.Sub("reportctl.log"));
  EXPECT_NE(listing.find("\"nodes/371302\""), std::string::npos) << listing;
  EXPECT_NE(listing.find("read_models/gen-"), std::string::npos) << listing;
  ASSERT_TRUE(StopCleanly(*city));

  // Restore the city from the backup; the county (ahead of it) resends what
  // the backup lacks and both agree again, read models included.
  const std::string restored = dir.Sub("city-restored");
  std::filesystem::rename(dir.Sub("backup"), restored);
  const int metrics = testutil::FreePort();
  auto city2 = StartServing(city_args(restored, metrics),
                            dir.Sub("city-restored.log"), city_port);
  ASSERT_TRUE(testutil::WaitForPort(metrics, 10000));
  auto head_of_county = [&] {
    auto stub = v1::CommandService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", county_port),
                            grpc::InsecureChannelCredentials()));
    // One more command; its sequence is the county's head.
    auto seq = replication_test::SendUnit(*stub, kNode, 5000000);
    EXPECT_TRUE(seq.ok()) << seq.status();
    return seq.ok() ? *seq : 0;
  };
  const uint64_t head = head_of_county();
  const std::map<std::string, std::string> node = {{"node", kNode}};
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);
  Exposition e;
  for (;;) {
    auto text = HttpGet(metrics, "/metrics");
    ASSERT_TRUE(text.ok()) << text.status();
    auto parsed = ParsePrometheusText(*text);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    e = *parsed;
    if ((e.Value("reporting_copy_head_sequence", node) == head &&
         e.Value("reporting_projected_sequence", node) == head) ||
        std::chrono::steady_clock::now() > deadline) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(e.Value("reporting_copy_head_sequence", node), head);
  EXPECT_EQ(e.Value("reporting_projected_sequence", node), head);
  EXPECT_EQ(e.Value("reporting_replication_state",
                    {{"node", kNode}, {"state", "DIVERGED"}}),
            -1);
  ASSERT_TRUE(StopCleanly(*county));
  ASSERT_TRUE(StopCleanly(*city2));
  auto compared = replication_test::CompareLogs(kNode, dir.Sub("county"),
                                                restored + "/nodes/" + kNode);
  ASSERT_TRUE(compared.ok()) << compared.status();
  EXPECT_EQ(*compared, head);
}

TEST(BackupRestoreTest, OverTlsOnlyAnOperatorMayBackUp) {
  testutil::TempDir dir("ops-backup-tls");
  const std::string certs = dir.Sub("certs");
  const std::string gen = BinaryFromEnv("GEN_CERTS");
  ASSERT_EQ(std::system((gen + " " + certs + " 371302 >/dev/null").c_str()), 0);
  const int port = testutil::FreePort();
  const std::string address = absl::StrCat("127.0.0.1:", port);
  auto city = StartServing(
      {BinaryFromEnv("CITY_BIN"), "--data_dir=" + dir.Sub("city"),
       "--listen=" + address, "--tls_cert=" + certs + "/city.crt",
       "--tls_key=" + certs + "/city.key", "--tls_ca=" + certs + "/ca.crt"},
      dir.Sub("city.log"), port);
  auto as = [&](const std::string& who, const std::string& out) {
    return Reportctl({"backup", "--target", "localhost:" + std::to_string(port),
                      "--out", out, "--tls_cert=" + certs + "/" + who + ".crt",
                      "--tls_key=" + certs + "/" + who + ".key",
                      "--tls_ca=" + certs + "/ca.crt"},
                     dir.Sub(who + ".log"));
  };
  EXPECT_EQ(as("office", dir.Sub("b1")), 1);
  EXPECT_NE(ReadFile(dir.Sub("office.log")).find("PERMISSION_DENIED"),
            std::string::npos)
      << ReadFile(dir.Sub("office.log"));
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("b1")));
  EXPECT_EQ(as("operator", dir.Sub("b2")), 0)
      << ReadFile(dir.Sub("operator.log"));
  EXPECT_TRUE(std::filesystem::exists(dir.Sub("b2") + "/nodes"));
  EXPECT_TRUE(StopCleanly(*city));
}

}  // namespace
}  // namespace reporting::ops_test
