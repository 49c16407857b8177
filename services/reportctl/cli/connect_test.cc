#include "services/reportctl/cli/connect.h"

#include "gtest/gtest.h"

namespace reporting::reportctl {
namespace {

TEST(FailureLine, CodeAndMessage) {
  EXPECT_EQ(FailureLine("overview", absl::StatusCode::kInvalidArgument,
                        "today \"2026-13-45\" is not a date"),
            "reportctl: overview: INVALID_ARGUMENT: today \"2026-13-45\" is "
            "not a date");
}

// A county node has no QueryService: gRPC answers UNIMPLEMENTED with no
// message, which says nothing to the person who typed the address.
TEST(FailureLine, ABareUnimplementedNamesTheLikelyWrongAddress) {
  const std::string line =
      FailureLine("overview", absl::StatusCode::kUnimplemented, "");
  EXPECT_EQ(line.rfind("reportctl: overview: UNIMPLEMENTED: the server at "
                       "that address does not offer this call",
                       0),
            0u)
      << line;
  EXPECT_NE(line.find("--city is the city aggregator"), std::string::npos);
  // A server's own UNIMPLEMENTED message is passed on as it is.
  EXPECT_EQ(FailureLine("x", absl::StatusCode::kUnimplemented, "not yet"),
            "reportctl: x: UNIMPLEMENTED: not yet");
}

}  // namespace
}  // namespace reporting::reportctl
