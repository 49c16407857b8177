// The command path every RPC shares (command_context.h): meta checks,
// idempotency, expected_version, results; and the server's health and
// reflection.
#include <algorithm>

#include "gtest/gtest.h"
#include "services/common/probe_client.h"
#include "services/county/testing/test_node.h"

namespace reporting::county::testing {
namespace {

using grpc::StatusCode;

v1::UnitRegistered Unit(const std::string& id) {
  v1::UnitRegistered u;
  u.set_unit_id(id);
  u.set_name("unit");
  u.set_batch(v1::BATCH_SECOND);
  u.set_member_count(5);
  return u;
}

TEST(CommandFrameworkTest, MetaIsChecked) {
  TestNode node;
  v1::CommandMeta meta = node.Meta();
  meta.set_command_id("");
  EXPECT_EQ(node.Send(&Stub::RegisterUnit, Unit("371302-U0001"), nullptr, &meta)
                .error_code(),
            StatusCode::INVALID_ARGUMENT);
  meta.set_command_id(std::string(129, 'a'));
  EXPECT_EQ(node.Send(&Stub::RegisterUnit, Unit("371302-U0001"), nullptr, &meta)
                .error_code(),
            StatusCode::INVALID_ARGUMENT);
  meta.set_command_id("tab\there");
  EXPECT_EQ(node.Send(&Stub::RegisterUnit, Unit("371302-U0001"), nullptr, &meta)
                .error_code(),
            StatusCode::INVALID_ARGUMENT);
  meta.set_command_id("导入:1");
  EXPECT_EQ(node.Send(&Stub::RegisterUnit, Unit("371302-U0001"), nullptr, &meta)
                .error_code(),
            StatusCode::INVALID_ARGUMENT);
  meta.set_command_id("ok-id");
  meta.set_actor("");
  grpc::Status s =
      node.Send(&Stub::RegisterUnit, Unit("371302-U0001"), nullptr, &meta);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("actor"), std::string::npos);
  meta.set_actor("clerk:wang.li@371302");
  meta.set_command_id(std::string(128, '~'));
  EXPECT_TRUE(
      node.Send(&Stub::RegisterUnit, Unit("371302-U0001"), nullptr, &meta)
          .ok());
}

TEST(CommandFrameworkTest, ResultNamesSequencesAndStreamVersions) {
  TestNode node;
  v1::CommandResult result;
  ASSERT_TRUE(
      node.Send(&Stub::RegisterUnit, Unit("371302-U0001"), &result).ok());
  EXPECT_EQ(result.first_sequence(), 2u);  // after NodeRegistered
  EXPECT_EQ(result.last_sequence(), 2u);
  ASSERT_EQ(result.stream_versions_size(), 1);
  EXPECT_EQ(result.stream_versions(0).stream_id(), "unit/371302-U0001");
  EXPECT_EQ(result.stream_versions(0).version(), 1u);
  EXPECT_FALSE(result.duplicate());
}

TEST(CommandFrameworkTest, DuplicateIsAnsweredEvenWhenItWouldNowBeRefused) {
  TestNode node;
  v1::CommandMeta meta = node.Meta("retry-me");
  v1::CommandResult first, again;
  ASSERT_TRUE(
      node.Send(&Stub::RegisterUnit, Unit("371302-U0001"), &first, &meta).ok());
  // The same request again: the unit exists now, so it would be refused
  // (ALREADY_EXISTS); the first answer is given instead.
  ASSERT_TRUE(
      node.Send(&Stub::RegisterUnit, Unit("371302-U0001"), &again, &meta).ok());
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.first_sequence(), first.first_sequence());
  // The same id with a different body is another request: refused.
  v1::UnitRegistered other = Unit("371302-U0001");
  other.set_member_count(0);
  grpc::Status s = node.Send(&Stub::RegisterUnit, other, &again, &meta);
  EXPECT_EQ(s.error_code(), StatusCode::ALREADY_EXISTS) << Describe(s);
}

TEST(CommandFrameworkTest, DuplicateSurvivesRestart) {
  TestNode node;
  v1::CommandMeta meta = node.Meta("before-restart");
  v1::CommandResult first, again;
  ASSERT_TRUE(
      node.Send(&Stub::RegisterUnit, Unit("371302-U0001"), &first, &meta).ok());
  node.Restart();
  ASSERT_TRUE(
      node.Send(&Stub::RegisterUnit, Unit("371302-U0001"), &again, &meta).ok());
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.last_sequence(), first.last_sequence());
}

TEST(CommandFrameworkTest, ExpectedVersionMismatchIsAborted) {
  TestNode node;
  node.Register("371302-U0001", 1, 1);  // unit stream at version 3
  v1::BranchRegistered branch;
  branch.set_branch_id("371302-U0001-B02");
  branch.set_name("第二党支部");
  v1::CommandMeta meta = node.Meta();
  meta.set_expected_version(2);
  grpc::Status s = node.Send(&Stub::RegisterBranch, branch, nullptr, &meta);
  EXPECT_EQ(s.error_code(), StatusCode::ABORTED) << Describe(s);
  EXPECT_NE(s.error_message().find("expected version 2, found 3"),
            std::string::npos);
  meta = node.Meta();
  meta.set_expected_version(3);
  v1::CommandResult result;
  ASSERT_TRUE(node.Send(&Stub::RegisterBranch, branch, &result, &meta).ok());
  EXPECT_EQ(result.stream_versions(0).version(), 4u);
  // 0 = must not exist yet.
  meta = node.Meta();
  meta.set_expected_version(0);
  EXPECT_EQ(node.Send(&Stub::RegisterUnit, Unit("371302-U0001"), nullptr, &meta)
                .error_code(),
            StatusCode::ABORTED);
}

TEST(CommandFrameworkTest, HealthIsServingAndReflectionListsTheServices) {
  TestNode node;
  auto health = services::CheckHealth(node.channel(), "");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, "SERVING");
  auto names = services::ListServices(node.channel());
  ASSERT_TRUE(names.ok()) << names.status();
  for (const char* want :
       {"reporting.v1.CommandService", "reporting.v1.ClerkService",
        "grpc.health.v1.Health"}) {
    EXPECT_NE(std::find(names->begin(), names->end(), want), names->end())
        << want;
  }
}

}  // namespace
}  // namespace reporting::county::testing
