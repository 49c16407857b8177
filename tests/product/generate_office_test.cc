// reportctl generate into three county nodes replicating to a city, then
// the office tables: the city's overview equals the generator's expected
// totals, a second run appends nothing, --csv and the table are sane, and
// the filtered lists agree with the campaign.
#include <algorithm>
#include <chrono>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "reporting/v1/clerk.pb.h"
#include "services/generator/generate_campaign.h"
#include "tests/product/product_harness.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::product_test {
namespace {

const std::vector<std::string> kNodes = {"371302", "371311", "371312"};
constexpr char kToday[] = "2026-11-30";
constexpr char kSeed[] = "42";

size_t JsonObjects(const std::string& json) {
  size_t n = 0;
  for (size_t at = json.find('{'); at != std::string::npos;
       at = json.find('{', at + 1)) {
    ++n;
  }
  return n;
}

class GenerateOfficeTest : public ::testing::Test {
 protected:
  GenerateOfficeTest() : cluster_(dir_, kNodes) {}

  ToolRun Generate() {
    return Reportctl({"generate", "--counties", cluster_.counties(), "--nodes",
                      "3", "--units-per-node", "6", "--members-per-unit", "4",
                      "--seed", kSeed, "--today", kToday, "--expect_out",
                      dir_.Sub("expected.json"), "--insecure"},
                     dir_.path());
  }
  ToolRun Office(std::vector<std::string> args) {
    args.insert(args.end(), {"--city", cluster_.city(), "--insecure"});
    return Reportctl(args, dir_.path());
  }
  // Polls `reportctl overview --json` until it equals the expected file.
  bool WaitForOverview(const std::string& expected, std::string& last) {
    for (int i = 0; i < 300; ++i) {
      ToolRun run = Office({"overview", "--json", "--today", kToday});
      last = run.output;
      if (run.exit_code == 0 && run.output == expected) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }

  testutil::TempDir dir_{"product-generate"};
  Cluster cluster_;
};

TEST_F(GenerateOfficeTest, OverviewEqualsExpectedAndRerunAppendsNothing) {
  ToolRun first = Generate();
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const std::string expected = ReadFile(dir_.Sub("expected.json"));
  ASSERT_NE(expected.find("\"兰山区\""), std::string::npos) << expected;
  ASSERT_EQ(JsonObjects(expected), kNodes.size() + 1);
  std::string last;
  ASSERT_TRUE(WaitForOverview(expected, last)) << "expected:\n"
                                               << expected << "\ncity says:\n"
                                               << last;

  // Same seed again: every command is answered as a duplicate.
  ToolRun second = Generate();
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find(" 0 appended,"), std::string::npos)
      << second.output;
  EXPECT_EQ(ReadFile(dir_.Sub("expected.json")), expected);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ToolRun again = Office({"overview", "--json", "--today", kToday});
  EXPECT_EQ(again.output, expected);  // the events column is unchanged

  // --csv: a header and one line per node plus the city.
  ToolRun csv = Office({"overview", "--csv", "--today", kToday});
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  std::vector<std::string> lines =
      absl::StrSplit(csv.output, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), kNodes.size() + 2) << csv.output;
  EXPECT_TRUE(absl::StartsWith(lines[0], "node,name,units,study,")) << lines[0];
  EXPECT_TRUE(absl::StartsWith(lines[1], "371302,兰山区,6,")) << lines[1];
  EXPECT_TRUE(absl::StartsWith(lines.back(), "city,全市,18,")) << lines.back();

  // The table: header, rule, rows; names as the data has them.
  ToolRun table = Office({"overview", "--today", kToday});
  ASSERT_EQ(table.exit_code, 0) << table.output;
  lines = absl::StrSplit(table.output, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), kNodes.size() + 3) << table.output;
  EXPECT_TRUE(absl::StartsWith(lines[0], "node")) << table.output;
  EXPECT_NE(lines[2].find("兰山区"), std::string::npos) << table.output;
  EXPECT_NE(lines[4].find("河东区"), std::string::npos) << table.output;
}

TEST_F(GenerateOfficeTest, FilteredListsAgreeWithTheCampaign) {
  ToolRun first = Generate();
  ASSERT_EQ(first.exit_code, 0) << first.output;
  std::string last;
  ASSERT_TRUE(WaitForOverview(ReadFile(dir_.Sub("expected.json")), last))
      << last;

  generator::CampaignOptions options;
  options.node_ids = kNodes;
  options.units_per_node = 6;
  options.members_per_unit = 4;
  options.seed = 42;
  options.today = kToday;
  absl::StatusOr<generator::Campaign> campaign =
      generator::BuildCampaign(options);
  ASSERT_TRUE(campaign.ok());
  std::map<int, uint64_t> reasons;
  for (const auto& n : campaign->nodes) {
    for (auto [code, count] : n.blocked_by_reason) reasons[code] += count;
  }

  // Every unit, over pages, and each blocking reason's units.
  ToolRun all = Office({"units", "--json"});
  ASSERT_EQ(all.exit_code, 0) << all.output;
  EXPECT_EQ(JsonObjects(all.output), 18u) << all.output;
  for (const char* reason :
       {"self_inspection_incomplete", "evaluation_missing",
        "evaluation_unsigned", "transformation_measure_missing",
        "survey_missing", "remediation_required", "resurvey_required",
        "report_returned", "approval_rejected", "awaiting_review",
        "awaiting_approval", "awaiting_meeting", "members_not_registered"}) {
    ToolRun units = Office({"units", "--json", "--reason", reason});
    ASSERT_EQ(units.exit_code, 0) << units.output;
    const int code = [&] {
      v1::BlockingReasonCode c = v1::BLOCKING_REASON_CODE_UNSPECIFIED;
      std::string name = reason;
      for (char& ch : name) ch = static_cast<char>(toupper(ch));
      EXPECT_TRUE(
          v1::BlockingReasonCode_Parse("BLOCKING_REASON_CODE_" + name, &c));
      return static_cast<int>(c);
    }();
    EXPECT_EQ(JsonObjects(units.output), reasons[code]) << reason;
  }
  // Blocked by a rule and waiting for another level, counted apart.
  ToolRun blocked = Office({"units", "--json", "--blocked"});
  ASSERT_EQ(blocked.exit_code, 0) << blocked.output;
  EXPECT_EQ(JsonObjects(blocked.output), campaign->city.blocked);
  EXPECT_EQ(blocked.output.find("\"waiting\""), std::string::npos);
  ToolRun waiting = Office({"units", "--json", "--waiting"});
  ASSERT_EQ(waiting.exit_code, 0) << waiting.output;
  EXPECT_EQ(JsonObjects(waiting.output), campaign->city.waiting);
  EXPECT_GT(campaign->city.waiting, 0u);
  EXPECT_GT(campaign->city.blocked, 0u);
  EXPECT_EQ(waiting.output.find("\"blocked\""), std::string::npos);
  ToolRun both = Office({"units", "--blocked", "--waiting"});
  EXPECT_EQ(both.exit_code, 2) << both.output;

  ToolRun one_node =
      Office({"units", "--csv", "--node", "371311", "--stage", "analysis"});
  ASSERT_EQ(one_node.exit_code, 0) << one_node.output;
  std::vector<std::string> lines =
      absl::StrSplit(one_node.output, '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), 1 + campaign->nodes[1].expected.analysis)
      << one_node.output;

  ToolRun overdue =
      Office({"rectification", "--json", "--overdue", "--today", kToday});
  ASSERT_EQ(overdue.exit_code, 0) << overdue.output;
  EXPECT_EQ(JsonObjects(overdue.output), campaign->city.items_overdue)
      << overdue.output;
  ToolRun hard = Office(
      {"rectification", "--csv", "--class", "hard_for_now", "--today", kToday});
  ASSERT_EQ(hard.exit_code, 0) << hard.output;
  EXPECT_NE(hard.output.find(",hard_for_now,explained,"), std::string::npos)
      << hard.output;

  ToolRun census = Office({"census", "--csv"});
  ASSERT_EQ(census.exit_code, 0) << census.output;
  EXPECT_NE(census.output.find(
                absl::StrCat("city,全市,", campaign->city.census_units, ",")),
            std::string::npos)
      << census.output;

  ToolRun fresh = Office({"freshness", "--json"});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.output;
  EXPECT_EQ(JsonObjects(fresh.output), kNodes.size()) << fresh.output;
  EXPECT_NE(fresh.output.find("\"lag_events\": 0"), std::string::npos)
      << fresh.output;

  ToolRun bad = Office({"units", "--reason", "nonsense"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("--reason"), std::string::npos) << bad.output;
}

// --rate paces the whole campaign (the soak's steady load, tests/soak/):
// each node's commands at rate / nodes per second, so the run takes at
// least its commands' share of the time; a negative rate is a usage error.
TEST_F(GenerateOfficeTest, RateSpreadsTheCampaignOverTime) {
  generator::CampaignOptions options;
  options.node_ids = kNodes;
  options.units_per_node = 1;
  options.members_per_unit = 4;
  options.seed = 42;
  options.today = kToday;
  absl::StatusOr<generator::Campaign> campaign =
      generator::BuildCampaign(options);
  ASSERT_TRUE(campaign.ok());
  size_t longest = 0;  // the node with the most commands sets the time
  for (const auto& n : campaign->nodes) {
    longest = std::max(longest, n.commands.size());
  }
  constexpr int kRate = 90;  // commands per second, 30 per node
  const auto start = std::chrono::steady_clock::now();
  ToolRun run = Reportctl(
      {"generate", "--counties", cluster_.counties(), "--nodes", "3",
       "--units-per-node", "1", "--members-per-unit", "4", "--seed", kSeed,
       "--today", kToday, "--rate", std::to_string(kRate), "--insecure"},
      dir_.path());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const double paced = static_cast<double>(longest - 1) * 3 / kRate;
  EXPECT_GE(seconds, paced) << longest << " commands on the busiest node";
  EXPECT_LT(seconds, paced + 20) << run.output;

  ToolRun bad = Reportctl({"generate", "--counties", cluster_.counties(),
                           "--rate=-5", "--insecure"},
                          dir_.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("--rate"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace reporting::product_test
