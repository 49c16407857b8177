#include "services/city/replication_service.h"

#include <algorithm>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/grpc_status.h"
#include "services/common/identity.h"
#include "services/common/stream_read.h"
#include "spdlog/spdlog.h"
#include "storage/envelope_view.h"
#include "storage/hash_chain.h"
#include "storage/status_macros.h"

namespace reporting::city {
namespace {

constexpr size_t kMaxHeadsSeen = 4096;

// The node id grammar of events.proto: 1..16 ASCII letters or digits.
absl::Status CheckNodeId(absl::string_view node_id) {
  bool ok = !node_id.empty() && node_id.size() <= 16;
  for (char c : node_id) ok = ok && absl::ascii_isalnum(c);
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "replication: node id \"", absl::CHexEscape(node_id),
        "\" is malformed: 1..16 ASCII letters or digits, e.g. 371302"));
  }
  return absl::OkStatus();
}

v1::PushResponse CursorResponse(const storage::Head& head, bool ack) {
  v1::PushResponse r;
  v1::Cursor* c = ack ? r.mutable_ack() : r.mutable_cursor();
  c->set_sequence(head.sequence);
  c->set_hash(head.hash);
  return r;
}

ReplicationServiceOptions WithDefaults(ReplicationServiceOptions options) {
  if (!options.now_us) {
    options.now_us = [] { return absl::ToUnixMicros(absl::Now()); };
  }
  return options;
}

}  // namespace

ReplicationServiceImpl::ReplicationServiceImpl(
    NodeCopies* copies, ReplicationServiceOptions options)
    : copies_(copies),
      options_(WithDefaults(std::move(options))),
      started_us_(options_.now_us()) {}

grpc::Status ReplicationServiceImpl::Push(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::PushResponse, v1::PushRequest>* stream) {
  uint64_t stream_id;
  {
    absl::MutexLock l(&mu_);
    stream_id = next_stream_id_++;
  }
  std::string node;
  absl::Status s = RunPush(context, stream, stream_id, &node);
  if (!node.empty() && !Detach(node, stream_id)) {
    // The client sees CANCELLED (the city cancelled the call); the log
    // says why.
    spdlog::info("replication: node {}: stream {} replaced by a newer one",
                 node, stream_id);
    return grpc::Status(grpc::StatusCode::CANCELLED,
                        absl::StrCat("replication: node ", node,
                                     ": replaced by a newer stream"));
  }
  if (!s.ok() && s.code() != absl::StatusCode::kCancelled) {
    spdlog::warn("replication: push{}{} ended: {}",
                 node.empty() ? "" : " node ", node, s.ToString());
  }
  return services::ToGrpcStatus(s);
}

absl::Status ReplicationServiceImpl::RunPush(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::PushResponse, v1::PushRequest>* stream,
    uint64_t stream_id, std::string* node_out) {
  v1::PushRequest request;
  switch (services::ReadRequest(stream, &request)) {
    case services::ReadResult::kMessage:
      break;
    case services::ReadResult::kEnd:
      return absl::CancelledError("replication: stream closed before Hello");
    case services::ReadResult::kUndecodable:
      return services::UndecodableStatus(context, "replication: Hello",
                                         "reporting.v1.PushRequest");
  }
  if (!request.has_hello()) {
    return absl::InvalidArgumentError(
        "replication: the first message of a Push stream must be Hello");
  }
  const v1::Hello& hello = request.hello();
  const std::string node = hello.node_id();
  RETURN_IF_ERROR(CheckNodeId(node));
  if (options_.identity_from_certificate) {
    // The role (OU=node) was checked by the role table before this handler
    // ran (services/common/roles.h); here the node binds to its own log.
    std::shared_ptr<const grpc::AuthContext> auth = context->auth_context();
    if (auth == nullptr) {
      return absl::UnauthenticatedError(
          "replication: no verified client certificate; a node pushes with "
          "its own certificate (CN = node id)");
    }
    ASSIGN_OR_RETURN(services::PeerIdentity id, services::IdentityOf(*auth));
    const std::string& cn = id.common_name;
    if (cn != node) {
      return absl::PermissionDeniedError(absl::StrCat(
          "replication: the client certificate is node ", cn,
          "'s; it may push only node ", cn, "'s log, not node ", node, "'s"));
    }
  }
  if (std::optional<std::string> d = copies_->Divergence(node)) {
    return absl::DataLossError(absl::StrCat(
        "replication: node ", node,
        ": replication is stopped because the city's copy diverged from the "
        "node's log (",
        *d, "); nothing is overwritten: an operator must investigate"));
  }
  if (options_.node_keys != nullptr && hello.has_keys()) {
    RETURN_IF_ERROR(options_.node_keys->Pin(node, hello.keys()));
  }
  ASSIGN_OR_RETURN(storage::EventLog * log, copies_->Get(node));
  storage::Head head = log->GetHead();
  Attach(node, stream_id, context, head.sequence);
  *node_out = node;
  NoteCountyHead(node, hello.head_sequence());

  // A Hello head at or below the copy's head must match what the copy holds.
  if (hello.head_sequence() > 0 && hello.head_sequence() <= head.sequence) {
    ASSIGN_OR_RETURN(storage::StoredEvent held,
                     log->ReadOne(hello.head_sequence()));
    if (held.hash != hello.head_hash()) {
      return Diverged(node, absl::StrCat("at sequence ", hello.head_sequence(),
                                         " the node's hash is ",
                                         storage::HexHash(hello.head_hash()),
                                         " but the city's copy holds ",
                                         storage::HexHash(held.hash)));
    }
  }
  if (!stream->Write(CursorResponse(head, /*ack=*/false))) {
    return absl::CancelledError("replication: stream closed");
  }

  // Acks are written by their own thread, each once what it confirms is
  // durable, so this thread writes batch k+1 while batch k's sync runs
  // (one sync then covers several batches).
  AckQueue acks;
  std::thread acker([&] { RunAcker(node, log, context, stream, &acks); });
  absl::Status status = ReadBatches(node, log, context, stream, head, &acks);
  {
    absl::MutexLock l(&acks.mu);
    acks.closing = true;
  }
  acker.join();
  absl::MutexLock l(&acks.mu);
  // The acker's error explains a stream it cancelled.
  if (!acks.error.ok() &&
      (status.ok() || status.code() == absl::StatusCode::kCancelled)) {
    status = acks.error;
  }
  return status;
}

void ReplicationServiceImpl::RunAcker(
    const std::string& node, storage::EventLog* log,
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::PushResponse, v1::PushRequest>* stream,
    AckQueue* acks) {
  for (;;) {
    std::deque<PendingAck> batch;
    {
      absl::MutexLock l(&acks->mu);
      acks->mu.Await(absl::Condition(
          +[](AckQueue* q) ABSL_EXCLUSIVE_LOCKS_REQUIRED(q->mu) {
            return !q->pending.empty() || q->closing;
          },
          acks));
      if (acks->pending.empty()) return;  // closing and drained
      batch.swap(acks->pending);
    }
    // Heads only grow: making the last one durable covers them all.
    const uint64_t last = batch.back().head.sequence;
    absl::Status s = log->AwaitDurable(last);
    if (s.ok()) {
      NoteCopyHead(node, last);
      if (options_.on_durable) options_.on_durable(node, last);
    }
    for (const PendingAck& p : batch) {
      if (s.ok() && p.signed_head.has_value()) {
        s = options_.node_keys->Keep(node, *p.signed_head);
      }
      if (!s.ok()) break;
      if (!stream->Write(CursorResponse(p.head, /*ack=*/true))) {
        s = absl::CancelledError("replication: stream closed");
      }
    }
    if (!s.ok()) {
      absl::MutexLock l(&acks->mu);
      acks->error = s;
      acks->pending.clear();
      context->TryCancel();  // unblocks the reading thread
      return;
    }
  }
}

absl::Status ReplicationServiceImpl::ReadBatches(
    const std::string& node, storage::EventLog* log,
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::PushResponse, v1::PushRequest>* stream,
    storage::Head head, AckQueue* acks) {
  // Queues an ack of `h` (after it is durable) with the message's signed
  // head, if any; the acker's error if any.
  auto ack = [acks](const storage::Head& h,
                    const v1::SignedHead* signed_head) -> absl::Status {
    absl::MutexLock l(&acks->mu);
    if (!acks->error.ok()) return acks->error;
    PendingAck& p = acks->pending.emplace_back();
    p.head = h;
    if (signed_head != nullptr) p.signed_head = *signed_head;
    return absl::OkStatus();
  };
  // The message's signed head, checked (CheckSignedHead), or null.
  auto signed_head_of = [&](bool has, const v1::SignedHead& head, uint64_t last,
                            const std::vector<storage::StoredEvent>& batch)
      -> absl::StatusOr<const v1::SignedHead*> {
    if (!has || options_.node_keys == nullptr) return nullptr;
    RETURN_IF_ERROR(CheckSignedHead(node, log, head, last, batch));
    return &head;
  };
  v1::PushRequest request;
  std::vector<storage::StoredEvent> events;
  for (;;) {
    const services::ReadResult read = services::ReadRequest(stream, &request);
    if (read == services::ReadResult::kEnd) {
      // The county closed its side: that is a message. A stream cut by a
      // keepalive or a cancel also ends the reads, but is no contact.
      if (!context->IsCancelled()) {
        absl::MutexLock l(&mu_);
        nodes_[node].last_contact_us = options_.now_us();
      }
      break;
    }
    if (read == services::ReadResult::kUndecodable) {
      return services::UndecodableStatus(
          context, absl::StrCat("replication: node ", node),
          "reporting.v1.PushRequest");
    }
    switch (request.kind_case()) {
      case v1::PushRequest::kBatch: {
        v1::EventBatch* batch = request.mutable_batch();
        NoteCountyHead(node, batch->head_sequence());
        if (batch->events_size() == 0) {
          return absl::InvalidArgumentError(
              "replication: an empty Batch; send a Heartbeat when idle");
        }
        if (static_cast<size_t>(batch->events_size()) > kMaxBatchEvents) {
          return absl::ResourceExhaustedError(absl::StrCat(
              "replication: node ", node, ": a batch of ", batch->events_size(),
              " events; at most ", kMaxBatchEvents, " per batch"));
        }
        size_t bytes = 0;
        for (const v1::StoredEvent& e : batch->events()) {
          bytes += e.envelope().size();
        }
        if (bytes > kMaxBatchBytes) {
          return absl::ResourceExhaustedError(absl::StrCat(
              "replication: node ", node, ": a batch of ", bytes,
              " envelope bytes; at most ", kMaxBatchBytes, " per batch"));
        }
        const uint64_t last =
            batch->events(batch->events_size() - 1).sequence();
        if (batch->head_sequence() < last) {
          return absl::InvalidArgumentError(absl::StrCat(
              "replication: node ", node, ": the batch carries sequence ", last,
              " but reports the node's head as ", batch->head_sequence(),
              ": out of range"));
        }
        events.clear();
        events.reserve(batch->events_size());
        for (v1::StoredEvent& e : *batch->mutable_events()) {
          storage::StoredEvent& out = events.emplace_back();
          out.sequence = e.sequence();
          out.envelope = std::move(*e.mutable_envelope());
          out.hash = std::move(*e.mutable_hash());
        }
        absl::StatusOr<storage::Head> written =
            log->WriteReplicated(events, options_.now_us());
        if (!written.ok()) {
          if (written.status().code() == absl::StatusCode::kDataLoss) {
            return Diverged(node, std::string(written.status().message()));
          }
          return written.status();
        }
        head = *written;
        NoteRecordedAt(node, events.back().envelope);
        ASSIGN_OR_RETURN(const v1::SignedHead* signed_head,
                         signed_head_of(batch->has_signed_head(),
                                        batch->signed_head(), last, events));
        RETURN_IF_ERROR(ack(head, signed_head));
        break;
      }
      case v1::PushRequest::kHeartbeat: {
        const v1::Heartbeat& hb = request.heartbeat();
        NoteCountyHead(node, hb.head_sequence());
        if (hb.head_sequence() > 0 && hb.head_sequence() <= head.sequence &&
            !hb.head_hash().empty()) {
          // `head` is what this stream wrote, which readers see only once
          // durable: a heartbeat right after a batch waits for it.
          RETURN_IF_ERROR(log->AwaitDurable(hb.head_sequence()));
          ASSIGN_OR_RETURN(storage::StoredEvent held,
                           log->ReadOne(hb.head_sequence()));
          if (held.hash != hb.head_hash()) {
            return Diverged(node,
                            absl::StrCat("at sequence ", hb.head_sequence(),
                                         " the node's hash is ",
                                         storage::HexHash(hb.head_hash()),
                                         " but the city's copy holds ",
                                         storage::HexHash(held.hash)));
          }
        }
        ASSIGN_OR_RETURN(const v1::SignedHead* signed_head,
                         signed_head_of(hb.has_signed_head(), hb.signed_head(),
                                        head.sequence, {}));
        RETURN_IF_ERROR(ack(head, signed_head));
        break;
      }
      case v1::PushRequest::kDivergence: {
        const v1::Divergence& d = request.divergence();
        return Diverged(node, absl::StrCat("reported by the node: at sequence ",
                                           d.sequence(), " the node's hash is ",
                                           storage::HexHash(d.county_hash()),
                                           ", the city's copy holds ",
                                           storage::HexHash(d.city_hash()),
                                           ": ", d.detail()));
      }
      case v1::PushRequest::kHello:
        return absl::InvalidArgumentError(
            "replication: Hello is only the first message of a stream");
      default:
        return absl::InvalidArgumentError(
            "replication: an empty PushRequest (no hello, batch, heartbeat "
            "or divergence)");
    }
  }
  // The county closed its side, or the stream was cancelled (shut down,
  // broken link, or replaced: Push tells which).
  return context->IsCancelled()
             ? absl::CancelledError("replication: stream cancelled")
             : absl::OkStatus();
}

void ReplicationServiceImpl::Attach(const std::string& node, uint64_t stream_id,
                                    grpc::ServerContext* context,
                                    uint64_t copy_head) {
  absl::MutexLock l(&mu_);
  NodeState& st = nodes_[node];
  if (st.stream_context != nullptr) {
    spdlog::info("replication: node {}: a new stream replaces the open one",
                 node);
    // Safe: the old handler detaches under mu_ before it returns.
    st.stream_context->TryCancel();
  }
  st.stream_id = stream_id;
  st.stream_context = context;
  st.last_sequence = copy_head;
  const int64_t now = options_.now_us();
  st.last_contact_us = now;
  st.last_progress_us = now;
}

bool ReplicationServiceImpl::Detach(const std::string& node,
                                    uint64_t stream_id) {
  absl::MutexLock l(&mu_);
  NodeState& st = nodes_[node];
  if (st.stream_id != stream_id) return false;
  st.stream_id = 0;
  st.stream_context = nullptr;
  return true;
}

void ReplicationServiceImpl::NoteCountyHead(const std::string& node,
                                            uint64_t head) {
  absl::MutexLock l(&mu_);
  NodeState& st = nodes_[node];
  const int64_t now = options_.now_us();
  st.last_contact_us = now;
  st.last_head_report_us = now;
  st.county_head = head;
  if (head <= st.last_sequence) return;
  if (!st.heads_seen.empty() && st.heads_seen.back().first >= head) return;
  if (st.heads_seen.size() >= kMaxHeadsSeen) {
    st.heads_seen.back().first = head;  // keep the earlier time
  } else {
    st.heads_seen.emplace_back(head, now);
  }
}

void ReplicationServiceImpl::NoteRecordedAt(const std::string& node,
                                            absl::string_view envelope) {
  storage::EnvelopeView view;
  // Written, so it decodes.
  if (!storage::DecodeEnvelopeView(envelope, &view)) return;
  const int64_t ahead_us = view.recorded_at_us - options_.now_us();
  const bool skewed =
      absl::Microseconds(ahead_us) > options_.clock_skew_threshold;
  bool was_skewed;
  {
    absl::MutexLock l(&mu_);
    NodeState& st = nodes_[node];
    was_skewed = st.clock_skewed;
    st.has_recorded_ahead = true;
    st.recorded_ahead_us = ahead_us;
    st.clock_skewed = skewed;
  }
  if (skewed && !was_skewed) {
    spdlog::warn(
        "replication: node {}: its clock is off: it records events {:.0f} s "
        "ahead of the city's clock (threshold {} s); its recorded times, "
        "deadlines and overdue figures are wrong until its clock is set "
        "right (docs/OPERATIONS.md \"Clocks\")",
        node, static_cast<double>(ahead_us) / 1e6,
        absl::ToInt64Seconds(options_.clock_skew_threshold));
  } else if (!skewed && was_skewed) {
    spdlog::info("replication: node {}: its clock agrees with the city's again",
                 node);
  }
}

void ReplicationServiceImpl::NoteCopyHead(const std::string& node,
                                          uint64_t sequence) {
  absl::MutexLock l(&mu_);
  NodeState& st = nodes_[node];
  const int64_t now = options_.now_us();
  st.last_contact_us = now;
  if (sequence > st.last_sequence) {
    st.last_sequence = sequence;
    st.last_progress_us = now;
  }
  while (!st.heads_seen.empty() && st.heads_seen.front().first <= sequence) {
    st.heads_seen.pop_front();
  }
}

absl::Status ReplicationServiceImpl::CheckSignedHead(
    const std::string& node, storage::EventLog* log, const v1::SignedHead& head,
    uint64_t last, const std::vector<storage::StoredEvent>& batch) {
  RETURN_IF_ERROR(options_.node_keys->CheckSignature(node, head));
  if (head.sequence() > last) {
    return absl::InvalidArgumentError(absl::StrCat(
        "replication: node ", node, ": a head signed at sequence ",
        head.sequence(), " came with events up to ", last,
        " only; send a signed head with or after the events it covers"));
  }
  // The copy's hash at that sequence: from the batch just written, or
  // from the copy (once durable: reads see durable events only).
  std::string held = storage::ZeroHash();
  if (!batch.empty() && head.sequence() >= batch.front().sequence) {
    held = batch[head.sequence() - batch.front().sequence].hash;
  } else if (head.sequence() > 0) {
    RETURN_IF_ERROR(log->AwaitDurable(head.sequence()));
    ASSIGN_OR_RETURN(storage::StoredEvent e, log->ReadOne(head.sequence()));
    held = std::move(e.hash);
  }
  if (held != head.hash()) {
    return Diverged(
        node,
        absl::StrCat("the node signed hash ", storage::HexHash(head.hash()),
                     " for sequence ", head.sequence(),
                     " but the city's copy holds ", storage::HexHash(held)));
  }
  return absl::OkStatus();
}

absl::Status ReplicationServiceImpl::Diverged(const std::string& node,
                                              const std::string& detail) {
  absl::Status s = copies_->MarkDiverged(node, detail);
  if (!s.ok()) {
    spdlog::error("replication: node {}: could not record the divergence: {}",
                  node, s.ToString());
  }
  return absl::DataLossError(
      absl::StrCat("replication: node ", node,
                   ": the city's copy and the node's log "
                   "diverge (",
                   detail,
                   "); replication of this node is stopped and "
                   "nothing is overwritten: an operator must investigate"));
}

grpc::Status ReplicationServiceImpl::GetStatus(
    grpc::ServerContext*, const v1::GetStatusRequest* request,
    v1::GetStatusResponse* response) {
  std::vector<std::string> nodes;
  if (!request->node_id().empty()) {
    if (absl::Status s = CheckNodeId(request->node_id()); !s.ok()) {
      return services::ToGrpcStatus(s);
    }
    const std::vector<std::string> known = copies_->Nodes();
    if (std::find(known.begin(), known.end(), request->node_id()) ==
        known.end()) {
      return grpc::Status(
          grpc::StatusCode::NOT_FOUND,
          absl::StrCat("replication: no copy of node ", request->node_id(),
                       " (it has never pushed)"));
    }
    nodes.push_back(request->node_id());
  } else {
    nodes = copies_->Nodes();
  }
  for (const std::string& node : nodes) {
    absl::StatusOr<storage::EventLog*> log = copies_->Get(node);
    if (!log.ok()) return services::ToGrpcStatus(log.status());
    *response->add_nodes() = StatusOf(node, (*log)->GetHead());
  }
  if (options_.write_health) {
    const absl::Status writable = options_.write_health();
    response->set_disk_full(absl::IsResourceExhausted(writable));
    response->set_write_refusal(std::string(writable.message()));
  }
  return grpc::Status::OK;
}

}  // namespace reporting::city
