// Sign-in rate limiting: after `max_failures` failed sign-ins within
// `window` from one client address, or for one account name, further
// attempts from that address / for that name are refused (HTTP 429) until
// the oldest failure leaves the window. Password guessing is then limited
// to max_failures per window per address and per account, whatever the
// number of addresses an attacker uses against one account.
//
// Memory is bounded: at most `max_keys` keys are tracked; when full, keys
// whose failures have all left the window are dropped first, then the
// least recently failed.
//
// Thread-safe.
#ifndef REPORTING_SERVICES_DASHBOARD_SIGN_IN_LIMITER_H_
#define REPORTING_SERVICES_DASHBOARD_SIGN_IN_LIMITER_H_

#include <cstddef>
#include <deque>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace reporting::dashboard {

class SignInLimiter {
 public:
  SignInLimiter(int max_failures, absl::Duration window,
                size_t max_keys = 10000)
      : max_failures_(max_failures), window_(window), max_keys_(max_keys) {}

  // Zero when `address` and `name` may try now; otherwise how long until
  // one of them may try again.
  absl::Duration RetryAfter(const std::string& address, const std::string& name,
                            absl::Time now);
  void RecordFailure(const std::string& address, const std::string& name,
                     absl::Time now);

 private:
  absl::Duration Wait(const std::string& key, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Add(const std::string& key, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int max_failures_;
  const absl::Duration window_;
  const size_t max_keys_;
  absl::Mutex mu_;
  // "a:" address or "n:" name -> times of its failures, oldest first.
  std::map<std::string, std::deque<absl::Time>> failures_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reporting::dashboard

#endif  // REPORTING_SERVICES_DASHBOARD_SIGN_IN_LIMITER_H_
