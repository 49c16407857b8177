#include "storage/read_model_store.h"

#include <algorithm>
#include <cstdio>
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

TEST(ReadModelStore, BulkLoadSortsKeepsTheLastPutAndSplitsFiles) {
  testutil::TempDir dir;
  auto store = ReadModelStore::Open(dir.Sub("rm"));
  ASSERT_TRUE(store.ok()) << store.status();
  // Unsorted, with a key put twice: the later value wins.
  std::vector<ReadModelStore::Put> puts = {{Family::kRows, "u/2", "B"},
                                           {Family::kCheckpoint, "1", "7"},
                                           {Family::kRows, "u/1", "old"},
                                           {Family::kRows, "u/1", "A"}};
  // Sorted runs large enough to be written as several files.
  constexpr int kMany = 90000;
  for (int i = 0; i < kMany; ++i) {
    char key[16];
    std::snprintf(key, sizeof(key), "s%08d", i);
    puts.push_back({Family::kState, key, std::to_string(i)});
  }
  ASSERT_TRUE((*store)->BulkLoad(std::move(puts)).ok());
  auto view = (*store)->NewView();
  EXPECT_EQ(Keys(*view, Family::kRows, ""),
            (std::vector<std::string>{"u/1", "u/2"}));
  std::string v;
  ASSERT_TRUE(*(*store)->Get(Family::kRows, "u/1", &v));
  EXPECT_EQ(v, "A");
  ASSERT_TRUE(*(*store)->Get(Family::kCheckpoint, "1", &v));
  EXPECT_EQ(v, "7");
  const std::vector<std::string> state = Keys(*view, Family::kState, "");
  ASSERT_EQ(state.size(), static_cast<size_t>(kMany));
  EXPECT_TRUE(std::is_sorted(state.begin(), state.end()));
  ASSERT_TRUE(*(*store)->Get(Family::kState, "s00045000", &v));
  EXPECT_EQ(v, "45000");

  // Already sorted input (what a rebuild hands over) loads the same.
  testutil::TempDir dir2;
  auto sorted = ReadModelStore::Open(dir2.Sub("rm"));
  ASSERT_TRUE(sorted.ok());
  std::vector<ReadModelStore::Put> in_order = {{Family::kState, "a", "1"},
                                               {Family::kState, "b", "2"},
                                               {Family::kRows, "n/1", "N"}};
  ASSERT_TRUE((*sorted)->BulkLoad(std::move(in_order)).ok());
  EXPECT_EQ(Keys(*(*sorted)->NewView(), Family::kState, ""),
            (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace reporting::storage
