// ClerkService: GetReplicationStatus, the node's side of `reportctl
// status`: its log's head, whether it takes new commands (a full disk), and
// what the replicator last heard from the city.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/time/time.h"
#include "reporting/v1/envelope.pb.h"
#include "services/county/clerk_service.h"

namespace reporting::county {
namespace {

// recorded_at of event `sequence` (0 when it cannot be read).
int64_t RecordedAt(const storage::EventLog& log, uint64_t sequence) {
  if (sequence == 0) return 0;
  absl::StatusOr<storage::StoredEvent> stored = log.ReadOne(sequence);
  v1::EventEnvelope envelope;
  if (!stored.ok() || !envelope.ParseFromString(stored->envelope)) return 0;
  return envelope.recorded_at_us();
}

}  // namespace

grpc::Status ClerkServiceImpl::GetReplicationStatus(
    grpc::ServerContext*, const v1::GetReplicationStatusRequest*,
    v1::ReplicationStatusView* response) {
  const int64_t now = env_.now_us();
  const uint64_t head = env_.log->GetHead().sequence;
  response->set_node_id(env_.node_id);
  response->set_head_sequence(head);
  response->set_head_recorded_at_us(RecordedAt(*env_.log, head));
  response->set_as_of_us(now);
  const absl::Status writable = env_.log->WriteHealth();
  response->set_disk_full(absl::IsResourceExhausted(writable));
  response->set_write_refusal(std::string(writable.message()));
  if (!replication_probe_) return grpc::Status::OK;
  const ReplicationProbeResult probe = replication_probe_();
  response->set_configured(true);
  response->set_city(probe.city);
  response->set_state(absl::AsciiStrToUpper(probe.state));
  response->set_acked_sequence(probe.acked_sequence);
  response->set_detail(probe.detail);
  if (probe.acked_sequence < head) {
    response->set_lag_events(head - probe.acked_sequence);
    const int64_t oldest = RecordedAt(*env_.log, probe.acked_sequence + 1);
    if (oldest > 0) {
      response->set_lag_seconds(
          static_cast<double>(std::max<int64_t>(0, now - oldest)) / 1e6);
    }
  }
  return grpc::Status::OK;
}

}  // namespace reporting::county
