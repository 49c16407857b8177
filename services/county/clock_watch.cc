#include "services/county/clock_watch.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "reporting/v1/envelope.pb.h"
#include "spdlog/spdlog.h"

namespace reporting::county {
namespace {

double Seconds(int64_t us) { return static_cast<double>(us) / 1e6; }

}  // namespace

int64_t HeadRecordedAt(const storage::EventLog& log) {
  const uint64_t head = log.GetHead().sequence;
  if (head == 0) return 0;
  absl::StatusOr<storage::StoredEvent> stored = log.ReadOne(head);
  v1::EventEnvelope envelope;
  if (!stored.ok() || !envelope.ParseFromString(stored->envelope)) return 0;
  return envelope.recorded_at_us();
}

ClockWatch::ClockWatch(std::string node_id, int64_t latest_us, int64_t now_us,
                       std::function<void()> on_backwards)
    : node_id_(std::move(node_id)),
      on_backwards_(std::move(on_backwards)),
      latest_us_(latest_us) {
  if (now_us <
      latest_us - absl::ToInt64Microseconds(kClockBackwardsTolerance)) {
    spdlog::warn(
        "node {}: the clock is {:.1f} s behind the last time recorded in the "
        "log ({}): new events will be recorded before it; if the clock ran "
        "ahead before, the events recorded then carry its times",
        node_id_, Seconds(latest_us - now_us),
        absl::FormatTime(absl::FromUnixMicros(latest_us)));
  }
}

void ClockWatch::Observe(int64_t recorded_at_us) {
  bool warn = false;
  int64_t latest = 0;
  {
    absl::MutexLock lock(&mu_);
    latest = latest_us_;
    if (recorded_at_us >=
        latest_us_ - absl::ToInt64Microseconds(kClockBackwardsTolerance)) {
      behind_ = false;
      if (recorded_at_us > latest_us_) latest_us_ = recorded_at_us;
      return;
    }
    ++backwards_;
    warn = !behind_;
    behind_ = true;
  }
  if (on_backwards_) on_backwards_();
  if (warn) {
    spdlog::warn(
        "node {}: recorded times run backwards: the clock is {:.1f} s behind "
        "the latest time in the log ({}); counted in "
        "reporting_county_clock_backwards_total until the clock passes it. "
        "Check the node's clock (NTP)",
        node_id_, Seconds(latest - recorded_at_us),
        absl::FormatTime(absl::FromUnixMicros(latest)));
  }
}

uint64_t ClockWatch::backwards() const {
  absl::MutexLock lock(&mu_);
  return backwards_;
}

}  // namespace reporting::county
