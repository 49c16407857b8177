#include "services/generator/generate_campaign.h"

#include <map>
#include <set>

#include "absl/strings/str_format.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "reporting/v1/command.pb.h"
#include "services/county/testing/test_node.h"
#include "services/generator/generate_driver.h"

namespace reporting::generator {
namespace {

CampaignOptions Small(uint64_t seed) {
  CampaignOptions o;
  o.node_ids = {"371302", "371311"};
  o.units_per_node = 8;  // 16 units >= kFateCount: every fate at least once
  o.members_per_unit = 6;
  o.seed = seed;
  return o;
}

template <typename M>
std::set<int> Values(const Campaign& c, const std::string& method,
                     int (*get)(const M&)) {
  std::set<int> out;
  for (const NodePlan& n : c.nodes) {
    for (const Command& cmd : n.commands) {
      if (cmd.method != method) continue;
      out.insert(get(static_cast<const M&>(*cmd.request)));
    }
  }
  return out;
}

TEST(GenerateCampaign, SameSeedSameCommandsOtherSeedOtherCampaign) {
  absl::StatusOr<Campaign> a = BuildCampaign(Small(7));
  absl::StatusOr<Campaign> b = BuildCampaign(Small(7));
  absl::StatusOr<Campaign> c = BuildCampaign(Small(8));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_EQ(a->nodes.size(), b->nodes.size());
  bool differs = false;
  for (size_t n = 0; n < a->nodes.size(); ++n) {
    ASSERT_EQ(a->nodes[n].commands.size(), b->nodes[n].commands.size());
    for (size_t i = 0; i < a->nodes[n].commands.size(); ++i) {
      const Command& x = a->nodes[n].commands[i];
      const Command& y = b->nodes[n].commands[i];
      EXPECT_EQ(x.method, y.method);
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
          *x.request, *y.request))
          << x.request->DebugString() << y.request->DebugString();
    }
    const NodePlan& other = c->nodes[n];
    differs |= other.commands.size() != a->nodes[n].commands.size() ||
               other.fates != a->nodes[n].fates;
  }
  EXPECT_TRUE(differs) << "seed 8 gave the campaign of seed 7";
}

TEST(GenerateCampaign, CommandIdsUniqueAndRequestsMatchTheirRpc) {
  absl::StatusOr<Campaign> c = BuildCampaign(Small(3));
  ASSERT_TRUE(c.ok());
  const auto* service =
      v1::CommandMeta::descriptor()->file()->FindServiceByName(
          "CommandService");
  std::set<std::string> ids;
  for (const NodePlan& n : c->nodes) {
    EXPECT_EQ(n.commands.front().method, "RegisterNode");
    EXPECT_EQ(n.expected.events, n.commands.size());
    for (const Command& cmd : n.commands) {
      const auto* rpc = service->FindMethodByName(cmd.method);
      ASSERT_NE(rpc, nullptr) << cmd.method;
      EXPECT_EQ(rpc->input_type(), cmd.request->GetDescriptor());
      const std::string id = CommandId(cmd);
      EXPECT_LE(id.size(), 128u);
      EXPECT_TRUE(ids.insert(id).second) << "twice: " << id;
    }
  }
}

TEST(GenerateCampaign, CoversEveryFateReasonKindAndClass) {
  absl::StatusOr<Campaign> c = BuildCampaign(Small(11));
  ASSERT_TRUE(c.ok());
  std::map<int, uint64_t> fates, reasons;
  for (const NodePlan& n : c->nodes) {
    for (auto [f, k] : n.fates) fates[f] += k;
    for (auto [r, k] : n.blocked_by_reason) reasons[r] += k;
  }
  EXPECT_EQ(fates.size(), static_cast<size_t>(kFateCount));
  for (int code = 1; code <= 13; ++code) {
    EXPECT_GT(reasons[code], 0u) << v1::BlockingReasonCode_Name(
        static_cast<v1::BlockingReasonCode>(code));
  }
  EXPECT_EQ(Values<v1::IdentifyRectificationRequest>(
                *c, "IdentifyRectification",
                [](const v1::IdentifyRectificationRequest& r) {
                  return static_cast<int>(r.body().kind());
                }),
            (std::set<int>{1, 2, 3, 4}));
  EXPECT_EQ(Values<v1::PlanRectificationRequest>(
                *c, "PlanRectification",
                [](const v1::PlanRectificationRequest& r) {
                  return static_cast<int>(r.body().class_());
                }),
            (std::set<int>{1, 2, 3}));
  const OverviewLine& city = c->city;
  EXPECT_EQ(city.units, 16u);
  EXPECT_GT(city.items_overdue, 0u);
  EXPECT_GT(city.items_explained, 0u);
  EXPECT_GT(city.items_completed, 0u);
  EXPECT_GT(city.items_open, city.items_overdue);  // some open, not yet due
  EXPECT_GT(city.disputed, 0u);
  EXPECT_GT(city.census_units, 0u);
  EXPECT_GT(city.completed, 0u);
  EXPECT_EQ(city.study + city.analysis + city.rectification + city.completed,
            city.units);
  for (const char* method :
       {"RecordRemediation", "ReviseEvaluation", "ReturnMaterial",
        "AcceptMaterial", "HoldSpecialMeeting", "CirculateMeetingResults",
        "AssignTransformationMeasure", "CompleteTransformationMeasure",
        "PublishRectificationExplanation", "ReportCensus",
        "ResolveCensusProblem", "FileWorkSummary"}) {
    bool found = false;
    for (const NodePlan& n : c->nodes) {
      for (const Command& cmd : n.commands) found |= cmd.method == method;
    }
    EXPECT_TRUE(found) << method;
  }
}

TEST(GenerateCampaign, RefusesImpossibleSizes) {
  CampaignOptions o = Small(1);
  o.members_per_unit = 3;
  EXPECT_EQ(BuildCampaign(o).status().code(),
            absl::StatusCode::kInvalidArgument);
  o = Small(1);
  o.today = "2026-02-30";
  EXPECT_EQ(BuildCampaign(o).status().code(),
            absl::StatusCode::kInvalidArgument);
  o = Small(1);
  o.node_ids = {"371302", "371302"};
  EXPECT_EQ(BuildCampaign(o).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A malformed node id is named once, with the form expected.
  o = Small(1);
  o.node_ids = {"37 13"};
  const absl::Status bad = BuildCampaign(o).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(),
            "generate: node id \"37 13\" is malformed: expected 1 to 16 "
            "letters or digits, e.g. 371302");
}

// The county's own rules accept every command, and each unit is left
// blocked by exactly the reason its fate names.
TEST(GenerateCampaign, CountyAcceptsEveryCommandAndUnitsEndAsPlanned) {
  CampaignOptions o = Small(5);
  o.node_ids = {"371302"};
  o.units_per_node = kFateCount;
  o.members_per_unit = 4;
  absl::StatusOr<Campaign> c = BuildCampaign(o);
  ASSERT_TRUE(c.ok());
  county::testing::TestNodeOptions node_options;
  node_options.register_node = false;
  county::testing::TestNode node(node_options);
  CommandSender sender(node.channel());
  const NodePlan& plan = c->nodes[0];
  for (const Command& cmd : plan.commands) {
    absl::StatusOr<v1::CommandResult> r = sender.Send(cmd);
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_FALSE(r->duplicate());
  }
  std::map<int, uint64_t> reasons;
  uint64_t blocked = 0;
  for (int u = 1; u <= o.units_per_node; ++u) {
    v1::GetBlockingReasonsRequest request;
    request.set_unit_id(absl::StrFormat("371302-U%04d", u));
    v1::GetBlockingReasonsResponse response;
    grpc::ClientContext ctx;
    ASSERT_TRUE(node.clerk().GetBlockingReasons(&ctx, request, &response).ok());
    std::set<int> codes;
    for (const auto& r : response.reasons()) codes.insert(r.code());
    EXPECT_LE(codes.size(), 1u)
        << request.unit_id() << " " << response.DebugString();
    for (int code : codes) ++reasons[code];
    blocked += !codes.empty();
  }
  EXPECT_EQ(reasons, plan.blocked_by_reason);
  EXPECT_EQ(blocked, plan.expected.blocked + plan.expected.waiting);
  EXPECT_EQ(node.log().GetHead().sequence, plan.commands.size());

  // Again: every command is answered as a duplicate.
  for (const Command& cmd : plan.commands) {
    absl::StatusOr<v1::CommandResult> r = sender.Send(cmd);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(r->duplicate());
  }
  EXPECT_EQ(node.log().GetHead().sequence, plan.commands.size());
}

}  // namespace
}  // namespace reporting::generator
