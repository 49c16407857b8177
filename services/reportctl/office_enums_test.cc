#include "services/reportctl/office_enums.h"

#include "gtest/gtest.h"
#include "reporting/v1/clerk.pb.h"
#include "reporting/v1/events.pb.h"

namespace reporting::reportctl {
namespace {

TEST(OfficeEnums, ParsesShortFullPrefixAndNumber) {
  const auto* stage = v1::Stage_descriptor();
  EXPECT_EQ(*ParseEnum(stage, "stage", "analysis_evaluation"), 2);
  EXPECT_EQ(*ParseEnum(stage, "stage", "STAGE_ANALYSIS_EVALUATION"), 2);
  EXPECT_EQ(*ParseEnum(stage, "stage", "analysis"), 2);
  EXPECT_EQ(*ParseEnum(stage, "stage", "3"), 3);
  EXPECT_EQ(*ParseEnum(v1::BlockingReasonCode_descriptor(), "blocked",
                       "evaluation_unsigned"),
            3);
}

TEST(OfficeEnums, RefusesUnknownAmbiguousAndZero) {
  const auto* code = v1::BlockingReasonCode_descriptor();
  absl::StatusOr<int> bad = ParseEnum(code, "blocked", "nonsense");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--blocked"), std::string::npos);
  EXPECT_NE(bad.status().message().find("evaluation_unsigned"),
            std::string::npos);
  EXPECT_FALSE(ParseEnum(code, "blocked", "awaiting").ok());  // 3 match
  EXPECT_FALSE(ParseEnum(code, "blocked", "0").ok());
  EXPECT_FALSE(ParseEnum(code, "blocked", "unspecified").ok());
}

TEST(OfficeEnums, ShowsShortLowerCase) {
  EXPECT_EQ(EnumText(v1::Stage_descriptor(), 2), "analysis_evaluation");
  EXPECT_EQ(EnumText(v1::RectificationClass_descriptor(), 3), "hard_for_now");
  EXPECT_EQ(EnumText(v1::Stage_descriptor(), 0), "");
}

}  // namespace
}  // namespace reporting::reportctl
