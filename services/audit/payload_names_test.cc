// payload_names.h: the unit and member a payload names, on hand-made
// payloads (the replay test checks it against brute force on histories).
#include "services/audit/payload_names.h"

#include "gtest/gtest.h"
#include "reporting/v1/events.pb.h"
#include "services/audit/envelope_fields.h"
#include "storage/envelope.h"

namespace reporting::audit {
namespace {

TEST(PayloadNamesTest, UnitOfId) {
  EXPECT_TRUE(UnitOfIdIs("371302-U0042-M0007", "371302-U0042"));
  EXPECT_TRUE(UnitOfIdIs("371302-U0042-R003", "371302-U0042"));
  EXPECT_FALSE(UnitOfIdIs("371302-U00421-M0007", "371302-U0042"));
  EXPECT_FALSE(UnitOfIdIs("371302-U0042", "371302-U0042"));
  EXPECT_FALSE(UnitOfIdIs("371302-U0042-", "371302-U0042"));
  EXPECT_FALSE(UnitOfIdIs("371302-U0042-M1-X", "371302-U0042"));
}

TEST(PayloadNamesTest, UnitByFieldOrByOwnedId) {
  v1::EvaluationShown shown;  // names its member only
  shown.set_member_id("371302-U0042-M0007");
  shown.set_shown_on("2024-07-02");
  const std::string type = "reporting.v1.EvaluationShown";
  EXPECT_TRUE(
      PayloadNamesUnit(type, shown.SerializeAsString(), "371302-U0042"));
  EXPECT_FALSE(
      PayloadNamesUnit(type, shown.SerializeAsString(), "371302-U004"));
  EXPECT_TRUE(PayloadNamesMember(type, shown.SerializeAsString(),
                                 "371302-U0042-M0007"));
  EXPECT_FALSE(
      PayloadNamesMember(type, shown.SerializeAsString(), "371302-U0042-M000"));

  v1::RectificationItemPlanned planned;
  planned.set_item_id("371302-U0042-R003");
  planned.set_measures("mentions 371302-U0099 in free text");
  const std::string ptype = "reporting.v1.RectificationItemPlanned";
  EXPECT_TRUE(
      PayloadNamesUnit(ptype, planned.SerializeAsString(), "371302-U0042"));
  // Free text is not a naming field.
  EXPECT_FALSE(
      PayloadNamesUnit(ptype, planned.SerializeAsString(), "371302-U0099"));

  v1::SatisfactionSurveyRecorded survey;
  survey.set_unit_id("371302-U0042");
  survey.set_respondents(10);
  const std::string stype = "reporting.v1.SatisfactionSurveyRecorded";
  EXPECT_TRUE(
      PayloadNamesUnit(stype, survey.SerializeAsString(), "371302-U0042"));
  EXPECT_FALSE(
      PayloadNamesMember(stype, survey.SerializeAsString(), "371302-U0042"));

  v1::NodeRegistered node;
  node.set_node_id("371302");
  EXPECT_FALSE(PayloadNamesUnit("reporting.v1.NodeRegistered",
                                node.SerializeAsString(), "371302"));
  // Unknown types and garbage name nothing.
  EXPECT_FALSE(PayloadNamesUnit("reporting.v9.Future",
                                survey.SerializeAsString(), "371302-U0042"));
  EXPECT_FALSE(PayloadNamesUnit(
      stype, std::string("\x0a\xff", 2) + "371302-U0042", "371302-U0042"));
}

TEST(EnvelopeFieldsTest, DecodesWhatTheEncoderWrote) {
  v1::EventEnvelope env;
  env.set_node_id("371302");
  env.set_sequence(77);
  env.set_stream_id("unit/371302-U0042");
  env.set_stream_version(3);
  env.set_event_id("e");
  env.set_event_type("reporting.v1.UnitRegistered");
  env.set_recorded_at_us(-5);
  env.set_actor("clerk:x");
  env.set_command_id("c1");
  env.set_payload("pp");
  env.set_prev_hash(std::string(32, 'h'));
  const std::string bytes = storage::SerializeEnvelope(env);
  EnvelopeFields f;
  ASSERT_TRUE(DecodeEnvelopeFields(bytes, &f));
  EXPECT_EQ(f.node_id, "371302");
  EXPECT_EQ(f.sequence, 77u);
  EXPECT_EQ(f.stream_id, "unit/371302-U0042");
  EXPECT_EQ(f.event_type, "reporting.v1.UnitRegistered");
  EXPECT_EQ(f.recorded_at_us, -5);
  EXPECT_EQ(f.actor, "clerk:x");
  EXPECT_EQ(f.command_id, "c1");
  EXPECT_EQ(f.payload, "pp");
  EXPECT_EQ(f.prev_hash, std::string(32, 'h'));
  EXPECT_FALSE(DecodeEnvelopeFields(bytes.substr(0, bytes.size() - 3), &f));
}

}  // namespace
}  // namespace reporting::audit
