// Replicator: pushes this node's log to the city aggregator
// (proto/reporting/v1/replication.proto; ARCHITECTURE.md decision 4).
//
// One thread runs streams one after another:
//   dial the city, Hello{node, head}, read the city's Cursor; check this
//   log's hash at the cursor (a mismatch, or a city ahead of this log, is
//   DIVERGENCE: send Divergence, stop for good, log loudly, state kDiverged);
//   then stream batches from cursor + 1 (at most max_batch_events events and
//   max_batch_bytes envelope bytes each) while up to max_in_flight batches
//   wait for their acks (pipelining: catch-up is not paced by round trips);
//   when caught up, wait for appends with EventLog::WaitForAppend (woken by
//   the append, no polling) and send a Heartbeat after heartbeat_interval
//   without traffic. A second thread per stream reads the Cursor and the
//   acks.
// A stream that fails, or gets no answer for response_timeout while the
// city owes one, is dropped and redialled after a capped exponential
// backoff with jitter; the next stream resumes from the city's cursor. The
// backoff restarts from min_backoff only after a stream in which the city
// acknowledged something (a batch or a heartbeat): a city that answers the
// Hello and then refuses every batch is redialled ever more slowly. The
// city answering DATA_LOSS (it found the divergence) also stops replication.
// gRPC keepalive pings detect a dead link even while a write is blocked.
// A stream the city ends while this side is idle (caught up, asleep in
// WaitForAppend) is noticed at once: the reader thread wakes the wait
// (EventLog::WakeWaiters), as Stop() does.
//
// Thread safety: Start/Stop from one thread; GetStatus from any.
#ifndef REPORTING_SERVICES_COUNTY_REPLICATOR_H_
#define REPORTING_SERVICES_COUNTY_REPLICATOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/security/credentials.h"
#include "reporting/v1/proof.pb.h"
#include "storage/event_log.h"

namespace reporting::county {

struct ReplicatorOptions {
  std::string node_id;
  std::string city;  // host:port of the city aggregator
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  size_t max_batch_events = 1000;
  size_t max_batch_bytes = 1 << 20;
  size_t max_in_flight = 16;  // batches sent and not yet acknowledged
  absl::Duration heartbeat_interval = absl::Seconds(1);
  // No answer for this long while one is owed: the stream is dropped.
  absl::Duration response_timeout = absl::Seconds(5);
  absl::Duration min_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  // Signing (services/proof/): the node's key history, sent in every Hello
  // (the city pins it), and its newest signed head, sent with the first
  // batch or heartbeat whose events reach the head's sequence (once per
  // stream and head). Empty functions: nothing is signed.
  std::function<v1::KeyHistory()> keys;
  std::function<v1::SignedHead()> signed_head;
};

enum class ReplicatorState {
  kStopped,     // not started, or stopped
  kConnecting,  // dialling / waiting to redial
  kStreaming,   // a stream is open
  kDiverged,    // the city's copy differs from this log: stopped for good
};
const char* ReplicatorStateName(ReplicatorState state);

struct ReplicatorStatus {
  ReplicatorState state = ReplicatorState::kStopped;
  uint64_t acked_sequence = 0;  // last sequence the city confirmed durable
  std::string detail;           // last error, or the divergence
};

class Replicator {
 public:
  // log is not owned and must stay open until Stop returns.
  Replicator(storage::EventLog* log, ReplicatorOptions options);
  ~Replicator();  // Stop()
  Replicator(const Replicator&) = delete;
  Replicator& operator=(const Replicator&) = delete;

  void Start();
  // Cancels the open stream, wakes the thread wherever it waits (backoff,
  // acks, WaitForAppend) and joins it; idempotent. Events sent but not yet
  // acknowledged are simply sent again by the next stream (the city skips
  // what it holds).
  void Stop();

  ReplicatorStatus GetStatus() const;

 private:
  enum class Outcome {
    kRetry,            // broke before the city acknowledged anything
                       // (even if it sent its Cursor): back off more
    kRetryProgressed,  // the city acknowledged a batch or heartbeat, then
                       // the stream broke: back off from the minimum
    kStop,             // divergence or Stop(): no more streams
  };
  void Run();
  Outcome RunStream();
  void SetStatus(ReplicatorState state, const std::string& detail);
  // Sleeps up to d unless Stop() is called; false when stopping.
  bool SleepUnlessStopped(absl::Duration d);
  bool stopping() const;

  // Constant after construction.
  storage::EventLog* const log_;
  const ReplicatorOptions options_;
  const std::shared_ptr<grpc::Channel> channel_;

  std::thread thread_;
  mutable absl::Mutex mu_;
  absl::CondVar stop_cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  ReplicatorStatus status_ ABSL_GUARDED_BY(mu_);
  // The open stream's context, to cancel it from Stop().
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_REPLICATOR_H_
