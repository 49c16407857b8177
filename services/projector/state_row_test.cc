// EncodeStateRow == SerializeRow(ProjectedAggregate{ToProto(state)}), byte
// for byte: defaults, every field set, values and strings long enough for
// multi-byte varints and lengths, and enums outside their declared range.
#include "services/projector/state_row.h"

#include <cstdint>
#include <string>

#include "gtest/gtest.h"
#include "services/projector/projector.h"
#include "services/projector/state_codec.h"

namespace reporting::projector {
namespace {

std::string Expected(const domain::EvaluationState& s) {
  v1::ProjectedAggregate a;
  *a.mutable_evaluation() = ToProto(s);
  return SerializeRow(a);
}
std::string Expected(const domain::MaterialState& s) {
  v1::ProjectedAggregate a;
  *a.mutable_material() = ToProto(s);
  return SerializeRow(a);
}
std::string Expected(const domain::MeetingState& s) {
  v1::ProjectedAggregate a;
  *a.mutable_meeting() = ToProto(s);
  return SerializeRow(a);
}
std::string Expected(const domain::RectificationState& s) {
  v1::ProjectedAggregate a;
  *a.mutable_rectification() = ToProto(s);
  return SerializeRow(a);
}

const std::string kLong(300, 'x');  // a two-byte length, and outer size

TEST(StateRow, EvaluationMatchesTheMessage) {
  domain::EvaluationState s;
  EXPECT_EQ(EncodeStateRow(s), Expected(s));
  s.phase = domain::EvaluationPhase::kSigned;
  s.member_id = "371302-M0001";
  s.unit_id = "371302-U0001";
  s.branch_id = "B1";
  s.batch = v1::BATCH_SECOND;
  s.rating = v1::RATING_UNQUALIFIED;
  s.revisions = 3;
  s.ever_shown = true;
  s.feedback_count = 200;
  s.measure = "study";
  s.helper_name = "HELPER-1";
  s.measure_completed = true;
  s.version = uint64_t{1} << 40;
  s.shortcomings = {"dropped from the row"};
  EXPECT_EQ(EncodeStateRow(s), Expected(s));
  s.helper_name = kLong;
  s.rating = static_cast<v1::Rating>(-3);
  EXPECT_EQ(EncodeStateRow(s), Expected(s));
}

TEST(StateRow, MaterialMatchesTheMessage) {
  domain::MaterialState s;
  EXPECT_EQ(EncodeStateRow(s), Expected(s));
  s.phase = domain::MaterialPhase::kAccepted;
  s.submissions = 2;
  s.returns = 1;
  s.version = 300;
  EXPECT_EQ(EncodeStateRow(s), Expected(s));
  s.submissions = UINT32_MAX;
  s.version = UINT64_MAX;
  EXPECT_EQ(EncodeStateRow(s), Expected(s));
}

TEST(StateRow, MeetingMatchesTheMessage) {
  domain::MeetingState s;
  EXPECT_EQ(EncodeStateRow(s), Expected(s));
  s.held = true;
  s.meeting.set_unit_id("371302-U0001");
  s.meeting.set_kind(v1::MEETING_KIND_BRANCH_ORGANISATIONAL_LIFE);
  s.circulated = true;
  s.version = 2;
  EXPECT_EQ(EncodeStateRow(s), Expected(s));
  s.meeting.set_unit_id(kLong);
  s.meeting.set_kind(static_cast<v1::MeetingKind>(1000));
  EXPECT_EQ(EncodeStateRow(s), Expected(s));
}

TEST(StateRow, RectificationMatchesTheMessage) {
  domain::RectificationState s;
  EXPECT_EQ(EncodeStateRow(s), Expected(s));
  s.status = v1::RECTIFICATION_STATUS_COMPLETED;
  s.item_id = "371302-R0001";
  s.unit_id = "371302-U0001";
  s.kind = v1::RECTIFICATION_KIND_CONDUCT;
  s.description = "dropped from the row";
  s.deadline = "2024-09-01";
  s.item_class = v1::RECTIFICATION_CLASS_WITH_EFFORT;
  s.percent_done = 100;
  s.closed_on = "2024-08-30";
  s.version = 7;
  EXPECT_EQ(EncodeStateRow(s), Expected(s));
  s.closed_on = kLong;
  s.status = static_cast<v1::RectificationStatus>(-1);
  EXPECT_EQ(EncodeStateRow(s), Expected(s));
}

}  // namespace
}  // namespace reporting::projector
