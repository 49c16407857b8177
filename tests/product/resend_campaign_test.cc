// Issue 19: a clerk system that resends earlier commands must not change
// the city's figures. A generated campaign is driven into two county nodes
// as a clerk system with timeouts would: copies of a quarter of its
// commands (own command ids) are sent too early and refused; each is resent
// just before its original, when the state would now accept it, and again
// at the end; a slice of earlier commands is resent all along. Every resent
// refusal must come back with the same code and message, every resent
// command as a duplicate, and the city's overview must equal the
// generator's expected figures (the events column included: nothing extra
// was appended).
#include <chrono>
#include <map>
#include <sstream>
#include <thread>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "reporting/v1/command.pb.h"
#include "services/generator/generate_campaign.h"
#include "services/generator/generate_driver.h"
#include "services/reportctl/cli/table.h"
#include "services/reportctl/office_overview.h"
#include "tests/product/product_harness.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::product_test {
namespace {

using generator::Command;

const std::vector<std::string> kNodes = {"371302", "371311"};
constexpr char kToday[] = "2026-11-30";

// The command under another command id: what a second clerk system (or a
// confused one) sends for the same decision.
Command Copy(const Command& original, const std::string& command_id) {
  std::shared_ptr<google::protobuf::Message> request(original.request->New());
  request->CopyFrom(*original.request);
  const auto* meta = request->GetDescriptor()->FindFieldByName("meta");
  static_cast<v1::CommandMeta*>(
      request->GetReflection()->MutableMessage(request.get(), meta))
      ->set_command_id(command_id);
  return Command{original.method, std::move(request)};
}

bool SameAnswer(const absl::StatusOr<v1::CommandResult>& first,
                const absl::StatusOr<v1::CommandResult>& again) {
  return first.status().code() == again.status().code() &&
         first.status().message() == again.status().message();
}

// Drives one node's plan with early copies and resends; returns how many
// early copies were refused (each was checked at every resend).
int DriveWithResends(const generator::NodePlan& plan,
                     generator::CommandSender& sender) {
  std::map<size_t, Command> early;
  std::map<size_t, absl::StatusOr<v1::CommandResult>> first;
  for (size_t i = 1; i < plan.commands.size(); i += 4) {
    early.emplace(i, Copy(plan.commands[i],
                          "early:" + generator::CommandId(plan.commands[i])));
  }
  // Before the node is registered: every early copy is refused.
  for (const auto& [i, command] : early) {
    first.emplace(i, sender.Send(command));
    EXPECT_FALSE(first.at(i).ok()) << command.request->DebugString();
  }
  for (size_t i = 0; i < plan.commands.size(); ++i) {
    if (auto it = early.find(i); it != early.end()) {
      absl::StatusOr<v1::CommandResult> again = sender.Send(it->second);
      EXPECT_TRUE(SameAnswer(first.at(i), again))
          << "first: " << first.at(i).status()
          << "\nresent when it would be accepted: " << again.status();
    }
    absl::StatusOr<v1::CommandResult> result = sender.Send(plan.commands[i]);
    EXPECT_TRUE(result.ok() && !result->duplicate()) << result.status();
    if (i % 10 == 9) {  // a timed-out slice sent again
      for (size_t j = i - 4; j <= i; ++j) {
        result = sender.Send(plan.commands[j]);
        EXPECT_TRUE(result.ok() && result->duplicate()) << result.status();
      }
    }
  }
  int refused = 0;
  for (const auto& [i, command] : early) {
    EXPECT_TRUE(SameAnswer(first.at(i), sender.Send(command)));
    refused += !first.at(i).ok();
  }
  return refused;
}

TEST(ResendCampaignTest, ResentRefusalsAndCommandsLeaveTheFiguresAsPlanned) {
  testutil::TempDir dir("product-resend");
  Cluster cluster(dir, kNodes);
  generator::CampaignOptions options;
  options.node_ids = kNodes;
  options.units_per_node = 8;  // 16 units: every fate at least once
  options.members_per_unit = 4;
  options.seed = 19;
  options.today = kToday;
  absl::StatusOr<generator::Campaign> campaign =
      generator::BuildCampaign(options);
  ASSERT_TRUE(campaign.ok()) << campaign.status();

  int refused = 0;
  for (size_t n = 0; n < kNodes.size(); ++n) {
    generator::CommandSender sender(grpc::CreateChannel(
        cluster.county(n), grpc::InsecureChannelCredentials()));
    refused += DriveWithResends(campaign->nodes[n], sender);
  }
  EXPECT_GT(refused, 50);
  std::cout << refused << " early copies refused and resent, none accepted\n";

  std::ostringstream expected;
  reportctl::PrintTable(reportctl::ExpectedOverviewTable(*campaign),
                        reportctl::OutputFormat::kJson, expected);
  std::string last;
  for (int i = 0; i < 300 && last != expected.str(); ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    last = Reportctl({"overview", "--json", "--today", kToday, "--city",
                      cluster.city(), "--insecure"},
                     dir.path())
               .output;
  }
  EXPECT_EQ(last, expected.str());
}

}  // namespace
}  // namespace reporting::product_test
