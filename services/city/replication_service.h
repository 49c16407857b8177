// ReplicationService on the city aggregator: counties push their logs here
// (proto/reporting/v1/replication.proto; ARCHITECTURE.md decisions 2, 4, 7).
//
// Push (one stream per node log, sync API: one server thread per stream):
//   1. The first message must be Hello; its node id must be well formed
//      (1..16 ASCII letters or digits) and, with TLS, equal the CN of the
//      client certificate (PERMISSION_DENIED otherwise). A node whose copy
//      diverged is refused with DATA_LOSS.
//   2. The city answers with its durable Cursor for the node. If the Hello's
//      head is at or below the cursor, its hash must match the copy's, else
//      the copy diverged (recorded, DATA_LOSS).
//   3. Each Batch is checked (<= kMaxBatchEvents events and
//      <= kMaxBatchBytes envelope bytes, else RESOURCE_EXHAUSTED; no event
//      past the head the batch reports, INVALID_ARGUMENT), then written
//      with NodeCopies' EventLog::WriteReplicated (contiguity, decoding,
//      node, chain; batch + cursor in one write) and acknowledged with the
//      cursor once that write is durable (EventLog::AwaitDurable, on a
//      second thread per stream, so that the next batch is written while
//      this one syncs: pipelining, one sync for several batches). A Heartbeat
//      is acknowledged the same way, so the county knows the stream is alive
//      while idle.
//   Any refusal ends the stream with its status and leaves the copy as it
//   was. DATA_LOSS from storage (an event differing from the one held) and
//   a county's Divergence message are recorded durably (NodeCopies) and
//   stop the node's replication until an operator intervenes.
// One active stream per node: a new Hello for a node with an open stream
// cancels the old one (its client sees CANCELLED), because a county that
// reconnects after a broken link must not wait for the city to notice the
// dead connection; the copy's checks make the overlap harmless.
//
// GetStatus (and AllStatus, in process) reports per node what the copy
// holds, the county's last reported head, lag (events, seconds), last
// contact and the state (DIVERGED first, then QUARANTINED, then the link).
//
// Thread safety: the gRPC runtime calls the handlers from many threads;
// per-node state is under mu_.
#ifndef REPORTING_SERVICES_CITY_REPLICATION_SERVICE_H_
#define REPORTING_SERVICES_CITY_REPLICATION_SERVICE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "reporting/v1/replication.grpc.pb.h"
#include "services/city/node_copies.h"
#include "services/city/node_keys.h"
#include "storage/event_log.h"

namespace reporting::city {

inline constexpr size_t kMaxBatchEvents = 1000;
inline constexpr size_t kMaxBatchBytes = 4 << 20;  // envelope bytes
// Whatever a county can append, the city takes (issue 20): one event of
// the largest size fits a batch.
static_assert(kMaxBatchBytes >= storage::kMaxEnvelopeBytes);

struct ReplicationServiceOptions {
  // TLS: the pushing node's id is its client certificate's CN. False only
  // for --insecure (local development): the Hello is trusted.
  bool identity_from_certificate = true;
  // Behind the county's head with no progress for this long: STALLED.
  absl::Duration stall_after = absl::Seconds(10);
  // Nothing heard from a node for this long: STALE (replication.proto).
  absl::Duration stale_after = absl::Seconds(30);
  // A node whose newest events are recorded further than this ahead of the
  // city's clock is flagged clock_skewed.
  absl::Duration clock_skew_threshold = absl::Minutes(5);
  // City clock, microseconds since the Unix epoch. Default: absl::Now().
  std::function<int64_t()> now_us;
  // Called after each batch of `node` is durable up to `sequence`, before
  // its ack is sent (the wiring wakes the projection runner with it, so
  // the read models need not wait for the runner's idle wake). Runs on the
  // stream's acker thread: it must be quick and must not block. May be
  // empty.
  std::function<void(const std::string& node, uint64_t sequence)> on_durable;
  // The nodes' pinned keys and signed heads (node_keys.h): Hello's keys
  // are pinned, signed heads checked and kept. Not owned; must outlive
  // the service. Null: keys and signed heads are ignored (tests of other
  // parts of the protocol).
  NodeKeys* node_keys = nullptr;
  // Whether the city takes pushed events now (services/common/
  // disk_health.h), for GetStatus: OK, or the refusal (RESOURCE_EXHAUSTED
  // for a full disk). May be empty (always OK).
  std::function<absl::Status()> write_health;
  // The node's quarantine in words ("" when its log is not quarantined):
  // the projection's re-check of the campaign's rules (projector.h). May
  // be empty (nothing is ever quarantined).
  std::function<std::string(const std::string& node)> quarantine;
};

class ReplicationServiceImpl final : public v1::ReplicationService::Service {
 public:
  // copies is not owned and must outlive the service.
  ReplicationServiceImpl(NodeCopies* copies, ReplicationServiceOptions options);

  grpc::Status Push(grpc::ServerContext* context,
                    grpc::ServerReaderWriter<v1::PushResponse, v1::PushRequest>*
                        stream) override;
  grpc::Status GetStatus(grpc::ServerContext* context,
                         const v1::GetStatusRequest* request,
                         v1::GetStatusResponse* response) override;

  // What GetStatus reports for every node with a copy, for in-process
  // readers (the query service's freshness). Nodes whose copy cannot be
  // opened are left out.
  std::vector<v1::NodeReplicationStatus> AllStatus() const;

 private:
  struct NodeState {
    uint64_t county_head = 0;
    // City clock of the last message of any kind, and of the last one that
    // carried the county's head (Batch or Heartbeat).
    int64_t last_contact_us = 0;
    int64_t last_head_report_us = 0;
    // The newest event of the last batch: recorded_at minus receive time.
    bool has_recorded_ahead = false;
    int64_t recorded_ahead_us = 0;
    bool clock_skewed = false;
    // Last time the copy's head moved (or a stream started).
    int64_t last_progress_us = 0;
    uint64_t last_sequence = 0;
    // Open stream: its id (0: none) and context (to cancel it).
    uint64_t stream_id = 0;
    grpc::ServerContext* stream_context = nullptr;
    // (county head, city time it was first reported), increasing heads
    // above last_sequence: the front's time is when the oldest event the
    // city lacks was first known to exist.
    std::deque<std::pair<uint64_t, int64_t>> heads_seen;
  };

  // An ack waiting for durability: the head it confirms and the signed
  // head that came with its batch or heartbeat (checked; kept as the
  // node's newest once what it covers is durable).
  struct PendingAck {
    storage::Head head;
    std::optional<v1::SignedHead> signed_head;
  };
  // Acks waiting for durability, in stream order (one per batch and
  // heartbeat).
  struct AckQueue {
    absl::Mutex mu;
    std::deque<PendingAck> pending ABSL_GUARDED_BY(mu);
    bool closing ABSL_GUARDED_BY(mu) = false;
    absl::Status error ABSL_GUARDED_BY(mu);  // the acker's, ends the stream
  };

  absl::Status RunPush(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::PushResponse, v1::PushRequest>* stream,
      uint64_t stream_id, std::string* node_out);
  // After the Cursor: reads batches and heartbeats, writes batches (not
  // yet durable) and queues their acks.
  absl::Status ReadBatches(
      const std::string& node, storage::EventLog* log,
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::PushResponse, v1::PushRequest>* stream,
      storage::Head head, AckQueue* acks);
  // Makes queued acks durable (one sync for all queued) and writes them.
  void RunAcker(
      const std::string& node, storage::EventLog* log,
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::PushResponse, v1::PushRequest>* stream,
      AckQueue* acks);
  // Registers the stream as the node's active one, cancelling an older one.
  void Attach(const std::string& node, uint64_t stream_id,
              grpc::ServerContext* context, uint64_t copy_head);
  // False when the stream was replaced by a newer one.
  bool Detach(const std::string& node, uint64_t stream_id);
  void NoteCountyHead(const std::string& node, uint64_t head);
  void NoteCopyHead(const std::string& node, uint64_t sequence);
  // A signed head that came with a message whose events end at `last`
  // (`batch`: the events of that message, written; empty for a heartbeat):
  // its signature (INVALID_ARGUMENT), its sequence (at most `last`) and its
  // hash against the copy's (a different one is divergence, DATA_LOSS; an
  // event written by an earlier, not yet durable batch is waited for).
  absl::Status CheckSignedHead(const std::string& node, storage::EventLog* log,
                               const v1::SignedHead& head, uint64_t last,
                               const std::vector<storage::StoredEvent>& batch);
  // How far ahead of the city's clock `envelope` (just received) was
  // recorded; logs a warning when the node's clock becomes skewed.
  void NoteRecordedAt(const std::string& node, absl::string_view envelope);
  // Records divergence durably; returns the DATA_LOSS status to end with.
  absl::Status Diverged(const std::string& node, const std::string& detail);
  v1::NodeReplicationStatus StatusOf(const std::string& node,
                                     const storage::Head& head) const;

  // Constant after construction.
  NodeCopies* const copies_;
  const ReplicationServiceOptions options_;
  const int64_t started_us_;  // city clock at construction

  mutable absl::Mutex mu_;
  std::map<std::string, NodeState> nodes_ ABSL_GUARDED_BY(mu_);
  uint64_t next_stream_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace reporting::city

#endif  // REPORTING_SERVICES_CITY_REPLICATION_SERVICE_H_
