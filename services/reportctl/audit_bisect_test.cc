// CompareChains over fake logs: the first differing sequence is found for
// every position, with a logarithmic number of lookups; prefixes are
// consistent; lookup errors pass through.
#include "services/reportctl/audit_bisect.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace reporting::reportctl {
namespace {

// A fake chain: hash(n) depends on every "event" up to n, like the real one.
class FakeLog {
 public:
  explicit FakeLog(std::vector<std::string> events) : events_(events) {
    std::string h = "0";
    for (const auto& e : events_) {
      h = std::to_string(std::hash<std::string>()(h + "|" + e));
      hashes_.push_back(h);
    }
  }
  uint64_t head() const { return events_.size(); }
  HashAt lookup() const {
    return [this](uint64_t n) -> absl::StatusOr<std::string> {
      if (n == 0 || n > hashes_.size()) {
        return absl::OutOfRangeError(absl::StrCat("no sequence ", n));
      }
      return hashes_[n - 1];
    };
  }

 private:
  std::vector<std::string> events_;
  std::vector<std::string> hashes_;
};

std::vector<std::string> Events(int n) {
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i) out.push_back(absl::StrCat("event-", i));
  return out;
}

TEST(CompareChainsTest, FindsEveryDivergencePoint) {
  const int n = 100;
  const FakeLog county(Events(n));
  for (int at = 1; at <= n; ++at) {
    auto changed = Events(n);
    changed[at - 1] = "tampered";
    const FakeLog city(changed);
    auto r = CompareChains(county.head(), county.lookup(), city.head(),
                           city.lookup());
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->diverges_at, static_cast<uint64_t>(at));
    EXPECT_EQ(r->consistent_up_to, static_cast<uint64_t>(at - 1));
    EXPECT_LE(r->lookups, 9u);  // 1 + ceil(log2(100))
  }
}

TEST(CompareChainsTest, PrefixIsConsistentEitherWay) {
  const FakeLog county(Events(50));
  auto shorter = Events(50);
  shorter.resize(30);
  const FakeLog city(shorter);
  auto r =
      CompareChains(county.head(), county.lookup(), city.head(), city.lookup());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->consistent_up_to, 30u);
  EXPECT_EQ(r->diverges_at, 0u);
  EXPECT_EQ(r->lookups, 1u);
  r = CompareChains(city.head(), city.lookup(), county.head(), county.lookup());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->consistent_up_to, 30u);
}

TEST(CompareChainsTest, DivergenceInsideTheShorterLog) {
  auto a = Events(40);
  auto b = Events(25);
  b[9] = "other";
  const FakeLog county(a), city(b);
  auto r =
      CompareChains(county.head(), county.lookup(), city.head(), city.lookup());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->diverges_at, 10u);
  EXPECT_EQ(r->consistent_up_to, 9u);
}

TEST(CompareChainsTest, EmptyLogsAndLookupErrors) {
  const FakeLog empty({});
  const FakeLog some(Events(3));
  auto r =
      CompareChains(empty.head(), empty.lookup(), some.head(), some.lookup());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->consistent_up_to, 0u);
  EXPECT_EQ(r->lookups, 0u);
  HashAt failing = [](uint64_t) -> absl::StatusOr<std::string> {
    return absl::UnavailableError("city down");
  };
  r = CompareChains(3, failing, some.head(), some.lookup());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace reporting::reportctl
