// Party-spirit material and special meeting rules through gRPC.
#include "gtest/gtest.h"
#include "services/county/testing/test_node.h"

namespace reporting::county::testing {
namespace {

using grpc::StatusCode;

const char kUnit[] = "371302-U0042";

#define EXPECT_CODE(call, code)                       \
  do {                                                \
    grpc::Status s_ = (call);                         \
    EXPECT_EQ(s_.error_code(), code) << Describe(s_); \
  } while (0)

class MaterialTest : public ::testing::Test {
 protected:
  void SetUp() override { node_.Register(kUnit, 1, 2); }
  std::string M(int n) { return TestNode::Member(kUnit, n); }

  grpc::Status Submit(const std::string& member,
                      const std::string& summary = "党性分析") {
    v1::PartySpiritMaterialSubmitted e;
    e.set_member_id(member);
    e.set_summary(summary);
    return node_.Send(&Stub::SubmitMaterial, e);
  }
  grpc::Status Return(const std::string& member,
                      std::vector<v1::MaterialReturnReason> reasons = {
                          v1::MATERIAL_RETURN_REASON_ANALYSIS_SHALLOW}) {
    v1::PartySpiritMaterialReturned e;
    e.set_member_id(member);
    for (auto r : reasons) e.add_reasons(r);
    return node_.Send(&Stub::ReturnMaterial, e);
  }
  grpc::Status Accept(const std::string& member) {
    v1::PartySpiritMaterialAccepted e;
    e.set_member_id(member);
    return node_.Send(&Stub::AcceptMaterial, e);
  }
  TestNode node_;
};

TEST_F(MaterialTest, SubmitNeedsARegisteredMemberAndASummary) {
  EXPECT_CODE(Submit(M(5)), StatusCode::NOT_FOUND);
  EXPECT_CODE(Submit(M(1), ""), StatusCode::INVALID_ARGUMENT);
  EXPECT_CODE(Submit(M(1)), StatusCode::OK);
}

TEST_F(MaterialTest, SubmitAgainOnlyAfterReturn) {
  ASSERT_TRUE(Submit(M(1)).ok());
  EXPECT_CODE(Submit(M(1)), StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Return(M(1)).ok());
  EXPECT_CODE(Submit(M(1)), StatusCode::OK);
}

TEST_F(MaterialTest, ReturnNeedsAtLeastOneValidReason) {
  ASSERT_TRUE(Submit(M(1)).ok());
  grpc::Status s = Return(M(1), {});
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("at least one reason"), std::string::npos);
  EXPECT_CODE(Return(M(1), {v1::MATERIAL_RETURN_REASON_UNSPECIFIED}),
              StatusCode::INVALID_ARGUMENT);
  EXPECT_CODE(Return(M(1), {v1::MATERIAL_RETURN_REASON_ANALYSIS_SHALLOW,
                            v1::MATERIAL_RETURN_REASON_ANALYSIS_SHALLOW}),
              StatusCode::INVALID_ARGUMENT);
  EXPECT_CODE(Return(M(1), {v1::MATERIAL_RETURN_REASON_PROBLEMS_NOT_PINNED,
                            v1::MATERIAL_RETURN_REASON_NOT_TIED_TO_PRACTICE}),
              StatusCode::OK);
}

TEST_F(MaterialTest, ReturnOrAcceptOnlyWhileAwaitingReview) {
  EXPECT_CODE(Return(M(1)), StatusCode::FAILED_PRECONDITION);
  EXPECT_CODE(Accept(M(1)), StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Submit(M(1)).ok());
  ASSERT_TRUE(Return(M(1)).ok());
  grpc::Status s = Accept(M(1));
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("resubmitted"), std::string::npos);
  ASSERT_TRUE(Submit(M(1)).ok());
  EXPECT_CODE(Accept(M(1)), StatusCode::OK);
}

TEST_F(MaterialTest, AcceptedIsFinal) {
  ASSERT_TRUE(Submit(M(1)).ok());
  ASSERT_TRUE(Accept(M(1)).ok());
  EXPECT_CODE(Accept(M(1)), StatusCode::FAILED_PRECONDITION);
  EXPECT_CODE(Return(M(1)), StatusCode::FAILED_PRECONDITION);
  EXPECT_CODE(Submit(M(1)), StatusCode::FAILED_PRECONDITION);
}

class MeetingTest : public ::testing::Test {
 protected:
  void SetUp() override { node_.Register(kUnit, 2, 1); }

  v1::SpecialMeetingHeld Branch(const std::string& id) {
    v1::SpecialMeetingHeld m;
    m.set_meeting_id(id);
    m.set_branch_id(TestNode::Branch(kUnit, 1));
    m.set_kind(v1::MEETING_KIND_BRANCH_ORGANISATIONAL_LIFE);
    m.set_stage(v1::STAGE_ANALYSIS_EVALUATION);
    m.set_held_on("2026-05-20");
    m.set_attendees(12);
    return m;
  }
  grpc::Status Circulate(const std::string& id,
                         const std::string& scope = "全体党员") {
    v1::SpecialMeetingResultsCirculated c;
    c.set_meeting_id(id);
    c.set_scope(scope);
    return node_.Send(&Stub::CirculateMeetingResults, c);
  }
  TestNode node_;
};

TEST_F(MeetingTest, HeldOnceWithValidFields) {
  EXPECT_CODE(node_.Send(&Stub::HoldSpecialMeeting, Branch("371302-U0042-S01")),
              StatusCode::OK);
  EXPECT_CODE(node_.Send(&Stub::HoldSpecialMeeting, Branch("371302-U0042-S01")),
              StatusCode::ALREADY_EXISTS);
  v1::SpecialMeetingHeld m = Branch("371302-U0042-S02");
  m.set_attendees(0);
  EXPECT_CODE(node_.Send(&Stub::HoldSpecialMeeting, m),
              StatusCode::INVALID_ARGUMENT);
  m = Branch("371302-U0042-S02");
  m.set_held_on("20.5.2026");
  EXPECT_CODE(node_.Send(&Stub::HoldSpecialMeeting, m),
              StatusCode::INVALID_ARGUMENT);
  m = Branch("371302-U0042-S02");
  m.set_stage(v1::STAGE_COMPLETED);
  EXPECT_CODE(node_.Send(&Stub::HoldSpecialMeeting, m),
              StatusCode::INVALID_ARGUMENT);
  m = Branch("371302-U0042-S02");
  m.set_kind(v1::MEETING_KIND_UNSPECIFIED);
  EXPECT_CODE(node_.Send(&Stub::HoldSpecialMeeting, m),
              StatusCode::INVALID_ARGUMENT);
}

TEST_F(MeetingTest, BranchMeetingNamesARegisteredBranchOfTheUnit) {
  v1::SpecialMeetingHeld m = Branch("371302-U0042-S01");
  m.set_branch_id("");
  EXPECT_CODE(node_.Send(&Stub::HoldSpecialMeeting, m),
              StatusCode::INVALID_ARGUMENT);
  m.set_branch_id(TestNode::Branch(kUnit, 7));
  EXPECT_CODE(node_.Send(&Stub::HoldSpecialMeeting, m), StatusCode::NOT_FOUND);
  m.set_branch_id("371302-U0043-B01");
  EXPECT_CODE(node_.Send(&Stub::HoldSpecialMeeting, m),
              StatusCode::INVALID_ARGUMENT);
}

TEST_F(MeetingTest, LeadershipMeetingHasNoBranch) {
  v1::SpecialMeetingHeld m = Branch("371302-U0042-S01");
  m.set_kind(v1::MEETING_KIND_LEADERSHIP_DEMOCRATIC_LIFE);
  EXPECT_CODE(node_.Send(&Stub::HoldSpecialMeeting, m),
              StatusCode::INVALID_ARGUMENT);
  m.clear_branch_id();
  EXPECT_CODE(node_.Send(&Stub::HoldSpecialMeeting, m), StatusCode::OK);
}

TEST_F(MeetingTest, UnknownUnitIsNotFoundForeignIsDenied) {
  EXPECT_CODE(
      node_.Send(&Stub::HoldSpecialMeeting, Branch("371302-U0099-S01")),
      StatusCode::INVALID_ARGUMENT);  // branch of U0042 in a U0099 meeting
  v1::SpecialMeetingHeld m = Branch("371302-U0099-S01");
  m.set_kind(v1::MEETING_KIND_LEADERSHIP_DEMOCRATIC_LIFE);
  m.clear_branch_id();
  EXPECT_CODE(node_.Send(&Stub::HoldSpecialMeeting, m), StatusCode::NOT_FOUND);
  m.set_meeting_id("371311-U0001-S01");
  EXPECT_CODE(node_.Send(&Stub::HoldSpecialMeeting, m),
              StatusCode::PERMISSION_DENIED);
}

TEST_F(MeetingTest, CirculateOnceAfterHeld) {
  grpc::Status s = Circulate("371302-U0042-S01");
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("HoldSpecialMeeting"), std::string::npos);
  ASSERT_TRUE(
      node_.Send(&Stub::HoldSpecialMeeting, Branch("371302-U0042-S01")).ok());
  EXPECT_CODE(Circulate("371302-U0042-S01", ""), StatusCode::INVALID_ARGUMENT);
  EXPECT_CODE(Circulate("371302-U0042-S01"), StatusCode::OK);
  EXPECT_CODE(Circulate("371302-U0042-S01"), StatusCode::FAILED_PRECONDITION);
}

}  // namespace
}  // namespace reporting::county::testing
