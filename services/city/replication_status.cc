// ReplicationServiceImpl's status: what GetStatus, freshness and /metrics
// report per node, from the copy's head and what the service heard
// (replication.proto ReplicationState says what each state means).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/city/replication_service.h"

namespace reporting::city {

v1::NodeReplicationStatus ReplicationServiceImpl::StatusOf(
    const std::string& node, const storage::Head& head) const {
  v1::NodeReplicationStatus out;
  out.set_node_id(node);
  out.set_last_sequence(head.sequence);
  out.set_last_hash(head.hash);
  const int64_t now = options_.now_us();
  NodeState st;
  {
    absl::MutexLock l(&mu_);
    auto it = nodes_.find(node);
    if (it != nodes_.end()) st = it->second;
  }
  out.set_county_head(st.county_head);
  const uint64_t lag =
      st.county_head > head.sequence ? st.county_head - head.sequence : 0;
  out.set_lag_events(lag);
  // The oldest report of a head above what the city holds.
  double lag_seconds = 0;
  for (const auto& [seen_head, at] : st.heads_seen) {
    if (seen_head > head.sequence) {
      lag_seconds = static_cast<double>(now - at) / 1e6;
      break;
    }
  }
  lag_seconds = lag > 0 ? std::max(lag_seconds, 0.0) : 0.0;
  out.set_last_contact_us(st.last_contact_us);
  out.set_last_head_report_us(st.last_head_report_us);
  // Not heard from since the city started: silent since then.
  const int64_t heard_us =
      st.last_contact_us > 0 ? st.last_contact_us : started_us_;
  const double silent =
      std::max(0.0, static_cast<double>(now - heard_us) / 1e6);
  out.set_silent_seconds(silent);
  const bool stale = absl::Seconds(silent) > options_.stale_after;
  // What a silent node recorded meanwhile is unknown: at least its silence.
  out.set_lag_seconds(stale ? std::max(lag_seconds, silent) : lag_seconds);
  if (st.has_recorded_ahead) {
    out.set_recorded_ahead_seconds(static_cast<double>(st.recorded_ahead_us) /
                                   1e6);
  }
  out.set_clock_skewed(st.clock_skewed);

  const bool moving =
      absl::Microseconds(now - st.last_progress_us) < options_.stall_after;
  const std::string quarantine =
      options_.quarantine ? options_.quarantine(node) : std::string();
  if (std::optional<std::string> d = copies_->Divergence(node)) {
    out.set_state(v1::REPLICATION_STATE_DIVERGED);
    out.set_detail(*d);
  } else if (!quarantine.empty()) {
    out.set_state(v1::REPLICATION_STATE_QUARANTINED);
    out.set_detail(quarantine);
  } else if (stale) {
    out.set_state(v1::REPLICATION_STATE_STALE);
    out.set_detail(absl::StrCat(
        "nothing heard from the node for ", static_cast<int64_t>(silent), " s",
        st.stream_id != 0 ? " (a stream is open but silent)" : "",
        st.last_contact_us == 0 ? " (not since the city started)" : ""));
  } else if (st.stream_id != 0) {
    out.set_state(lag == 0 || moving ? v1::REPLICATION_STATE_CONNECTED
                                     : v1::REPLICATION_STATE_STALLED);
    if (lag > 0 && !moving) {
      out.set_detail(absl::StrCat("connected but no progress for ",
                                  (now - st.last_progress_us) / 1000000, " s"));
    }
  } else if (lag > 0) {
    out.set_state(v1::REPLICATION_STATE_STALLED);
    out.set_detail("no stream open and behind the node's last reported head");
  } else {
    out.set_state(v1::REPLICATION_STATE_IDLE);
  }
  return out;
}

std::vector<v1::NodeReplicationStatus> ReplicationServiceImpl::AllStatus()
    const {
  std::vector<v1::NodeReplicationStatus> out;
  for (const std::string& node : copies_->Nodes()) {
    absl::StatusOr<storage::EventLog*> log = copies_->Get(node);
    if (log.ok()) out.push_back(StatusOf(node, (*log)->GetHead()));
  }
  return out;
}

}  // namespace reporting::city
