// Special meetings (DOMAIN.md aggregate 3, meeting.h), decided and folded
// without a node.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/meeting.h"
#include "services/domain/testing/test_stream.h"

namespace reporting::domain {
namespace {

using ::testing::HasSubstr;

constexpr char kUnit[] = "371302-U0042";
constexpr char kMeeting[] = "371302-U0042-S01";
constexpr char kBranch[] = "371302-U0042-B01";

class MeetingTest : public ::testing::Test {
 protected:
  MeetingTest() : stream_(std::string("meeting/") + kMeeting) {
    roster_.unit_registered = true;
    roster_.unit.set_unit_id(kUnit);
    roster_.branches[kBranch] = "第一党支部";
  }

  template <typename M>
  void Accept(const absl::StatusOr<M>& decided) {
    ASSERT_TRUE(decided.ok()) << decided.status();
    stream_.Add(*decided);
    absl::StatusOr<MeetingState> folded = FoldMeeting(stream_.events());
    ASSERT_TRUE(folded.ok()) << folded.status();
    state_ = *folded;
  }

  static v1::SpecialMeetingHeld Leadership() {
    v1::SpecialMeetingHeld r;
    r.set_meeting_id(kMeeting);
    r.set_kind(v1::MEETING_KIND_LEADERSHIP_DEMOCRATIC_LIFE);
    r.set_stage(v1::STAGE_ANALYSIS_EVALUATION);
    r.set_held_on("2026-07-10");
    r.set_attendees(9);
    return r;
  }
  absl::StatusOr<v1::SpecialMeetingHeld> Hold(
      const v1::SpecialMeetingHeld& r) const {
    return DecideHoldMeeting(state_, roster_, kUnit, r);
  }
  absl::StatusOr<v1::SpecialMeetingResultsCirculated> Circulate(
      const std::string& scope) const {
    v1::SpecialMeetingResultsCirculated r;
    r.set_meeting_id(kMeeting);
    r.set_scope(scope);
    return DecideCirculateResults(state_, r);
  }

  Roster roster_;
  testing::TestStream stream_;
  MeetingState state_;
};

TEST_F(MeetingTest, HeldOnceWithTheUnitFilledIn) {
  absl::StatusOr<v1::SpecialMeetingHeld> decided = Hold(Leadership());
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->unit_id(), kUnit);
  Accept(decided);
  EXPECT_TRUE(state_.held);
  EXPECT_EQ(state_.meeting.held_on(), "2026-07-10");
  absl::Status refused = Hold(Leadership()).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(refused.message(), HasSubstr("already recorded as held on "
                                           "2026-07-10"));
  EXPECT_THAT(refused.message(), HasSubstr("new meeting id"));
}

TEST_F(MeetingTest, KindStageDateAndAttendeesAreRequired) {
  struct Case {
    void (*spoil)(v1::SpecialMeetingHeld&);
    const char* words;
  };
  const Case cases[] = {
      {[](v1::SpecialMeetingHeld& r) { r.clear_kind(); }, "kind is required"},
      {[](v1::SpecialMeetingHeld& r) { r.clear_stage(); }, "stage is required"},
      {[](v1::SpecialMeetingHeld& r) { r.set_stage(v1::STAGE_COMPLETED); },
       "stage is required"},
      {[](v1::SpecialMeetingHeld& r) { r.set_held_on("10/07/2026"); },
       "held_on \"10/07/2026\" is not a date"},
      {[](v1::SpecialMeetingHeld& r) { r.set_attendees(0); },
       "attendees must be at least 1"},
  };
  for (const Case& c : cases) {
    v1::SpecialMeetingHeld r = Leadership();
    c.spoil(r);
    absl::Status refused = Hold(r).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << c.words;
    EXPECT_THAT(refused.message(), HasSubstr(c.words));
  }
}

TEST_F(MeetingTest, ABranchMeetingNamesARegisteredBranchALeadershipOneNone) {
  v1::SpecialMeetingHeld r = Leadership();
  r.set_kind(v1::MEETING_KIND_BRANCH_ORGANISATIONAL_LIFE);
  absl::Status refused = Hold(r).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("names its branch"));
  r.set_branch_id("371302-U0042-B09");
  refused = Hold(r).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(refused.message(), HasSubstr("RegisterBranch"));
  r.set_branch_id(kBranch);
  EXPECT_TRUE(Hold(r).ok());

  r = Leadership();
  r.set_branch_id(kBranch);
  refused = Hold(r).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("leave branch_id empty"));
}

TEST_F(MeetingTest, OnlyForARegisteredUnitOfTheMeetingId) {
  v1::SpecialMeetingHeld r = Leadership();
  r.set_unit_id("371302-U0043");
  absl::Status refused = Hold(r).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("does not match the meeting id"));

  roster_ = Roster();
  refused = Hold(Leadership()).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(refused.message(), HasSubstr("RegisterUnit"));
}

TEST_F(MeetingTest, ResultsCirculatedOnceAfterTheMeetingWithinAScope) {
  absl::Status refused = Circulate("全体党员").status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("HoldSpecialMeeting first"));

  Accept(Hold(Leadership()));
  refused = Circulate("").status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("scope is required"));
  Accept(Circulate("全体党员"));
  EXPECT_TRUE(state_.circulated);
  EXPECT_EQ(state_.scope, "全体党员");
  refused = Circulate("全体干部").status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("circulated once"));
}

TEST_F(MeetingTest, FoldRefusesAPayloadThatDoesNotParse) {
  Accept(Hold(Leadership()));
  stream_.AddUnparsable("reporting.v1.SpecialMeetingResultsCirculated");
  absl::StatusOr<MeetingState> folded = FoldMeeting(stream_.events());
  EXPECT_EQ(folded.status().code(), absl::StatusCode::kInternal);
  MeetingState one_by_one;
  ASSERT_TRUE(ApplyMeetingEvent(one_by_one, stream_.events()[0]).ok());
  EXPECT_TRUE(one_by_one.held);
  EXPECT_EQ(one_by_one.meeting.attendees(), 9u);
}

}  // namespace
}  // namespace reporting::domain
