#include "services/common/log_limiter.h"

#include "gtest/gtest.h"

namespace reporting::services {
namespace {

TEST(LogLimiter, OneLinePerIntervalCountingTheRest) {
  LogLimiter limit(absl::Seconds(10));
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  uint64_t held = 99;
  EXPECT_TRUE(limit.Allow(t0, &held));
  EXPECT_EQ(held, 0u);
  // 2,000 failures in 5 s (issue 21's figure) give no further line.
  int allowed = 0;
  for (int i = 1; i <= 2000; ++i) {
    if (limit.Allow(t0 + absl::Milliseconds(i * 2.5), &held)) ++allowed;
  }
  EXPECT_EQ(allowed, 0);
  EXPECT_TRUE(limit.Allow(t0 + absl::Seconds(10), &held));
  EXPECT_EQ(held, 2000u);
  EXPECT_FALSE(limit.Allow(t0 + absl::Seconds(19), &held));
  EXPECT_TRUE(limit.Allow(t0 + absl::Seconds(20), &held));
  EXPECT_EQ(held, 1u);
}

TEST(LogLimiter, ResetLetsTheNextOccurrenceThrough) {
  LogLimiter limit(absl::Seconds(10));
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  uint64_t held = 0;
  EXPECT_TRUE(limit.Allow(t0, &held));
  EXPECT_FALSE(limit.Allow(t0 + absl::Seconds(1), &held));
  limit.Reset();
  EXPECT_TRUE(limit.Allow(t0 + absl::Seconds(2), &held));
  EXPECT_EQ(held, 0u);
}

}  // namespace
}  // namespace reporting::services
