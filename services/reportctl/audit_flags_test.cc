// The replay filter flags and time parsing of `reportctl audit`.
#include "services/reportctl/audit_flags.h"

#include "gtest/gtest.h"

namespace reporting::reportctl {
namespace {

Args Parse(const std::vector<std::string>& words) {
  auto args = Args::Parse(words, ReplayFilterFlags(), {});
  EXPECT_TRUE(args.ok()) << args.status();
  return *args;
}

TEST(AuditFlagsTest, Times) {
  EXPECT_EQ(*ParseTimeFlag("t", "1719792000000000"), 1719792000000000);
  EXPECT_EQ(*ParseTimeFlag("t", "2024-07-01T00:00:00Z"), 1719792000000000);
  EXPECT_EQ(*ParseTimeFlag("t", "2024-07-01T08:00:00.5+08:00"),
            1719792000500000);
  EXPECT_EQ(*ParseTimeFlag("t", "2024-07-01"), 1719792000000000);
  EXPECT_EQ(*ParseTimeFlag("t", "2024-07-01", /*end_of_day=*/true),
            1719792000000000 + 86400000000 - 1);
  auto bad = ParseTimeFlag("recorded_from", "yesterday");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("--recorded_from=yesterday"),
            absl::string_view::npos);
}

TEST(AuditFlagsTest, ReplayRequest) {
  auto r = ReplayRequestFrom(
      Parse({"--node=371302", "--from", "5", "--to=9", "--type=SurveyRecorded",
             "--actor", "clerk:a", "--recorded_to=2024-07-02"}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->node_id(), "371302");
  EXPECT_EQ(r->from_sequence(), 5u);
  EXPECT_EQ(r->to_sequence(), 9u);
  EXPECT_EQ(r->event_type(), "reporting.v1.SurveyRecorded");
  EXPECT_EQ(r->recorded_to_us(), 1719878400000000);
  EXPECT_FALSE(ReplayRequestFrom(Parse({"--from=9", "--to=5"})).ok());
  EXPECT_FALSE(ReplayRequestFrom(Parse({"--from=x"})).ok());
  EXPECT_EQ(ReplayRequestFrom(Parse({"--type=reporting.v1.X"}))->event_type(),
            "reporting.v1.X");
}

}  // namespace
}  // namespace reporting::reportctl
