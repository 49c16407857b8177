#include "services/common/log_limiter.h"

namespace reporting::services {

bool LogLimiter::Allow(absl::Time now, uint64_t* held_back) {
  if (any_ && now - last_ < interval_) {
    ++held_back_;
    return false;
  }
  *held_back = held_back_;
  held_back_ = 0;
  any_ = true;
  last_ = now;
  return true;
}

void LogLimiter::Reset() {
  any_ = false;
  held_back_ = 0;
}

}  // namespace reporting::services
