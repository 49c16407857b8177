// `reportctl audit verify --county --city` finds where a county's log and
// the city's copy part, over real binaries: the city holds county A's
// events 1..10; county B is a copy of A's log at sequence 5 that went on
// recording different events 6..8 (a restored backup, say). Bisecting on
// chain hashes must say "diverges at 6", exit code 1; A itself is
// "consistent up to 10".
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "reporting/v1/command.grpc.pb.h"
#include "tests/export/fixture.h"
#include "tests/replication/harness.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::export_test {
namespace {

using replication_test::City;
using replication_test::County;
using testing::HasSubstr;

void Send(const County& county, uint64_t from, uint64_t to) {
  auto stub = v1::CommandService::NewStub(grpc::CreateChannel(
      county.address(), grpc::InsecureChannelCredentials()));
  for (uint64_t n = from; n <= to; ++n) {
    auto seq = replication_test::SendUnit(*stub, kNode, n);
    ASSERT_TRUE(seq.ok()) << seq.status();
  }
}

void WaitForCity(const City& city, uint64_t sequence) {
  auto channel =
      grpc::CreateChannel(city.address(), grpc::InsecureChannelCredentials());
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    auto s = replication_test::CityStatus(channel, kNode);
    if (s.ok() && s->nodes_size() == 1 &&
        s->nodes(0).last_sequence() == sequence) {
      return;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "the city did not reach sequence " << sequence;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

RunResult Compare(const County& county, const City& city, bool json) {
  std::vector<std::string> argv = {
      ReportctlBin(), "audit",        "verify", "--county", county.address(),
      "--city",       city.address(), "--node", kNode,      "--insecure"};
  if (json) argv.push_back("--json");
  return RunCommand(argv);
}

TEST(AuditDivergenceCliTest, BisectionFindsTheFirstDifferentEvent) {
  const replication_test::Binaries bin = replication_test::Binaries::FromEnv();
  testutil::TempDir dir("audit-divergence");
  City city(bin, dir.Sub("city"), {"--insecure"});
  city.Start();
  County a(bin, kNode, dir.Sub("a"), city.address(), {"--insecure"});
  a.Start();
  Send(a, 0, 4);  // sequences 1..5
  WaitForCity(city, 5);
  a.Stop();
  std::filesystem::copy(dir.Sub("a"), dir.Sub("b"),
                        std::filesystem::copy_options::recursive);
  a.Start();
  Send(a, 5, 9);  // sequences 6..10
  WaitForCity(city, 10);

  RunResult r = Compare(a, city, /*json=*/false);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("consistent up to 10"));
  a.Stop();

  // B: A's log at 5, then other events (other command ids) at 6..8.
  County b(bin, kNode, dir.Sub("b"), city.address(), {"--insecure"});
  b.Start();
  Send(b, 100, 102);
  r = Compare(b, city, /*json=*/false);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("node 371302: diverges at 6 (consistent up to "
                               "5; county head 8, city head 10)"));
  r = Compare(b, city, /*json=*/true);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  google::protobuf::Struct result;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &result).ok())
      << r.out;
  EXPECT_FALSE(result.fields().at("consistent").bool_value());
  EXPECT_EQ(result.fields().at("diverges_at").number_value(), 6);
  EXPECT_EQ(result.fields().at("consistent_up_to").number_value(), 5);
  EXPECT_EQ(result.fields().at("county_head").number_value(), 8);
  EXPECT_EQ(result.fields().at("city_head").number_value(), 10);
  b.Stop();
}

}  // namespace
}  // namespace reporting::export_test
