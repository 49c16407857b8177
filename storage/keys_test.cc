#include "storage/keys.h"

#include <limits>

#include "gtest/gtest.h"
#include "storage/event_log.h"

namespace reporting::storage::keys {
namespace {

TEST(Keys, Be64IsBigEndianAndRoundTrips) {
  EXPECT_EQ(Be64(0x0102030405060708ull),
            std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{255}, uint64_t{256},
                     std::numeric_limits<uint64_t>::max()}) {
    EXPECT_EQ(GetBe64(Be64(v)), v);
  }
}

TEST(Keys, EventKeysSortNumerically) {
  EXPECT_LT(EventKey(9), EventKey(10));
  EXPECT_LT(EventKey(255), EventKey(256));
  uint64_t seq = 0;
  EXPECT_TRUE(DecodeEventKey(EventKey(42), &seq));
  EXPECT_EQ(seq, 42u);
  EXPECT_FALSE(DecodeEventKey("short", &seq));
}

TEST(Keys, OrderedTimeKeepsSignedOrder) {
  const int64_t times[] = {
      std::numeric_limits<int64_t>::min(), -1000000, -1, 0, 1, 1700000000000000,
      std::numeric_limits<int64_t>::max()};
  for (size_t i = 0; i + 1 < sizeof(times) / sizeof(times[0]); ++i) {
    EXPECT_LT(Be64(OrderedTime(times[i])), Be64(OrderedTime(times[i + 1])));
    EXPECT_EQ(FromOrderedTime(OrderedTime(times[i])), times[i]);
  }
}

TEST(Keys, StreamIndexKeysGroupByStreamThenVersion) {
  EXPECT_EQ(StreamIndexKey("unit/1", 2),
            std::string("unit/1\0\0\0\0\0\0\0\0\2", 15));
  EXPECT_LT(StreamIndexKey("unit/1", 2), StreamIndexKey("unit/1", 10));
  // A stream whose id extends another's sorts after all of the shorter
  // one's versions.
  EXPECT_LT(StreamIndexKey("unit/1", ~uint64_t{0}),
            StreamIndexKey("unit/10", 1));
  uint64_t v = 0;
  EXPECT_TRUE(DecodeStreamIndexKey(StreamIndexKey("s", 7), 2, &v));
  EXPECT_EQ(v, 7u);
}

TEST(Keys, TypeIndexKeysSortByTimeThenSequence) {
  const std::string t = "reporting.v1.UnitRegistered";
  EXPECT_LT(TypeIndexKey(t, -5, 9), TypeIndexKey(t, 3, 1));
  EXPECT_LT(TypeIndexKey(t, 3, 1), TypeIndexKey(t, 3, 2));
  int64_t at = 0;
  uint64_t seq = 0;
  EXPECT_TRUE(DecodeTypeIndexKey(TypeIndexKey(t, -7, 12),
                                 TypeIndexPrefix(t).size(), &at, &seq));
  EXPECT_EQ(at, -7);
  EXPECT_EQ(seq, 12u);
}

TEST(Keys, ValuesRoundTrip) {
  const std::string hash(kHashBytes, 'h');
  absl::string_view h, env;
  const std::string value = EventValue(hash, "bytes");
  ASSERT_TRUE(DecodeEventValue(value, &h, &env));
  EXPECT_EQ(h, hash);
  EXPECT_EQ(env, "bytes");
  EXPECT_FALSE(DecodeEventValue("short", &h, &env));

  uint64_t seq = 0;
  std::string got;
  ASSERT_TRUE(DecodeHeadValue(HeadValue(77, hash), &seq, &got));
  EXPECT_EQ(seq, 77u);
  EXPECT_EQ(got, hash);
  EXPECT_FALSE(DecodeHeadValue("x", &seq, &got));
}

TEST(Keys, CommandRecordsAcceptedWithOrWithoutDigestAndRefused) {
  const std::string digest(kDigestBytes, 'd');
  CommandValueView v;
  // Accepted, as earlier versions wrote it: no digest.
  ASSERT_TRUE(DecodeCommandValue(CommandValue(5, 9), &v));
  EXPECT_FALSE(v.refused);
  EXPECT_EQ(v.first_sequence, 5u);
  EXPECT_EQ(v.last_sequence, 9u);
  EXPECT_TRUE(v.digest.empty());
  // Accepted with the request's digest.
  const std::string with = CommandValue(5, 9, digest);
  EXPECT_EQ(with.size(), 48u);
  ASSERT_TRUE(DecodeCommandValue(with, &v));
  EXPECT_EQ(v.digest, digest);
  EXPECT_EQ(v.last_sequence, 9u);
  // Refused: be64(0) be32(code) u8(32) digest message, byte for byte.
  std::string refused;
  RefusalValueTo(&refused, 9, digest, "not planned yet");
  EXPECT_EQ(refused, std::string(8, '\0') + std::string("\0\0\0\x09", 4) +
                         "\x20" + digest + "not planned yet");
  ASSERT_TRUE(DecodeCommandValue(refused, &v));
  EXPECT_TRUE(v.refused);
  EXPECT_EQ(v.code, 9);
  EXPECT_EQ(v.digest, digest);
  EXPECT_EQ(v.message, "not planned yet");
  RefusalValueTo(&refused, 5, "", "");  // no digest, empty message
  ASSERT_TRUE(DecodeCommandValue(refused, &v));
  EXPECT_EQ(v.code, 5);
  EXPECT_TRUE(v.digest.empty());
  EXPECT_TRUE(v.message.empty());
  // Malformed: short, a digest of another size, a range backwards, code 0.
  EXPECT_FALSE(DecodeCommandValue("x", &v));
  EXPECT_FALSE(DecodeCommandValue(CommandValue(5, 9, "short"), &v));
  EXPECT_FALSE(DecodeCommandValue(CommandValue(9, 5), &v));
  RefusalValueTo(&refused, 0, "", "ok?");
  EXPECT_FALSE(DecodeCommandValue(refused, &v));
  RefusalValueTo(&refused, 9, "short", "m");
  EXPECT_FALSE(DecodeCommandValue(refused, &v));
}

TEST(Keys, ReceivedAtRangesAndTheOlderPerEventForm) {
  uint64_t first = 0, last = 0;
  int64_t at = 0;
  ASSERT_TRUE(DecodeReceivedAt(ReceivedAtKey(1000), ReceivedAtValue(1, -3),
                               &first, &last, &at));
  EXPECT_EQ(first, 1u);
  EXPECT_EQ(last, 1000u);
  EXPECT_EQ(at, -3);
  // Ranges sort by their last sequence.
  EXPECT_LT(ReceivedAtKey(999), ReceivedAtKey(1000));
  // An older copy wrote be64(sequence) -> be64(received_at_us) per event.
  ASSERT_TRUE(DecodeReceivedAt(Be64(7), Be64(123), &first, &last, &at));
  EXPECT_EQ(first, 7u);
  EXPECT_EQ(last, 7u);
  EXPECT_EQ(at, 123);
  EXPECT_FALSE(DecodeReceivedAt(Be64(7), "x", &first, &last, &at));
  EXPECT_FALSE(DecodeReceivedAt("x", Be64(1), &first, &last, &at));
  EXPECT_FALSE(DecodeReceivedAt(ReceivedAtKey(5), ReceivedAtValue(6, 1), &first,
                                &last, &at));
  EXPECT_FALSE(DecodeReceivedAt(ReceivedAtKey(5), ReceivedAtValue(0, 1), &first,
                                &last, &at));
}

TEST(Keys, ReceiptRoundTrip) {
  Receipt r;
  r.number = 3;
  r.first_sequence = 11;
  r.last_sequence = 20;
  r.last_hash = std::string(32, 'a');
  r.received_at_us = -7;
  r.prev_hash = std::string(32, 'p');
  r.hash = std::string(32, 'h');
  Receipt got;
  ASSERT_TRUE(DecodeReceipt(ReceiptKey(20), ReceiptValue(r), &got));
  EXPECT_EQ(got.number, 3u);
  EXPECT_EQ(got.first_sequence, 11u);
  EXPECT_EQ(got.last_sequence, 20u);
  EXPECT_EQ(got.last_hash, r.last_hash);
  EXPECT_EQ(got.received_at_us, -7);
  EXPECT_EQ(got.prev_hash, r.prev_hash);
  EXPECT_EQ(got.hash, r.hash);
  EXPECT_FALSE(DecodeReceipt(ReceiptKey(10), ReceiptValue(r), &got));  // 11>10
  EXPECT_FALSE(DecodeReceipt(ReceiptKey(20), "short", &got));
}

}  // namespace
}  // namespace reporting::storage::keys
