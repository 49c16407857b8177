#include "storage/envelope_view.h"

#include <random>
#include <string>

#include "gtest/gtest.h"
#include "reporting/v1/envelope.pb.h"
#include "storage/envelope.h"

namespace reporting::storage {
namespace {

std::string Sample() {
  v1::EventEnvelope env;
  env.set_node_id("371302");
  env.set_sequence(12345678901ull);
  env.set_stream_id("unit/371302-U0042");
  env.set_stream_version(3);
  env.set_event_id("0f8fad5b-d9cb-469f-a165-70867728950e");
  env.set_event_type("reporting.v1.UnitRegistered");
  env.set_recorded_at_us(-5);  // negative: a 10-byte varint
  env.set_actor("clerk:王@371302");
  env.set_command_id("cmd-1");
  env.set_payload(std::string("\x00\xff payload", 10));
  env.set_prev_hash(std::string(32, '\x7f'));
  return SerializeEnvelope(env);
}

// Decodes `bytes` both ways: they must agree on success and on every field.
void ExpectSameAsProtobuf(const std::string& bytes) {
  v1::EventEnvelope env;
  EnvelopeView view;
  const bool parsed = env.ParseFromString(bytes);
  ASSERT_EQ(DecodeEnvelopeView(bytes, &view), parsed)
      << "protobuf " << (parsed ? "accepts" : "refuses") << " " << bytes.size()
      << " bytes";
  if (!parsed) return;
  EXPECT_EQ(view.node_id, env.node_id());
  EXPECT_EQ(view.sequence, env.sequence());
  EXPECT_EQ(view.stream_id, env.stream_id());
  EXPECT_EQ(view.stream_version, env.stream_version());
  EXPECT_EQ(view.event_id, env.event_id());
  EXPECT_EQ(view.event_type, env.event_type());
  EXPECT_EQ(view.recorded_at_us, env.recorded_at_us());
  EXPECT_EQ(view.actor, env.actor());
  EXPECT_EQ(view.command_id, env.command_id());
  EXPECT_EQ(view.payload, env.payload());
  EXPECT_EQ(view.prev_hash, env.prev_hash());
}

TEST(EnvelopeViewTest, DecodesEveryFieldAsViewsIntoTheBytes) {
  const std::string bytes = Sample();
  EnvelopeView v;
  ASSERT_TRUE(DecodeEnvelopeView(bytes, &v));
  EXPECT_EQ(v.node_id, "371302");
  EXPECT_EQ(v.recorded_at_us, -5);
  EXPECT_GE(v.prev_hash.data(), bytes.data());
  EXPECT_LE(v.prev_hash.data() + v.prev_hash.size(),
            bytes.data() + bytes.size());
  ExpectSameAsProtobuf(bytes);
  ExpectSameAsProtobuf("");  // all defaults
}

TEST(EnvelopeViewTest, AgreesWithProtobufOnEveryTruncation) {
  const std::string bytes = Sample();
  for (size_t n = 0; n <= bytes.size(); ++n) {
    ExpectSameAsProtobuf(bytes.substr(0, n));
  }
}

TEST(EnvelopeViewTest, AgreesWithProtobufOnMutatedBytes) {
  const std::string bytes = Sample();
  std::mt19937 rng(42);
  for (int i = 0; i < 20000; ++i) {
    std::string b = bytes;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) {
      b[rng() % b.size()] = static_cast<char>(rng() & 0xff);
    }
    ExpectSameAsProtobuf(b);
  }
}

TEST(EnvelopeViewTest, AgreesWithProtobufOnWireFormatCorners) {
  const std::string s = Sample();
  // A repeated field: the last value wins.
  ExpectSameAsProtobuf(s + std::string("\x0a\x03"
                                       "abc",
                                       5));
  // Unknown fields of every wire type, and an unknown group.
  ExpectSameAsProtobuf(s + std::string("\x60\x96\x01", 3));  // 12 varint
  ExpectSameAsProtobuf(s + std::string("\x61", 1) + std::string(8, 'x'));
  ExpectSameAsProtobuf(s + std::string("\x62\x02hi", 4));
  ExpectSameAsProtobuf(s + std::string("\x65", 1) + std::string(4, 'x'));
  ExpectSameAsProtobuf(s + std::string("\x63\x68\x01\x64", 4));  // group
  ExpectSameAsProtobuf(s + std::string("\x63\x68\x01\x6c", 4));  // wrong end
  ExpectSameAsProtobuf(s + std::string("\x64", 1));              // end group
  ExpectSameAsProtobuf(s + std::string("\x66\x00", 2));          // wire 6
  // A known field number with another wire type is an unknown field.
  ExpectSameAsProtobuf(s + std::string("\x08\x05", 2));   // node_id as varint
  ExpectSameAsProtobuf(s + std::string("\x12\x01x", 3));  // sequence as bytes
  // Field number 0; a zero tag.
  ExpectSameAsProtobuf(s + std::string("\x02\x00", 2));
  ExpectSameAsProtobuf(s + std::string("\x00", 1));
  // Invalid UTF-8 in a string field is refused; in a bytes field it is not.
  ExpectSameAsProtobuf(std::string("\x0a\x02\xc3\x28", 4));
  ExpectSameAsProtobuf(std::string("\x2a\x01\xff", 3));
  ExpectSameAsProtobuf(std::string("\x52\x02\xc3\x28", 4));
  // Over-long varints.
  ExpectSameAsProtobuf(std::string("\x10") + std::string(10, '\xff') + "\x01");
  ExpectSameAsProtobuf(std::string("\x10") + std::string(9, '\xff') + "\x7f");
  ExpectSameAsProtobuf(std::string("\x0a\xff\xff\xff\xff\x0f", 6));
  // A 5-byte tag with bits past 32: protobuf drops them (an unknown
  // varint field here, or known field 2 when what is left is its tag); a
  // sixth byte is refused. Found by envelope_fuzz
  // (tests/fuzz/regressions/envelope/).
  ExpectSameAsProtobuf(s + std::string("\xf0\xef\xe5\xb7\x48\x01", 6));
  ExpectSameAsProtobuf(s + std::string("\x90\x80\x80\x80\x10\x07", 6));
  ExpectSameAsProtobuf(s + std::string("\x90\x80\x80\x80\x90\x00\x07", 7));
  ExpectSameAsProtobuf(s + std::string("\x80\x80\x80\x80\x10\x07", 6));
}

}  // namespace
}  // namespace reporting::storage
