// ClockWatch: the county node's clock against its own log (issue 21,
// point 4). Events are recorded at the node's clock (NodeEnv::now_us). A
// clock set back (after running ahead, say) records new events before
// events already in the log: the log's order (sequence) is unaffected, but
// its recorded times run backwards. Each command recorded more than
// kClockBackwardsTolerance before the latest time the log holds is counted
// (`reporting_county_clock_backwards_total`), and the first of each such
// episode is logged as a warning saying how far back the clock is; so is a
// start with the clock behind the log's head. Dates from clerks in the
// node's future are refused separately (future_dates.h).
//
// Thread-safe.
#ifndef REPORTING_SERVICES_COUNTY_CLOCK_WATCH_H_
#define REPORTING_SERVICES_COUNTY_CLOCK_WATCH_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/event_log.h"

namespace reporting::county {

// Steps back smaller than this (concurrent commands reading the clock in
// one order and recording in another, NTP slewing) are not counted.
inline constexpr absl::Duration kClockBackwardsTolerance = absl::Seconds(1);

// recorded_at of the log's last event, microseconds; 0 for an empty log
// (or one whose head cannot be read).
int64_t HeadRecordedAt(const storage::EventLog& log);

class ClockWatch {
 public:
  // `latest_us`: HeadRecordedAt of the node's log; `now_us`: the clock at
  // start (a warning when it is behind). `on_backwards` is called once per
  // command counted (the metric); may be empty.
  ClockWatch(std::string node_id, int64_t latest_us, int64_t now_us,
             std::function<void()> on_backwards);

  // A command is about to record events at `recorded_at_us`.
  void Observe(int64_t recorded_at_us);

  // Commands counted so far.
  uint64_t backwards() const;

 private:
  const std::string node_id_;
  const std::function<void()> on_backwards_;
  mutable absl::Mutex mu_;
  int64_t latest_us_ ABSL_GUARDED_BY(mu_);
  bool behind_ ABSL_GUARDED_BY(mu_) = false;  // in an episode
  uint64_t backwards_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_CLOCK_WATCH_H_
