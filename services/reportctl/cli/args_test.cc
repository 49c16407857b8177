#include "services/reportctl/cli/args.h"

#include "gtest/gtest.h"

namespace reporting::reportctl {
namespace {

TEST(ArgsTest, ParsesEqualsSpaceBoolAndPositional) {
  auto args = Args::Parse(
      {"--city=h:1", "--nodes", "12", "--json", "a.csv", "--", "--literal"},
      {"city", "nodes"}, {"json"});
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(args->Get("city"), "h:1");
  EXPECT_EQ(*args->GetInt("nodes", 0), 12);
  EXPECT_TRUE(args->GetBool("json"));
  EXPECT_FALSE(args->GetBool("csv"));
  EXPECT_EQ(args->positional(),
            (std::vector<std::string>{"a.csv", "--literal"}));
}

TEST(ArgsTest, RefusesUnknownFlagAndMissingValue) {
  auto unknown = Args::Parse({"--citty=x"}, {"city"}, {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("--citty"), std::string::npos);
  auto missing = Args::Parse({"--city"}, {"city"}, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("needs a value"),
            std::string::npos);
}

TEST(ArgsTest, IntAndRequireNameTheFlag) {
  auto args = Args::Parse({"--nodes=twelve"}, {"nodes", "city"}, {});
  ASSERT_TRUE(args.ok());
  auto n = args->GetInt("nodes", 1);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("--nodes=twelve"), std::string::npos);
  auto city = args->Require("city");
  ASSERT_FALSE(city.ok());
  EXPECT_EQ(city.status().message(), "--city is required");
}

}  // namespace
}  // namespace reporting::reportctl
