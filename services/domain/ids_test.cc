#include "services/domain/ids.h"

#include "gtest/gtest.h"

namespace reporting::domain {
namespace {

TEST(IdsTest, WellFormedIdsOfThisNodeGiveTheirUnit) {
  EXPECT_EQ(*CheckId(IdKind::kUnit, "unit_id", "371302-U0042", "371302"),
            "371302-U0042");
  EXPECT_EQ(
      *CheckId(IdKind::kBranch, "branch_id", "371302-U0042-B01", "371302"),
      "371302-U0042");
  EXPECT_EQ(
      *CheckId(IdKind::kMember, "member_id", "371302-U0042-M0007", "371302"),
      "371302-U0042");
  EXPECT_EQ(*CheckId(IdKind::kItem, "item_id", "371302-U0042-R003", "371302"),
            "371302-U0042");
  EXPECT_EQ(
      *CheckId(IdKind::kMeeting, "meeting_id", "371302-U0042-S01", "371302"),
      "371302-U0042");
}

TEST(IdsTest, MalformedIdsAreInvalidArgument) {
  for (const char* bad :
       {"", "371302", "371302-U", "371302-X0042", "371302-U0042-M0007",
        "371302-U00a2", "-U0042", "371302-U123456789", "371302-U0042 "}) {
    EXPECT_EQ(CheckId(IdKind::kUnit, "unit_id", bad, "371302").status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  // Too many or empty parts for a three-part id.
  for (const char* bad :
       {"371302-U0042-M0007-M0008", "371302-U0042-M0007-", "371302-U0042-",
        "371302--M0007", "371302-U0042--M0007", "--", "371302-U0042"}) {
    EXPECT_EQ(
        CheckId(IdKind::kMember, "member_id", bad, "371302").status().code(),
        absl::StatusCode::kInvalidArgument)
        << bad;
  }
  // A member id where a branch id belongs.
  auto s =
      CheckId(IdKind::kBranch, "branch_id", "371302-U0042-M0007", "371302");
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("371302-U0042-B01"),
            absl::string_view::npos)
      << "the message shows the expected form: " << s.status();
}

TEST(IdsTest, AnotherNodesIdIsPermissionDenied) {
  auto s =
      CheckId(IdKind::kMember, "member_id", "371311-U0001-M0001", "371302");
  EXPECT_EQ(s.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(s.status().message().find("node 371311"), absl::string_view::npos);
}

TEST(IdsTest, NodeIds) {
  EXPECT_TRUE(ValidateNodeId("371302").ok());
  EXPECT_TRUE(ValidateNodeId("371300D03").ok());
  EXPECT_FALSE(ValidateNodeId("").ok());
  EXPECT_FALSE(ValidateNodeId("3713-02").ok());
  EXPECT_FALSE(ValidateNodeId("12345678901234567").ok());
}

TEST(IdsTest, UnitNodeAndStreams) {
  EXPECT_EQ(UnitOf("371302-U0042-M0007"), "371302-U0042");
  EXPECT_EQ(UnitOf("371302-U0042"), "371302-U0042");
  EXPECT_EQ(NodeOf("371302-U0042-M0007"), "371302");
  EXPECT_EQ(EvaluationStream("371302-U0042-M0007", 2),
            "evaluation/371302-U0042-M0007/2");
  EXPECT_EQ(UnitStream("371302-U0042"), "unit/371302-U0042");
  EXPECT_EQ(MeetingStream("371302-U0042-S01"), "meeting/371302-U0042-S01");
}

}  // namespace
}  // namespace reporting::domain
