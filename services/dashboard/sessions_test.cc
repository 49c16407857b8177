#include "services/dashboard/sessions.h"

#include "gtest/gtest.h"
#include "services/dashboard/sign_in_limiter.h"

namespace reporting::dashboard {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1780000000);

TEST(Sessions, ExpireWhenIdleAndAfterTheirLifetime) {
  SessionTable t(absl::Minutes(30), absl::Hours(12));
  const std::string token = t.Create("wang", "office", kT0);
  EXPECT_EQ(token.size(), 64u);
  EXPECT_NE(t.Create("wang", "office", kT0), token);  // random, not reused
  ASSERT_TRUE(t.Find(token, kT0 + absl::Minutes(29)).has_value());
  // Used 29 minutes in: idle counts from then.
  EXPECT_TRUE(t.Find(token, kT0 + absl::Minutes(58)).has_value());
  EXPECT_FALSE(t.Find(token, kT0 + absl::Minutes(89)).has_value());
  EXPECT_FALSE(t.Find(token, kT0 + absl::Minutes(60)).has_value());  // gone

  const std::string busy = t.Create("li", "auditor", kT0);
  for (int m = 20; m < 12 * 60; m += 20) {
    ASSERT_TRUE(t.Find(busy, kT0 + absl::Minutes(m)).has_value()) << m;
  }
  EXPECT_FALSE(t.Find(busy, kT0 + absl::Hours(12) + absl::Minutes(1)));
  EXPECT_FALSE(t.Find("no such token", kT0).has_value());
}

TEST(Sessions, SignOutAndRemovedAccountsEndSessions) {
  SessionTable t(absl::Minutes(30), absl::Hours(12));
  const std::string a = t.Create("wang", "office", kT0);
  const std::string b = t.Create("wang", "office", kT0);
  const std::string c = t.Create("li", "auditor", kT0);
  t.Remove(a);
  EXPECT_FALSE(t.Find(a, kT0));
  t.RemoveAccount("wang");
  EXPECT_FALSE(t.Find(b, kT0));
  EXPECT_TRUE(t.Find(c, kT0));
}

TEST(Sessions, TableIsBounded) {
  SessionTable t(absl::Minutes(30), absl::Hours(12), 3);
  for (int i = 0; i < 10; ++i) {
    t.Create("u", "office", kT0 + absl::Seconds(i));
  }
  EXPECT_EQ(t.size(), 3u);
}

TEST(SignInLimiter, LimitsPerAddressAndPerAccount) {
  SignInLimiter l(3, absl::Minutes(15));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(l.RetryAfter("10.0.0.1", "wang", kT0), absl::ZeroDuration());
    l.RecordFailure("10.0.0.1", "wang", kT0 + absl::Seconds(i));
  }
  // The address is locked out for every account, the account from every
  // address, until the first failure leaves the window.
  EXPECT_EQ(l.RetryAfter("10.0.0.1", "li", kT0 + absl::Seconds(5)),
            absl::Minutes(15) - absl::Seconds(5));
  EXPECT_GT(l.RetryAfter("10.0.0.2", "wang", kT0 + absl::Seconds(5)),
            absl::ZeroDuration());
  EXPECT_EQ(l.RetryAfter("10.0.0.2", "li", kT0), absl::ZeroDuration());
  EXPECT_EQ(l.RetryAfter("10.0.0.1", "wang", kT0 + absl::Minutes(15)),
            absl::ZeroDuration());
}

TEST(SignInLimiter, MemoryIsBounded) {
  SignInLimiter l(3, absl::Minutes(15), 4);
  for (int i = 0; i < 100; ++i) {
    l.RecordFailure("10.0.0." + std::to_string(i), "u" + std::to_string(i),
                    kT0 + absl::Seconds(i));
  }
  // The most recent ones are still tracked (one failure each: not locked).
  EXPECT_EQ(l.RetryAfter("10.0.0.99", "u99", kT0 + absl::Seconds(100)),
            absl::ZeroDuration());
}

}  // namespace
}  // namespace reporting::dashboard
