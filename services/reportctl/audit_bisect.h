// Where two copies of one node's log part: the county's log and the city's
// copy are compared by their chain hashes alone. hash(n) covers every event
// up to n (storage/README.md "Hash chain"), so equal hashes at n mean equal
// histories up to n, and the first difference is found by bisection in
// O(log n) lookups.
//
// Thread-compatible; pure apart from the lookups it is given.
#ifndef REPORTING_SERVICES_REPORTCTL_AUDIT_BISECT_H_
#define REPORTING_SERVICES_REPORTCTL_AUDIT_BISECT_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"

namespace reporting::reportctl {

// The chain hash of one log at a sequence (1..its head).
using HashAt = std::function<absl::StatusOr<std::string>(uint64_t sequence)>;

struct ChainComparison {
  // Both logs hold identical events 1..consistent_up_to.
  uint64_t consistent_up_to = 0;
  // 0 when the shorter log is a prefix of the longer one; otherwise the
  // first sequence whose events differ (consistent_up_to + 1).
  uint64_t diverges_at = 0;
  uint64_t lookups = 0;  // hash lookups made (each one per log)
};

// Compares two logs with heads a_head and b_head. A failed lookup is
// returned as is.
absl::StatusOr<ChainComparison> CompareChains(uint64_t a_head, const HashAt& a,
                                              uint64_t b_head, const HashAt& b);

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_AUDIT_BISECT_H_
