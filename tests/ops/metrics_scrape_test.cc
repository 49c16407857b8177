// Scrapes /metrics of a real county-node and city-aggregator after known
// work and checks the families and values: commands by type and result,
// gRPC errors by code, the append histogram, log head, replication and
// projection lag, RocksDB sizes. Every scrape must parse strictly
// (prom_text.h).
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "reporting/v1/command.grpc.pb.h"
#include "reporting/v1/command_stream.grpc.pb.h"
#include "tests/ops/ops_harness.h"
#include "tests/ops/prom_text.h"
#include "tests/replication/harness.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::ops_test {
namespace {

constexpr char kNode[] = "371302";

Exposition Scrape(int port) {
  absl::StatusOr<std::string> text = HttpGet(port, "/metrics");
  EXPECT_TRUE(text.ok()) << text.status();
  if (!text.ok()) return {};
  absl::StatusOr<Exposition> exp = ParsePrometheusText(*text);
  EXPECT_TRUE(exp.ok()) << exp.status();
  return exp.ok() ? *exp : Exposition{};
}

// Scrapes until `done` holds or 20 s pass; returns the last scrape.
template <typename Pred>
Exposition ScrapeUntil(int port, Pred done) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(20);
  Exposition exp = Scrape(port);
  while (!done(exp) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    exp = Scrape(port);
  }
  return exp;
}

TEST(MetricsScrapeTest, CountyAndCityReportTheWorkDone) {
  testutil::TempDir dir("ops-metrics");
  const int city_port = testutil::FreePort();
  const int city_metrics = testutil::FreePort();
  const int county_port = testutil::FreePort();
  const int county_metrics = testutil::FreePort();
  const std::string city_address = absl::StrCat("127.0.0.1:", city_port);
  auto city =
      StartServing({BinaryFromEnv("CITY_BIN"), "--data_dir=" + dir.Sub("city"),
                    "--listen=" + city_address, "--insecure",
                    absl::StrCat("--metrics_listen=127.0.0.1:", city_metrics)},
                   dir.Sub("city.log"), city_port);
  auto county = StartServing(
      {BinaryFromEnv("COUNTY_BIN"), std::string("--node_id=") + kNode,
       "--data_dir=" + dir.Sub("county"),
       absl::StrCat("--listen=127.0.0.1:", county_port),
       "--city=" + city_address, "--insecure",
       absl::StrCat("--metrics_listen=127.0.0.1:", county_metrics)},
      dir.Sub("county.log"), county_port);
  ASSERT_TRUE(testutil::WaitForPort(county_metrics, 10000));
  ASSERT_TRUE(testutil::WaitForPort(city_metrics, 10000));

  // RegisterNode + 20 RegisterUnit, then one refused command (the unit
  // exists: ALREADY_EXISTS) and one repeated command id (a duplicate,
  // answered OK).
  auto stub = v1::CommandService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", county_port),
                          grpc::InsecureChannelCredentials()));
  constexpr int kUnits = 20;
  uint64_t head = 0;
  for (int n = 0; n <= kUnits; ++n) {
    auto seq = replication_test::SendUnit(*stub, kNode, n);
    ASSERT_TRUE(seq.ok()) << seq.status();
    head = *seq;
  }
  {
    v1::RegisterUnitRequest r;
    r.mutable_meta()->set_command_id("unit-again");
    r.mutable_meta()->set_actor("test:ops");
    r.mutable_body()->set_unit_id(absl::StrCat(kNode, "-U1"));
    r.mutable_body()->set_name("单位 1");
    r.mutable_body()->set_batch(v1::BATCH_FIRST);
    r.mutable_body()->set_member_count(30);
    r.mutable_body()->set_category("机关");
    grpc::ClientContext ctx;
    v1::CommandResult result;
    grpc::Status s = stub->RegisterUnit(&ctx, r, &result);
    ASSERT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS)
        << s.error_message();
  }
  ASSERT_TRUE(replication_test::SendUnit(*stub, kNode, 1).ok());  // duplicate

  // County.
  Exposition c = Scrape(county_metrics);
  EXPECT_EQ(c.types["reporting_commands_total"], "counter");
  EXPECT_EQ(c.Value("reporting_commands_total",
                    {{"command", "RegisterUnit"}, {"result", "OK"}}),
            kUnits + 1);  // 20 + the duplicate
  EXPECT_EQ(c.Value("reporting_commands_total",
                    {{"command", "RegisterNode"}, {"result", "OK"}}),
            1);
  EXPECT_EQ(c.Value("reporting_commands_total", {{"command", "RegisterUnit"},
                                                 {"result", "ALREADY_EXISTS"}}),
            1);
  EXPECT_EQ(c.Value("reporting_grpc_server_errors_total",
                    {{"code", "ALREADY_EXISTS"}}),
            1);
  EXPECT_EQ(c.Value("reporting_grpc_server_handled_total",
                    {{"method", "/reporting.v1.CommandService/RegisterUnit"},
                     {"code", "OK"}}),
            kUnits + 1);
  EXPECT_EQ(c.types["reporting_append_seconds"], "histogram");
  EXPECT_EQ(c.Value("reporting_append_seconds_count", {{"result", "ok"}}),
            kUnits + 1);
  EXPECT_EQ(c.Value("reporting_append_seconds_bucket",
                    {{"result", "ok"}, {"le", "+Inf"}}),
            kUnits + 1);
  EXPECT_GT(c.Value("reporting_append_seconds_sum", {{"result", "ok"}}), 0);
  EXPECT_LT(c.Value("reporting_append_seconds_sum", {{"result", "ok"}}), 30);
  // The repeated command id is answered from the log's command index
  // before any append: no duplicate append is timed.
  EXPECT_LE(
      c.Value("reporting_append_seconds_count", {{"result", "duplicate"}}), 0);
  EXPECT_EQ(c.Value("reporting_appended_events_total"), head);
  EXPECT_EQ(c.Value("reporting_log_head_sequence"), head);
  EXPECT_GT(c.Value("reporting_rocksdb_wal_bytes", {{"db", "event_log"}}) +
                c.Value("reporting_rocksdb_sst_bytes", {{"db", "event_log"}}),
            0);
  EXPECT_GE(c.Value("reporting_rocksdb_live_data_bytes", {{"db", "event_log"}}),
            0);

  // City: once replicated and projected, both lags are 0 and the copy's
  // head is the county's.
  const std::map<std::string, std::string> node = {{"node", kNode}};
  Exposition y = ScrapeUntil(city_metrics, [&](const Exposition& e) {
    return e.Value("reporting_copy_head_sequence", node) == head &&
           e.Value("reporting_projection_lag_events", node) == 0 &&
           e.Value("reporting_replication_lag_events", node) == 0;
  });
  EXPECT_EQ(y.types["reporting_replication_lag_events"], "gauge");
  EXPECT_EQ(y.Value("reporting_copy_head_sequence", node), head);
  EXPECT_EQ(y.Value("reporting_projected_sequence", node), head);
  EXPECT_EQ(y.Value("reporting_projection_lag_events", node), 0);
  EXPECT_EQ(y.Value("reporting_replication_lag_events", node), 0);
  EXPECT_EQ(y.Value("reporting_replication_lag_seconds", node), 0);
  EXPECT_EQ(y.Value("reporting_replication_county_head", node), head);
  EXPECT_EQ(y.Value("reporting_replication_state",
                    {{"node", kNode}, {"state", "CONNECTED"}}),
            1);
  EXPECT_GT(y.Value("reporting_rocksdb_wal_bytes",
                    {{"db", absl::StrCat("node/", kNode)}}) +
                y.Value("reporting_rocksdb_sst_bytes",
                        {{"db", absl::StrCat("node/", kNode)}}),
            0);
  EXPECT_GE(y.Value("reporting_rocksdb_sst_bytes", {{"db", "read_models"}}), 0);
  // The county's Push stream is counted when it ends; it is still open.
  EXPECT_EQ(y.Sum("reporting_grpc_server_errors_total"), 0);

  EXPECT_TRUE(StopCleanly(*county));
  EXPECT_TRUE(StopCleanly(*city));
}

TEST(MetricsScrapeTest, ABusyMetricsPortStopsStartUp) {
  testutil::TempDir dir("ops-metrics-busy");
  const int port = testutil::FreePort();
  const int metrics = testutil::FreePort();
  auto first = StartServing(
      {BinaryFromEnv("COUNTY_BIN"), "--node_id=371302",
       "--data_dir=" + dir.Sub("a"), absl::StrCat("--listen=127.0.0.1:", port),
       "--insecure", absl::StrCat("--metrics_listen=127.0.0.1:", metrics)},
      dir.Sub("a.log"), port);
  testutil::Process second(
      {BinaryFromEnv("COUNTY_BIN"), "--node_id=371311",
       "--data_dir=" + dir.Sub("b"),
       absl::StrCat("--listen=127.0.0.1:", testutil::FreePort()), "--insecure",
       absl::StrCat("--metrics_listen=127.0.0.1:", metrics)},
      dir.Sub("b.log"));
  const int status = second.Wait(20000);
  ASSERT_NE(status, -1);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2);
  EXPECT_NE(ReadFile(dir.Sub("b.log")).find("metrics: cannot listen"),
            std::string::npos);
  EXPECT_TRUE(StopCleanly(*first));
}

// Commands sent on CommandStreamService.Stream are counted by command and
// result in the same family as unary ones; a stream message holding no
// command counts as command="unknown".
TEST(MetricsScrapeTest, StreamCommandsAreCountedLikeUnaryOnes) {
  testutil::TempDir dir("ops-metrics-stream");
  const int port = testutil::FreePort();
  const int metrics = testutil::FreePort();
  auto county = StartServing(
      {BinaryFromEnv("COUNTY_BIN"), std::string("--node_id=") + kNode,
       "--data_dir=" + dir.Sub("county"),
       absl::StrCat("--listen=127.0.0.1:", port), "--insecure",
       absl::StrCat("--metrics_listen=127.0.0.1:", metrics)},
      dir.Sub("county.log"), port);
  ASSERT_TRUE(testutil::WaitForPort(metrics, 10000));
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                     grpc::InsecureChannelCredentials());
  auto unary = v1::CommandService::NewStub(channel);
  ASSERT_TRUE(replication_test::SendUnit(*unary, kNode, 0).ok());
  ASSERT_TRUE(replication_test::SendUnit(*unary, kNode, 1).ok());

  auto stub = v1::CommandStreamService::NewStub(channel);
  grpc::ClientContext ctx;
  auto stream = stub->Stream(&ctx);
  // Units 2-4 (OK), unit 1 again under a new command id (ALREADY_EXISTS:
  // registered above, so no race with the commands in flight beside it),
  // and a message with no command (INVALID_ARGUMENT).
  std::vector<v1::CommandStreamRequest> sent;
  for (int n : {2, 3, 4, 1}) {
    v1::CommandStreamRequest r;
    v1::RegisterUnitRequest* u = r.mutable_register_unit();
    u->mutable_meta()->set_command_id(
        absl::StrCat("stream-unit-", sent.size()));
    u->mutable_meta()->set_actor("test:ops");
    u->mutable_body()->set_unit_id(absl::StrCat(kNode, "-U", n));
    u->mutable_body()->set_name(absl::StrCat("单位 ", n));
    u->mutable_body()->set_batch(v1::BATCH_FIRST);
    u->mutable_body()->set_member_count(30);
    u->mutable_body()->set_category("机关");
    sent.push_back(r);
  }
  sent.emplace_back();
  for (const v1::CommandStreamRequest& r : sent) ASSERT_TRUE(stream->Write(r));
  stream->WritesDone();
  std::vector<int> codes;
  v1::CommandStreamResponse response;
  while (stream->Read(&response)) codes.push_back(response.code());
  ASSERT_TRUE(stream->Finish().ok());
  ASSERT_EQ(codes, (std::vector<int>{0, 0, 0, grpc::StatusCode::ALREADY_EXISTS,
                                     grpc::StatusCode::INVALID_ARGUMENT}));

  Exposition c = Scrape(metrics);
  EXPECT_EQ(c.Value("reporting_commands_total",
                    {{"command", "RegisterNode"}, {"result", "OK"}}),
            1);  // unary
  EXPECT_EQ(c.Value("reporting_commands_total",
                    {{"command", "RegisterUnit"}, {"result", "OK"}}),
            4);  // 1 unary, 3 on the stream
  EXPECT_EQ(c.Value("reporting_commands_total", {{"command", "RegisterUnit"},
                                                 {"result", "ALREADY_EXISTS"}}),
            1);
  EXPECT_EQ(c.Value("reporting_commands_total",
                    {{"command", "unknown"}, {"result", "INVALID_ARGUMENT"}}),
            1);
  EXPECT_TRUE(StopCleanly(*county));
}

}  // namespace
}  // namespace reporting::ops_test
