// --log_format=json: every line the binaries write to stderr is one JSON
// object with time, level, logger and message, over a whole run (start-up,
// commands, replication, shutdown). The default stays human-readable.
#include <sys/wait.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "reporting/v1/command.grpc.pb.h"
#include "tests/ops/ops_harness.h"
#include "tests/replication/harness.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::ops_test {
namespace {

// Every non-empty line parses; returns how many there were.
int CheckJsonLines(const std::string& path, const std::string& logger) {
  int lines = 0;
  for (absl::string_view raw : absl::StrSplit(ReadFile(path), '\n')) {
    if (raw.empty()) continue;
    ++lines;
    auto object = ParseFlatJsonObject(std::string(raw));
    EXPECT_TRUE(object.ok()) << path << ": " << object.status();
    if (!object.ok()) continue;
    for (const char* key : {"time", "level", "logger", "message"}) {
      EXPECT_EQ(object->count(key), 1u) << key << " missing in " << raw;
    }
    EXPECT_EQ((*object)["logger"], logger);
    EXPECT_EQ((*object)["time"].size(), 24u) << raw;  // ...T..:..:..sssZ
  }
  return lines;
}

TEST(JsonLogLinesTest, EveryStderrLineIsAJsonObject) {
  testutil::TempDir dir("ops-json-log");
  const int city_port = testutil::FreePort();
  const int county_port = testutil::FreePort();
  const std::string city_address = absl::StrCat("127.0.0.1:", city_port);
  auto city = StartServing(
      {BinaryFromEnv("CITY_BIN"), "--data_dir=" + dir.Sub("city"),
       "--listen=" + city_address, "--insecure", "--log_format=json"},
      dir.Sub("city.log"), city_port);
  auto county = StartServing({BinaryFromEnv("COUNTY_BIN"), "--node_id=371302",
                              "--data_dir=" + dir.Sub("county"),
                              absl::StrCat("--listen=127.0.0.1:", county_port),
                              "--city=" + city_address, "--insecure",
                              "--log_format=json", "--log_level=debug"},
                             dir.Sub("county.log"), county_port);
  auto stub = v1::CommandService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", county_port),
                          grpc::InsecureChannelCredentials()));
  for (int n = 0; n <= 5; ++n) {
    ASSERT_TRUE(replication_test::SendUnit(*stub, "371302", n).ok());
  }
  EXPECT_TRUE(StopCleanly(*county));
  EXPECT_TRUE(StopCleanly(*city));
  // Start-up, (debug) replication and shutdown lines at least.
  EXPECT_GE(CheckJsonLines(dir.Sub("county.log"), "county-node"), 3);
  EXPECT_GE(CheckJsonLines(dir.Sub("city.log"), "city-aggregator"), 2);
}

TEST(JsonLogLinesTest, UnknownFormatIsRefused) {
  testutil::TempDir dir("ops-json-log-bad");
  testutil::Process county(
      {BinaryFromEnv("COUNTY_BIN"), "--node_id=371302",
       "--data_dir=" + dir.Sub("county"),
       absl::StrCat("--listen=127.0.0.1:", testutil::FreePort()),
       "--log_format=xml"},
      dir.Sub("county.log"));
  const int status = county.Wait(20000);
  ASSERT_NE(status, -1);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2);
  EXPECT_NE(ReadFile(dir.Sub("county.log")).find("--log_format"),
            std::string::npos);
}

}  // namespace
}  // namespace reporting::ops_test
