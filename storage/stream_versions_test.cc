#include "storage/stream_versions.h"

#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace reporting::storage {
namespace {

using Pairs = std::vector<std::pair<std::string, uint64_t>>;

Pairs Listed(const StreamVersions& v) {
  Pairs out;
  for (const auto& [id, version] : v)
    out.emplace_back(std::string(id), version);
  return out;
}

TEST(StreamVersionsTest, KeepsStreamsInTheOrderTheyWereAdded) {
  StreamVersions v;
  v.Reserve(3, 20);
  v.Add("unit/371302-U0042", 3);
  v.Add("branch/B", 1);
  v.Add("", 7);  // an empty id is still its own entry
  EXPECT_EQ(Listed(v),
            (Pairs{{"unit/371302-U0042", 3}, {"branch/B", 1}, {"", 7}}));
  EXPECT_EQ(v.size(), 3u);
  EXPECT_EQ(v.Find("branch/B"), 1u);
  EXPECT_EQ(v.Find(""), 7u);
  EXPECT_EQ(v.Find("branch/"), 0u);  // a prefix of an id is another stream
  EXPECT_EQ(v.Find("unit/371302-U0042x"), 0u);
}

TEST(StreamVersionsTest, EmptyHasNothing) {
  StreamVersions v;
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.begin(), v.end());
  EXPECT_EQ(v.Find("unit/A"), 0u);
}

TEST(StreamVersionsTest, EqualityComparesIdsVersionsAndOrder) {
  StreamVersions a, b, c, d;
  a.Add("unit/A", 1);
  a.Add("unit/B", 2);
  b.Add("unit/A", 1);
  b.Add("unit/B", 2);
  c.Add("unit/B", 2);
  c.Add("unit/A", 1);
  d.Add("unit/A", 1);
  d.Add("unit/B", 3);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, d);
  // Same bytes, split differently between two ids.
  StreamVersions e, f;
  e.Add("ab", 1);
  e.Add("c", 1);
  f.Add("a", 1);
  f.Add("bc", 1);
  EXPECT_NE(e, f);
}

TEST(StreamVersionsTest, Prints) {
  StreamVersions v;
  v.Add("unit/A", 3);
  v.Add("branch/B", 1);
  std::ostringstream os;
  os << v;
  EXPECT_EQ(os.str(), "{\"unit/A\": 3, \"branch/B\": 1}");
}

TEST(StreamVersionsBuilderTest, KeepsFirstAppearanceOrderAndHighestVersion) {
  StreamVersionsBuilder b;
  b.Set("unit/A", 1);
  b.Set("branch/B", 4);
  b.Set("unit/A", 2);
  b.Set("branch/B", 3);  // lower than held: kept at 4
  b.Set("unit/C", 1);
  StreamVersions v = b.Build();
  EXPECT_EQ(Listed(v), (Pairs{{"unit/A", 2}, {"branch/B", 4}, {"unit/C", 1}}));
  StreamVersions same;
  same.Add("unit/A", 2);
  same.Add("branch/B", 4);
  same.Add("unit/C", 1);
  EXPECT_EQ(v, same);
}

}  // namespace
}  // namespace reporting::storage
