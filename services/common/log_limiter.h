// LogLimiter: at most one line per interval for a message that repeats
// (a failing write retried every few hundred milliseconds must not fill
// the log), and how many occurrences were held back in between, so the
// line that is written can say so.
//
//   LogLimiter limit(absl::Seconds(10));
//   uint64_t held_back = 0;
//   if (limit.Allow(absl::Now(), &held_back)) {
//     spdlog::error("write failed: {} ({} more since the last line)", st,
//                   held_back);
//   }
//
// Thread-compatible: one thread uses a limiter (or the caller locks).
#ifndef REPORTING_SERVICES_COMMON_LOG_LIMITER_H_
#define REPORTING_SERVICES_COMMON_LOG_LIMITER_H_

#include <cstdint>

#include "absl/time/time.h"

namespace reporting::services {

class LogLimiter {
 public:
  explicit LogLimiter(absl::Duration interval) : interval_(interval) {}

  // True for the first occurrence and then for the first one at least
  // `interval` after the last allowed one; `held_back` gets the number of
  // occurrences not allowed since the last allowed one (when allowed).
  bool Allow(absl::Time now, uint64_t* held_back);

  // Forgets the past: the next occurrence is allowed (call when the
  // condition ended, so its next start is logged at once).
  void Reset();

 private:
  const absl::Duration interval_;
  bool any_ = false;
  absl::Time last_ = absl::InfinitePast();
  uint64_t held_back_ = 0;
};

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_LOG_LIMITER_H_
