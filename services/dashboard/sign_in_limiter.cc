#include "services/dashboard/sign_in_limiter.h"

#include <algorithm>
#include <iterator>

namespace reporting::dashboard {

absl::Duration SignInLimiter::Wait(const std::string& key, absl::Time now) {
  auto it = failures_.find(key);
  if (it == failures_.end()) return absl::ZeroDuration();
  std::deque<absl::Time>& times = it->second;
  while (!times.empty() && now - times.front() >= window_) times.pop_front();
  if (times.empty()) {
    failures_.erase(it);
    return absl::ZeroDuration();
  }
  if (static_cast<int>(times.size()) < max_failures_) {
    return absl::ZeroDuration();
  }
  return times.front() + window_ - now;
}

void SignInLimiter::Add(const std::string& key, absl::Time now) {
  if (failures_.size() >= max_keys_ && failures_.count(key) == 0) {
    for (auto it = failures_.begin(); it != failures_.end();) {
      it = now - it->second.back() >= window_ ? failures_.erase(it)
                                              : std::next(it);
    }
    if (failures_.size() >= max_keys_) {
      auto oldest = failures_.begin();
      for (auto it = failures_.begin(); it != failures_.end(); ++it) {
        if (it->second.back() < oldest->second.back()) oldest = it;
      }
      failures_.erase(oldest);
    }
  }
  std::deque<absl::Time>& times = failures_[key];
  times.push_back(now);
  while (static_cast<int>(times.size()) > max_failures_) times.pop_front();
}

absl::Duration SignInLimiter::RetryAfter(const std::string& address,
                                         const std::string& name,
                                         absl::Time now) {
  absl::MutexLock lock(&mu_);
  return std::max(Wait("a:" + address, now), Wait("n:" + name, now));
}

void SignInLimiter::RecordFailure(const std::string& address,
                                  const std::string& name, absl::Time now) {
  absl::MutexLock lock(&mu_);
  Add("a:" + address, now);
  Add("n:" + name, now);
}

}  // namespace reporting::dashboard
