// Issue 20 point 2: whatever a county node accepts, the city takes. The
// largest command a node accepts (a body of exactly kMaxBodyBytes, the
// longest actor and command id) is appended and replicated to a real city
// (the county's acknowledged sequence reaches its head); one byte more is
// refused with INVALID_ARGUMENT before anything is written.
#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "reporting/v1/clerk.grpc.pb.h"
#include "reporting/v1/command.pb.h"
#include "services/county/request_form.h"
#include "services/generator/generate_campaign.h"
#include "services/generator/generate_driver.h"
#include "tests/product/product_harness.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::product_test {
namespace {

using generator::Command;

// An opinion for `member` whose body is exactly `bytes` serialized.
std::shared_ptr<v1::RecordEvaluationRequest> Opinion(const std::string& member,
                                                     size_t bytes,
                                                     const std::string& id) {
  auto request = std::make_shared<v1::RecordEvaluationRequest>();
  request->mutable_meta()->set_command_id(id);
  request->mutable_meta()->set_actor(std::string(storage::kMaxActorBytes, 'a'));
  v1::EvaluationRecorded* body = request->mutable_body();
  body->set_member_id(member);
  body->set_rating(v1::RATING_QUALIFIED);
  while (body->ByteSizeLong() + county::kMaxTextBytes + 4 <= bytes) {
    body->add_shortcomings(std::string(county::kMaxTextBytes, 's'));
  }
  std::string* last = body->add_shortcomings();
  for (size_t n = bytes - body->ByteSizeLong(); n > 0; --n) {
    last->assign(n, 't');
    if (body->ByteSizeLong() <= bytes) break;
  }
  return request;
}

TEST(LargestCommandTest, TheLargestAcceptedCommandReachesTheCity) {
  testutil::TempDir dir("product-largest");
  Cluster cluster(dir, {"371302"});
  generator::CampaignOptions options;
  options.node_ids = {"371302"};
  options.units_per_node = 1;
  options.members_per_unit = 4;
  absl::StatusOr<generator::Campaign> campaign =
      generator::BuildCampaign(options);
  ASSERT_TRUE(campaign.ok()) << campaign.status();
  auto channel = grpc::CreateChannel(cluster.county(0),
                                     grpc::InsecureChannelCredentials());
  generator::CommandSender sender(channel);
  // The node, its unit, branches and members: the campaign's registrations.
  std::string member;
  for (const Command& c : campaign->nodes[0].commands) {
    if (c.method == "RecordEvaluation") {
      member = static_cast<const v1::RecordEvaluationRequest&>(*c.request)
                   .body()
                   .member_id();
      break;
    }
    ASSERT_TRUE(sender.Send(c).ok());
  }
  ASSERT_FALSE(member.empty());

  const std::string long_id(storage::kMaxCommandIdBytes, 'c');
  auto over = Opinion(member, county::kMaxBodyBytes + 1, "one-byte-more");
  ASSERT_EQ(over->body().ByteSizeLong(), county::kMaxBodyBytes + 1);
  absl::StatusOr<v1::CommandResult> refused =
      sender.Send({"RecordEvaluation", over});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find(
                absl::StrCat("; the limit is ", county::kMaxBodyBytes)),
            std::string::npos)
      << refused.status();

  auto largest = Opinion(member, county::kMaxBodyBytes, long_id);
  ASSERT_EQ(largest->body().ByteSizeLong(), county::kMaxBodyBytes);
  absl::StatusOr<v1::CommandResult> accepted =
      sender.Send({"RecordEvaluation", largest});
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  // Something after it, so a stuck replication would show as lag.
  auto after = std::make_shared<v1::ShowEvaluationRequest>();
  after->mutable_meta()->set_command_id("after-the-largest");
  after->mutable_meta()->set_actor("clerk:test");
  after->mutable_body()->set_member_id(member);
  after->mutable_body()->set_shown_on("2026-05-10");
  absl::StatusOr<v1::CommandResult> shown =
      sender.Send({"ShowEvaluation", after});
  ASSERT_TRUE(shown.ok()) << shown.status();

  auto clerk = v1::ClerkService::NewStub(channel);
  v1::ReplicationStatusView view;
  for (int i = 0; i < 150; ++i) {
    grpc::ClientContext ctx;
    ASSERT_TRUE(clerk
                    ->GetReplicationStatus(
                        &ctx, v1::GetReplicationStatusRequest(), &view)
                    .ok());
    if (view.acked_sequence() == view.head_sequence()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(view.acked_sequence(), view.head_sequence()) << view.DebugString();
  EXPECT_GE(view.head_sequence(), accepted->last_sequence() + 1);
  std::cout << "a body of " << county::kMaxBodyBytes << " bytes at sequence "
            << accepted->last_sequence()
            << " replicated; the city acknowledged " << view.acked_sequence()
            << "\n";
}

}  // namespace
}  // namespace reporting::product_test
