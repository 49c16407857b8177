#include "services/county/replicator.h"

#include <algorithm>
#include <optional>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/grpc.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"
#include "reporting/v1/replication.grpc.pb.h"
#include "services/common/grpc_status.h"
#include "spdlog/spdlog.h"
#include "storage/hash_chain.h"

namespace reporting::county {
namespace {

std::shared_ptr<grpc::Channel> MakeChannel(const ReplicatorOptions& o) {
  grpc::ChannelArguments args;
  // Redial quickly; Replicator's own backoff paces the streams.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  // Keepalive pings find a dead or stalled link within about 5 s, also
  // while a write is blocked on flow control.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 2000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 3000);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // A fresh connection per Replicator: never share one with other clients.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(o.city, o.credentials, args);
}

int64_t NowUs() { return absl::ToUnixMicros(absl::Now()); }

// What the reader thread learns from the city, shared with the writer.
struct Replies {
  absl::Mutex mu;
  absl::CondVar cv;
  bool have_cursor ABSL_GUARDED_BY(mu) = false;
  storage::Head cursor ABSL_GUARDED_BY(mu);
  uint64_t acked ABSL_GUARDED_BY(mu) = 0;
  uint64_t received ABSL_GUARDED_BY(mu) = 0;  // acks received
  absl::Time last_reply ABSL_GUARDED_BY(mu) = absl::Now();
  bool done ABSL_GUARDED_BY(mu) = false;  // the city ended the stream
};

}  // namespace

const char* ReplicatorStateName(ReplicatorState state) {
  switch (state) {
    case ReplicatorState::kStopped:
      return "stopped";
    case ReplicatorState::kConnecting:
      return "connecting";
    case ReplicatorState::kStreaming:
      return "streaming";
    case ReplicatorState::kDiverged:
      return "DIVERGED";
  }
  return "unknown";
}

Replicator::Replicator(storage::EventLog* log, ReplicatorOptions options)
    : log_(log),
      options_(std::move(options)),
      channel_(MakeChannel(options_)) {}

Replicator::~Replicator() { Stop(); }

void Replicator::Start() {
  SetStatus(ReplicatorState::kConnecting, "");
  thread_ = std::thread([this] { Run(); });
}

void Replicator::Stop() {
  {
    absl::MutexLock l(&mu_);
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
    stop_cv_.SignalAll();
  }
  log_->WakeWaiters();  // an idle stream waits in WaitForAppend
  if (thread_.joinable()) thread_.join();
  absl::MutexLock l(&mu_);
  if (status_.state != ReplicatorState::kDiverged) {
    status_.state = ReplicatorState::kStopped;
  }
}

ReplicatorStatus Replicator::GetStatus() const {
  absl::MutexLock l(&mu_);
  return status_;
}

void Replicator::SetStatus(ReplicatorState state, const std::string& detail) {
  absl::MutexLock l(&mu_);
  if (status_.state == ReplicatorState::kDiverged) return;
  status_.state = state;
  status_.detail = detail;
}

bool Replicator::stopping() const {
  absl::MutexLock l(&mu_);
  return stopping_;
}

bool Replicator::SleepUnlessStopped(absl::Duration d) {
  const absl::Time deadline = absl::Now() + d;
  absl::MutexLock l(&mu_);
  while (!stopping_) {
    if (stop_cv_.WaitWithDeadline(&mu_, deadline)) break;
  }
  return !stopping_;
}

void Replicator::Run() {
  spdlog::info("replicator: node {} pushes to the city at {}", options_.node_id,
               options_.city);
  std::mt19937_64 rng(std::random_device{}());
  int attempt = 0;
  while (!stopping()) {
    const Outcome outcome = RunStream();
    if (outcome == Outcome::kStop) break;
    if (outcome == Outcome::kRetryProgressed) attempt = 0;
    // Capped exponential backoff with jitter: uniform in [cap/2, cap].
    absl::Duration cap =
        options_.min_backoff * (int64_t{1} << std::min(attempt, 20));
    cap = std::min(cap, options_.max_backoff);
    ++attempt;
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    if (!SleepUnlessStopped(cap * jitter(rng))) break;
  }
}

Replicator::Outcome Replicator::RunStream() {
  grpc::ClientContext context;
  {
    absl::MutexLock l(&mu_);
    if (stopping_) return Outcome::kStop;
    context_ = &context;
  }
  SetStatus(ReplicatorState::kConnecting, "");
  auto stub = v1::ReplicationService::NewStub(channel_);
  std::unique_ptr<grpc::ClientReaderWriter<v1::PushRequest, v1::PushResponse>>
      stream = stub->Push(&context);

  Replies replies;
  std::thread reader([&] {
    v1::PushResponse response;
    while (stream->Read(&response)) {
      absl::MutexLock l(&replies.mu);
      replies.last_reply = absl::Now();
      if (response.has_cursor() && !replies.have_cursor) {
        replies.have_cursor = true;
        replies.cursor = {response.cursor().sequence(),
                          response.cursor().hash()};
        replies.acked = response.cursor().sequence();
      } else if (response.has_ack()) {
        replies.acked = std::max(replies.acked, response.ack().sequence());
        ++replies.received;
      }
      replies.cv.SignalAll();
    }
    {
      absl::MutexLock l(&replies.mu);
      replies.done = true;
      replies.cv.SignalAll();
    }
    // The writer may be idle in WaitForAppend: it sees the end now, not at
    // its next heartbeat.
    log_->WakeWaiters();
  });

  bool connected = false;
  bool diverged = false;
  std::string problem;
  uint64_t sent = 0;  // batches and heartbeats, each owed one ack
  // Waits for a reply condition, the stream's end or the timeout.
  auto wait_replies = [&](absl::Duration timeout, auto&& ready) {
    absl::MutexLock l(&replies.mu);
    const absl::Time deadline = absl::Now() + timeout;
    while (!ready() && !replies.done) {
      if (replies.cv.WaitWithDeadline(&replies.mu, deadline)) break;
    }
  };

  storage::Head head = log_->GetHead();
  v1::PushRequest request;
  request.mutable_hello()->set_node_id(options_.node_id);
  request.mutable_hello()->set_head_sequence(head.sequence);
  request.mutable_hello()->set_head_hash(head.hash);
  if (options_.keys) *request.mutable_hello()->mutable_keys() = options_.keys();
  if (!stream->Write(request)) {
    problem = "the city is unreachable";
  } else {
    wait_replies(options_.response_timeout,
                 [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(replies.mu) {
                   return replies.have_cursor;
                 });
  }
  storage::Head cursor;
  {
    absl::MutexLock l(&replies.mu);
    if (replies.have_cursor) {
      cursor = replies.cursor;
      connected = true;
    } else if (problem.empty() && !replies.done) {
      problem = "no Cursor from the city in time";
    }
  }

  if (connected) {
    // Does the city's copy end where this log has the same event?
    head = log_->GetHead();
    std::string ours;
    if (cursor.sequence > head.sequence) {
      problem = absl::StrCat("the city holds ", cursor.sequence,
                             " events of this node but this log only ",
                             head.sequence);
    } else if (cursor.sequence > 0) {
      absl::StatusOr<storage::StoredEvent> e = log_->ReadOne(cursor.sequence);
      if (!e.ok()) {
        problem = absl::StrCat("cannot read this log at the city's cursor: ",
                               e.status().ToString());
        connected = false;
      } else if (e->hash != cursor.hash) {
        ours = e->hash;
        problem = absl::StrCat(
            "at sequence ", cursor.sequence, " this log's hash is ",
            storage::HexHash(e->hash), " but the city's copy has ",
            storage::HexHash(cursor.hash));
      }
    }
    if (connected && !problem.empty()) {
      diverged = true;
      request.Clear();
      v1::Divergence* d = request.mutable_divergence();
      d->set_sequence(cursor.sequence);
      d->set_county_hash(ours);
      d->set_city_hash(cursor.hash);
      d->set_detail(problem);
      stream->Write(request);
    }
  }

  if (connected && !diverged) {
    SetStatus(ReplicatorState::kStreaming, "");
    spdlog::info("replicator: node {}: streaming from sequence {} (head {})",
                 options_.node_id, cursor.sequence + 1, head.sequence);
    uint64_t next = cursor.sequence + 1;
    absl::Time last_write = absl::Now();
    absl::Time owed_since = absl::InfiniteFuture();  // first unanswered send
    uint64_t received_seen = 0;
    const storage::ReadLimits limits{options_.max_batch_events,
                                     options_.max_batch_bytes};
    // The newest signed head, once per stream and head, with the first
    // message whose events reach it (events up to `sent_to` sent).
    v1::SignedHead signed_sent;
    auto signed_head_to_send =
        [&](uint64_t sent_to) -> std::optional<v1::SignedHead> {
      if (!options_.signed_head) return std::nullopt;
      v1::SignedHead h = options_.signed_head();
      if (h.signature().empty() || h.sequence() > sent_to ||
          h.signature() == signed_sent.signature()) {
        return std::nullopt;
      }
      signed_sent = h;
      return h;
    };
    for (;;) {
      // Read before the checks below: a Stop() or stream end after them
      // calls WakeWaiters, which then ends the wait at once.
      const uint64_t wake_generation = log_->WakeGeneration();
      if (stopping()) break;
      uint64_t owed;
      {
        absl::MutexLock l(&replies.mu);
        if (replies.done) break;
        if (replies.received != received_seen) {
          received_seen = replies.received;
          owed_since = replies.last_reply;
        }
        owed = sent - replies.received;
        absl::MutexLock s(&mu_);
        status_.acked_sequence = replies.acked;
      }
      if (owed == 0) owed_since = absl::InfiniteFuture();
      if (owed > 0 && absl::Now() - owed_since > options_.response_timeout) {
        problem = "no answer from the city in time: dropping the stream";
        break;
      }
      if (owed >= options_.max_in_flight) {
        // The window is full: wait for an ack (woken by the reader).
        const uint64_t target = sent - options_.max_in_flight + 1;
        wait_replies(options_.response_timeout,
                     [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(replies.mu) {
                       return replies.received >= target;
                     });
        continue;
      }
      head = log_->GetHead();
      if (next <= head.sequence) {
        absl::StatusOr<std::vector<storage::StoredEvent>> events =
            log_->Read(next, limits);
        if (!events.ok() || events->empty()) {
          problem = absl::StrCat("cannot read this log from sequence ", next,
                                 ": ", events.status().ToString());
          break;
        }
        request.Clear();
        v1::EventBatch* batch = request.mutable_batch();
        batch->set_head_sequence(head.sequence);
        batch->set_sent_at_us(NowUs());
        for (storage::StoredEvent& e : *events) {
          v1::StoredEvent* out = batch->add_events();
          out->set_sequence(e.sequence);
          out->set_envelope(std::move(e.envelope));
          out->set_hash(std::move(e.hash));
        }
        next = events->back().sequence + 1;
        if (auto h = signed_head_to_send(next - 1)) {
          *batch->mutable_signed_head() = std::move(*h);
        }
        if (!stream->Write(request)) break;
        ++sent;
        if (owed == 0) owed_since = absl::Now();
        last_write = absl::Now();
        continue;
      }
      const absl::Duration idle = absl::Now() - last_write;
      if (idle >= options_.heartbeat_interval) {
        request.Clear();
        v1::Heartbeat* hb = request.mutable_heartbeat();
        hb->set_head_sequence(head.sequence);
        hb->set_head_hash(head.hash);
        hb->set_sent_at_us(NowUs());
        if (auto h = signed_head_to_send(next - 1)) {
          *hb->mutable_signed_head() = std::move(*h);
        }
        if (!stream->Write(request)) break;
        ++sent;
        if (owed == 0) owed_since = absl::Now();
        last_write = absl::Now();
        continue;
      }
      // Caught up: sleep until the log grows or a heartbeat is due.
      log_->WaitForAppend(head.sequence, options_.heartbeat_interval - idle,
                          wake_generation);
    }
  }

  // End the stream: half-close, give the city a moment to finish, cancel.
  if (problem.empty() || diverged) {
    stream->WritesDone();
    wait_replies(absl::Seconds(2), [] { return false; });
  }
  {
    // Cancel only a stream the city has not ended: cancelling an ended one
    // would replace the city's status (e.g. DATA_LOSS) with CANCELLED.
    absl::MutexLock l(&replies.mu);
    if (!replies.done) context.TryCancel();
  }
  reader.join();
  const grpc::Status status = stream->Finish();
  {
    absl::MutexLock l(&mu_);
    context_ = nullptr;
  }
  if (status.error_code() == grpc::StatusCode::DATA_LOSS) {
    diverged = true;
    problem = status.error_message();
  }
  if (diverged) {
    spdlog::critical(
        "replicator: node {}: REPLICATION STOPPED. The city's copy and this "
        "node's log DIVERGE: {}. Nothing is overwritten on either side; an "
        "operator must investigate.",
        options_.node_id, problem);
    absl::MutexLock l(&mu_);
    status_.state = ReplicatorState::kDiverged;
    status_.detail = problem;
    return Outcome::kStop;
  }
  if (stopping()) return Outcome::kStop;
  if (problem.empty() && !status.ok() &&
      status.error_code() != grpc::StatusCode::CANCELLED) {
    problem = services::GrpcStatusText(status);
  }
  if (!problem.empty()) {
    spdlog::warn("replicator: node {}: stream to {} ended: {}; redialling",
                 options_.node_id, options_.city, problem);
  }
  SetStatus(ReplicatorState::kConnecting, problem);
  // A Cursor alone is no progress: a city that accepts every Hello and
  // refuses every batch must not be redialled at min_backoff forever.
  bool progressed;
  {
    absl::MutexLock l(&replies.mu);
    progressed = replies.received > 0;
  }
  return progressed ? Outcome::kRetryProgressed : Outcome::kRetry;
}

}  // namespace reporting::county
