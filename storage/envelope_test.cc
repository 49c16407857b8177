#include "storage/envelope.h"

#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace reporting::storage {
namespace {

TEST(Envelope, EventIdsAreRandomVersion4Uuids) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewEventId();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[8], '-');
    EXPECT_EQ(id[13], '-');
    EXPECT_EQ(id[14], '4');                                          // version
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);  // variant
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef-"), std::string::npos);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Envelope, SerializesDeterministicallyAndRoundTrips) {
  v1::EventEnvelope env;
  env.set_node_id("371302");
  env.set_sequence(7);
  env.set_stream_id("unit/371302-U0042");
  env.set_stream_version(3);
  env.set_payload(std::string("\x0a\x01x", 3));
  env.set_prev_hash(std::string(32, '\0'));
  env.ByteSizeLong();
  const std::string a = SerializeEnvelope(env);
  EXPECT_EQ(a, SerializeEnvelope(env));
  v1::EventEnvelope back;
  ASSERT_TRUE(back.ParseFromString(a));
  EXPECT_EQ(back.stream_id(), "unit/371302-U0042");
  EXPECT_EQ(back.sequence(), 7u);
  EXPECT_EQ(back.SerializeAsString(), a);
}

// The append path's encoder must produce exactly the deterministic protobuf
// bytes, including omitted defaults and negative times.
TEST(Envelope, EncoderMatchesProtobufByteForByte) {
  struct Case {
    int64_t recorded_at;
    std::string actor, command, stream, type, payload;
    uint64_t seq, version;
  };
  const std::vector<Case> cases = {
      {1700000000000000, "clerk:wang.li@371302", "cmd-1", "unit/371302-U0042",
       "reporting.v1.UnitRegistered", std::string("\x0a\x01x", 3), 1, 1},
      {0, "a", "c", "s", "t", "p", 300, 129},
      {-1, "actor", "cmd", std::string(256, 's'), "reporting.v1.X",
       std::string(70000, '\xff'), ~uint64_t{0}, uint64_t{1} << 35},
      {-1700000000000000, std::string(200, 'a'), "c", "s", "t", "p", 127, 128},
  };
  for (const Case& c : cases) {
    for (const std::string& prev :
         {std::string(32, '\0'), std::string(32, 'h')}) {
      const std::string id = NewEventId();
      v1::EventEnvelope env;
      env.set_node_id("371302");
      env.set_sequence(c.seq);
      env.set_stream_id(c.stream);
      env.set_stream_version(c.version);
      env.set_event_id(id);
      env.set_event_type(c.type);
      env.set_recorded_at_us(c.recorded_at);
      env.set_actor(c.actor);
      env.set_command_id(c.command);
      env.set_payload(c.payload);
      env.set_prev_hash(prev);
      env.ByteSizeLong();
      EnvelopeEncoder encoder("371302", c.recorded_at, c.actor, c.command);
      std::string out = "prefix";
      encoder.Append(c.seq, c.stream, c.version, id, c.type, c.payload, prev,
                     &out);
      EXPECT_EQ(out, "prefix" + SerializeEnvelope(env)) << c.seq;
    }
  }
}

}  // namespace
}  // namespace reporting::storage
