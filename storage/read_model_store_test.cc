#include "storage/read_model_store.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

using Family = ReadModelStore::Family;
using namespace std::string_literals;

std::vector<std::string> Keys(const ReadModelStore::View& view, Family f,
                              absl::string_view prefix,
                              absl::string_view start = "") {
  std::vector<std::string> keys;
  EXPECT_TRUE(view.Scan(f, prefix, start,
                        [&](absl::string_view k, absl::string_view) {
                          keys.emplace_back(k);
                          return true;
                        })
                  .ok());
  return keys;
}

TEST(ReadModelStore, ApplyGetScanAndReopen) {
  testutil::TempDir dir;
  const std::string path = dir.Sub("rm");
  {
    auto store = ReadModelStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ReadModelStore::WriteSet w;
    w.sync = true;
    w.puts = {{Family::kRows, "u/1\0a"s, "A"},
              {Family::kRows, "u/1\0b"s, "B"},
              {Family::kRows, "u/2\0a"s, "C"},
              {Family::kRows, "n/1", "N"},
              {Family::kCheckpoint, "1", "7"}};
    ASSERT_TRUE((*store)->Apply(w).ok());
    auto view = (*store)->NewView();
    EXPECT_EQ(Keys(*view, Family::kRows, "u/").size(), 3u);
    EXPECT_EQ(Keys(*view, Family::kRows, "u/2").size(), 1u);
    // Start after a key within the prefix (paging).
    EXPECT_EQ(Keys(*view, Family::kRows, "u/", "u/1\0b"s).front(), "u/1\0b"s);
    // Families are separate.
    EXPECT_TRUE(Keys(*view, Family::kState, "").empty());
    // The view is a snapshot: later writes are not in it.
    ReadModelStore::WriteSet w2;
    w2.puts = {{Family::kRows, "u/3\0a"s, "D"}};
    ASSERT_TRUE((*store)->Apply(w2).ok());
    EXPECT_EQ(Keys(*view, Family::kRows, "u/").size(), 3u);
    EXPECT_EQ(Keys(*(*store)->NewView(), Family::kRows, "u/").size(), 4u);
  }
  auto store = ReadModelStore::Open(path);
  ASSERT_TRUE(store.ok());
  std::string v;
  auto found = (*store)->Get(Family::kCheckpoint, "1", &v);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(*found);
  EXPECT_EQ(v, "7");
  found = (*store)->Get(Family::kMeta, "model_version", &v);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(*found);
  ASSERT_TRUE((*store)->Close().ok());
  ASSERT_TRUE(ReadModelStore::Destroy(path).ok());
  ASSERT_TRUE(ReadModelStore::Destroy(path).ok());  // absent: OK
}

}  // namespace
}  // namespace reporting::storage
