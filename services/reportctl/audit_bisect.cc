#include "services/reportctl/audit_bisect.h"

#include <algorithm>

namespace reporting::reportctl {

absl::StatusOr<ChainComparison> CompareChains(uint64_t a_head, const HashAt& a,
                                              uint64_t b_head,
                                              const HashAt& b) {
  ChainComparison out;
  // Equal at n: the histories agree up to n. hash(0) is equal by definition.
  auto equal_at = [&](uint64_t n) -> absl::StatusOr<bool> {
    ++out.lookups;
    auto ha = a(n);
    if (!ha.ok()) return ha.status();
    auto hb = b(n);
    if (!hb.ok()) return hb.status();
    return *ha == *hb;
  };
  const uint64_t common = std::min(a_head, b_head);
  if (common == 0) return out;
  auto at_common = equal_at(common);
  if (!at_common.ok()) return at_common.status();
  if (*at_common) {
    out.consistent_up_to = common;
    return out;
  }
  // Invariant: equal at lo (0 counts), different at hi.
  uint64_t lo = 0;
  uint64_t hi = common;
  while (hi - lo > 1) {
    const uint64_t mid = lo + (hi - lo) / 2;
    auto eq = equal_at(mid);
    if (!eq.ok()) return eq.status();
    (*eq ? lo : hi) = mid;
  }
  out.consistent_up_to = lo;
  out.diverges_at = hi;
  return out;
}

}  // namespace reporting::reportctl
