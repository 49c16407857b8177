#include "storage/command_filter.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace reporting::storage {
namespace {

CommandFilter::Scan ScanOf(std::vector<std::string> ids, int* scans) {
  return [ids, scans](const std::function<void(absl::string_view)>& visit) {
    ++*scans;
    for (const std::string& id : ids) visit(id);
    return absl::OkStatus();
  };
}

TEST(CommandFilterTest, UnbuiltMayContainAnything) {
  CommandFilter f;
  EXPECT_FALSE(f.built());
  EXPECT_TRUE(f.MayContain("cmd-1"));  // unknown until built: look it up
}

TEST(CommandFilterTest, BuiltOnceFromTheScanThenAdded) {
  CommandFilter f;
  int scans = 0;
  ASSERT_TRUE(f.EnsureBuilt(ScanOf({"cmd-1", "cmd-2"}, &scans)).ok());
  ASSERT_TRUE(f.EnsureBuilt(ScanOf({"cmd-1", "cmd-2"}, &scans)).ok());
  EXPECT_EQ(scans, 1);
  EXPECT_TRUE(f.built());
  EXPECT_TRUE(f.MayContain("cmd-1"));
  EXPECT_TRUE(f.MayContain("cmd-2"));
  EXPECT_FALSE(f.MayContain("cmd-3"));
  EXPECT_FALSE(f.MayContain("cmd-"));  // a prefix is another id
  f.Add("cmd-3");
  EXPECT_TRUE(f.MayContain("cmd-3"));
  EXPECT_EQ(f.size(), 3u);
}

TEST(CommandFilterTest, AddAndCheckAnswersWhatMayContainDidBefore) {
  CommandFilter f;
  EXPECT_TRUE(f.AddAndCheck("cmd-0"));  // unbuilt: anything may be held
  int scans = 0;
  ASSERT_TRUE(f.EnsureBuilt(ScanOf({"cmd-1"}, &scans)).ok());
  EXPECT_TRUE(f.AddAndCheck("cmd-1"));   // held
  EXPECT_FALSE(f.AddAndCheck("cmd-2"));  // new: now recorded
  EXPECT_TRUE(f.AddAndCheck("cmd-2"));   // a repeat
  EXPECT_TRUE(f.MayContain("cmd-0"));
}

TEST(CommandFilterTest, AFailedScanLeavesItUnbuiltAndKeepsWhatWasAdded) {
  CommandFilter f;
  f.Add("cmd-0");  // staged before the filter was built
  absl::Status failed =
      f.EnsureBuilt([](const std::function<void(absl::string_view)>& visit) {
        visit("cmd-1");
        return absl::DataLossError("corrupt block");
      });
  EXPECT_EQ(failed.code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(f.built());
  EXPECT_TRUE(f.MayContain("cmd-9"));  // still unbuilt: look everything up
  int scans = 0;
  ASSERT_TRUE(f.EnsureBuilt(ScanOf({"cmd-1", "cmd-2"}, &scans)).ok());
  EXPECT_TRUE(f.MayContain("cmd-0"));
  EXPECT_TRUE(f.MayContain("cmd-2"));
  EXPECT_FALSE(f.MayContain("cmd-9"));
}

}  // namespace
}  // namespace reporting::storage
