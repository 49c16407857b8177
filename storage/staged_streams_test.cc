#include "storage/staged_streams.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace reporting::storage {
namespace {

TEST(StagedStreamsTest, PositionsFollowFirstTouch) {
  StagedStreams s;
  s.Reset(3);
  EXPECT_EQ(s.FindOrAdd("unit/B"), 0u);
  EXPECT_EQ(s.FindOrAdd("unit/A"), 1u);
  EXPECT_EQ(s.FindOrAdd("unit/B"), 0u);  // a repeat: same position
  EXPECT_EQ(s.FindOrAdd("unit/"), 2u);   // a prefix is another stream
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[1].id, "unit/A");
  EXPECT_FALSE(s[1].resolved);
  std::vector<std::string> ids;
  for (const StagedStreams::Stream& stream : s) ids.emplace_back(stream.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"unit/B", "unit/A", "unit/"}));
}

TEST(StagedStreamsTest, ResetForgetsEverythingAndKeepsWorkingAcrossSizes) {
  StagedStreams s;
  for (size_t n : {5000u, 1u, 200u, 0u, 70000u, 3u}) {
    s.Reset(n);
    EXPECT_EQ(s.size(), 0u);
    std::vector<std::string> ids;
    for (size_t i = 0; i < n; ++i)
      ids.push_back("unit/371302-U" + std::to_string(i));
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(s.FindOrAdd(ids[i]), i) << n;
    for (size_t i = 0; i < n; i += 7) ASSERT_EQ(s.FindOrAdd(ids[i]), i) << n;
    ASSERT_EQ(s.size(), n);
    if (n > 0) s[0].resolved = true;  // forgotten by the next Reset
  }
  s.Reset(1);
  EXPECT_EQ(s.FindOrAdd("unit/371302-U0"), 0u);
  EXPECT_FALSE(s[0].resolved);
}

}  // namespace
}  // namespace reporting::storage
