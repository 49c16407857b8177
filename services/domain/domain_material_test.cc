// Party-spirit analysis material (DOMAIN.md aggregate 2, material.h),
// decided and folded without a node.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/material.h"
#include "services/domain/testing/test_stream.h"

namespace reporting::domain {
namespace {

using ::testing::HasSubstr;

constexpr char kMember[] = "371302-U0042-M0007";

class MaterialTest : public ::testing::Test {
 protected:
  MaterialTest()
      : member_(testing::TestMember()),
        stream_(std::string("material/") + kMember) {}

  template <typename M>
  void Accept(const absl::StatusOr<M>& decided) {
    ASSERT_TRUE(decided.ok()) << decided.status();
    stream_.Add(*decided);
    absl::StatusOr<MaterialState> folded = FoldMaterial(stream_.events());
    ASSERT_TRUE(folded.ok()) << folded.status();
    state_ = *folded;
  }

  absl::StatusOr<v1::PartySpiritMaterialSubmitted> Submit(
      const std::string& summary = "对照党章查找差距") const {
    v1::PartySpiritMaterialSubmitted r;
    r.set_member_id(kMember);
    r.set_summary(summary);
    return DecideSubmitMaterial(state_, member_, r);
  }
  absl::StatusOr<v1::PartySpiritMaterialReturned> Return(
      std::initializer_list<int> reasons) const {
    v1::PartySpiritMaterialReturned r;
    r.set_member_id(kMember);
    for (int reason : reasons)
      r.add_reasons(static_cast<v1::MaterialReturnReason>(reason));
    return DecideReturnMaterial(state_, r);
  }
  absl::StatusOr<v1::PartySpiritMaterialAccepted> AcceptIt() const {
    v1::PartySpiritMaterialAccepted r;
    r.set_member_id(kMember);
    return DecideAcceptMaterial(state_, r);
  }

  RosterMember member_;
  testing::TestStream stream_;
  MaterialState state_;
};

TEST_F(MaterialTest, SubmittedWithASummaryAndTheMembersUnit) {
  absl::Status refused = Submit(" ").status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("summary is required"));

  v1::PartySpiritMaterialSubmitted other_unit;
  other_unit.set_member_id(kMember);
  other_unit.set_unit_id("371302-U0043");
  other_unit.set_summary("s");
  refused = DecideSubmitMaterial(state_, member_, other_unit).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("is not the member's unit"));

  absl::StatusOr<v1::PartySpiritMaterialSubmitted> decided = Submit();
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->unit_id(), "371302-U0042");
  Accept(decided);
  EXPECT_EQ(state_.phase, MaterialPhase::kSubmitted);
  EXPECT_EQ(state_.submissions, 1u);
}

TEST_F(MaterialTest, NotSubmittedAgainWhileAwaitingReview) {
  Accept(Submit());
  absl::Status refused = Submit().status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("awaiting review"));
}

TEST_F(MaterialTest, ReturnedWithReasonsThenResubmitted) {
  Accept(Submit());
  Accept(Return({v1::MATERIAL_RETURN_REASON_ANALYSIS_SHALLOW}));
  EXPECT_EQ(state_.phase, MaterialPhase::kReturned);
  EXPECT_EQ(state_.returns, 1u);
  absl::Status refused = AcceptIt().status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("has not been resubmitted"));
  Accept(Submit());
  EXPECT_EQ(state_.phase, MaterialPhase::kSubmitted);
  EXPECT_EQ(state_.submissions, 2u);
  Accept(AcceptIt());
  EXPECT_EQ(state_.phase, MaterialPhase::kAccepted);
}

TEST_F(MaterialTest, ReturnReasonsAreGivenSpecifiedAndOnce) {
  Accept(Submit());
  absl::Status refused = Return({}).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("at least one reason"));
  refused = Return({v1::MATERIAL_RETURN_REASON_UNSPECIFIED}).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("return reason 0 is not one of"));
  refused = Return({v1::MATERIAL_RETURN_REASON_NOT_TIED_TO_PRACTICE,
                    v1::MATERIAL_RETURN_REASON_NOT_TIED_TO_PRACTICE})
                .status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("is given twice"));
  EXPECT_TRUE(Return({v1::MATERIAL_RETURN_REASON_PROBLEMS_NOT_PINNED,
                      v1::MATERIAL_RETURN_REASON_ANALYSIS_SHALLOW,
                      v1::MATERIAL_RETURN_REASON_NOT_TIED_TO_PRACTICE})
                  .ok());
}

TEST_F(MaterialTest, ReviewOnlyOfSubmittedMaterial) {
  for (const absl::Status& refused :
       {AcceptIt().status(),
        Return({v1::MATERIAL_RETURN_REASON_ANALYSIS_SHALLOW}).status()}) {
    EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(refused.message(), HasSubstr("SubmitMaterial first"));
  }
}

TEST_F(MaterialTest, AcceptanceIsFinal) {
  Accept(Submit());
  Accept(AcceptIt());
  for (const absl::Status& refused :
       {AcceptIt().status(), Submit().status(),
        Return({v1::MATERIAL_RETURN_REASON_ANALYSIS_SHALLOW}).status()}) {
    EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(refused.message(), HasSubstr("already accepted"));
  }
}

TEST_F(MaterialTest, ApplyingOneEventAtATimeGivesTheFold) {
  Accept(Submit());
  Accept(Return({v1::MATERIAL_RETURN_REASON_ANALYSIS_SHALLOW}));
  Accept(Submit());
  MaterialState one_by_one;
  for (const v1::EventEnvelope& e : stream_.events()) {
    ASSERT_TRUE(ApplyMaterialEvent(one_by_one, e).ok());
  }
  EXPECT_EQ(one_by_one.phase, MaterialPhase::kSubmitted);
  EXPECT_EQ(one_by_one.submissions, 2u);
  EXPECT_EQ(one_by_one.returns, 1u);
  EXPECT_EQ(one_by_one.version, 3u);
}

}  // namespace
}  // namespace reporting::domain
