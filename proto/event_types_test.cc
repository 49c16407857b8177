#include "proto/event_types.h"

#include "gtest/gtest.h"
#include "reporting/v1/events.pb.h"

namespace reporting::events {
namespace {

TEST(EventTypes, KnowsEveryEventOfEventsProto) {
  EXPECT_TRUE(IsKnownType("reporting.v1.EvaluationRecorded"));
  EXPECT_TRUE(IsKnownType("reporting.v1.CensusProblemResolved"));
  EXPECT_FALSE(IsKnownType("reporting.v1.FloatingMembers"));
  EXPECT_FALSE(IsKnownType("reporting.v1.EventEnvelope"));
  EXPECT_FALSE(IsKnownType("EvaluationRecorded"));
  EXPECT_EQ(TypeOf<v1::UnitRegistered>(), "reporting.v1.UnitRegistered");
  EXPECT_GE(AllTypes().size(), 30u);
  for (const std::string& t : AllTypes()) EXPECT_TRUE(IsKnownType(t)) << t;
}

TEST(EventTypes, ValidatesPayloadBytes) {
  v1::UnitRegistered u;
  u.set_unit_id("371302-U0001");
  EXPECT_TRUE(
      ValidatePayload(TypeOf<v1::UnitRegistered>(), u.SerializeAsString())
          .ok());
  absl::Status bad = ValidatePayload("reporting.v1.UnitRegistered",
                                     std::string("\xff\xff\xff", 3));
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  absl::Status unknown = ValidatePayload("reporting.v1.Nope", "");
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.message().find("unknown event type"), std::string::npos);
}

TEST(EventTypes, ParsePayloadReturnsTheTypedMessage) {
  v1::RectificationItemIdentified r;
  r.set_item_id("371302-U0001-R001");
  auto m = ParsePayload(TypeOf<v1::RectificationItemIdentified>(),
                        r.SerializeAsString());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)->GetDescriptor()->name(), "RectificationItemIdentified");
}

}  // namespace
}  // namespace reporting::events
