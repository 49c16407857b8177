#include "storage/envelope.h"

#include <set>

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
    EXPECT_EQ(id[14], '4');  // version
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

}  // namespace
}  // namespace reporting::storage
