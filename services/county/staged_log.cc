#include "services/county/staged_log.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "reporting/v1/envelope.pb.h"
#include "storage/status_macros.h"

namespace reporting::county {
namespace {

absl::Status NotInBatch(absl::string_view what) {
  return absl::FailedPreconditionError(absl::StrCat(
      "staged log: ", what, " is not available in an import batch"));
}

}  // namespace

StagedLog::StagedLog(storage::EventLog* base, std::string node_id,
                     int64_t now_us)
    : base_(base),
      node_id_(std::move(node_id)),
      now_us_(now_us),
      base_head_(base->GetHead().sequence) {}

absl::StatusOr<StagedLog::StreamView*> StagedLog::Touch(
    absl::string_view stream_id) const {
  auto it = streams_.find(stream_id);
  if (it != streams_.end()) return &it->second;
  StreamView view;
  uint64_t from = 1;
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<storage::StoredEvent> batch,
                     base_->ReadStream(stream_id, from, {}));
    if (batch.empty()) break;
    from += batch.size();
    for (storage::StoredEvent& e : batch) view.events.push_back(std::move(e));
  }
  view.base_version = view.events.size();
  return &streams_.emplace(std::string(stream_id), std::move(view))
              .first->second;
}

absl::StatusOr<std::vector<storage::StoredEvent>> StagedLog::ReadStream(
    absl::string_view stream_id, uint64_t from_version,
    storage::ReadLimits) const {
  ASSIGN_OR_RETURN(StreamView * view, Touch(stream_id));
  std::vector<storage::StoredEvent> out;
  for (uint64_t v = std::max<uint64_t>(from_version, 1);
       v <= view->events.size(); ++v) {
    out.push_back(view->events[v - 1]);
  }
  return out;
}

absl::StatusOr<uint64_t> StagedLog::StreamVersion(
    absl::string_view stream_id) const {
  ASSIGN_OR_RETURN(StreamView * view, Touch(stream_id));
  return view->events.size();
}

absl::StatusOr<storage::CommandRecord> StagedLog::FindCommand(
    absl::string_view command_id) const {
  auto it = commands_.find(command_id);
  if (it != commands_.end()) return it->second;
  return base_->FindCommand(command_id);
}

storage::Head StagedLog::GetHead() const {
  storage::Head head;
  head.sequence = base_head_ + staged_.size();
  head.hash.assign(storage::kHashBytes, '\0');  // not computed for staging
  return head;
}

absl::StatusOr<storage::AppendResult> StagedLog::Append(
    const storage::AppendRequest& request) {
  if (!request.refusal.ok()) return request.refusal;  // recorded by the batch
  if (auto it = commands_.find(request.command_id); it != commands_.end()) {
    return storage::AnswerRepeat(it->second, request.command_id,
                                 request.request_digest);
  }
  for (const auto& [stream, expected] : request.expected_versions) {
    ASSIGN_OR_RETURN(StreamView * view, Touch(stream));
    if (view->events.size() != expected) {
      return absl::AbortedError(absl::StrCat("import batch: stream ", stream,
                                             ": expected version ", expected,
                                             ", found ", view->events.size()));
    }
  }
  if (staged_.size() + request.events.size() > storage::kMaxEventsPerAppend) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "import batch: more than ", storage::kMaxEventsPerAppend,
        " events (one atomic append holds at most that many): split the "
        "file"));
  }
  size_t bytes = 0;
  for (const storage::NewEvent& e : request.events) {
    bytes += e.payload.size() + kEnvelopeOverheadBytes;
  }
  if (staged_bytes_ + bytes > kMaxImportBatchBytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "import batch: its events would take more than ", kMaxImportBatchBytes,
        " bytes in the log (one batch is bounded so that no request can grow "
        "much on disk): split the file"));
  }
  staged_bytes_ += bytes;
  storage::AppendResult result;
  storage::StreamVersionsBuilder versions;
  for (const storage::NewEvent& e : request.events) {
    ASSIGN_OR_RETURN(StreamView * view, Touch(e.stream_id));
    v1::EventEnvelope envelope;
    envelope.set_node_id(node_id_);
    envelope.set_sequence(base_head_ + staged_.size() + 1);
    envelope.set_stream_id(e.stream_id);
    envelope.set_stream_version(view->events.size() + 1);
    envelope.set_event_type(e.event_type);
    envelope.set_recorded_at_us(now_us_);
    envelope.set_actor(request.actor);
    envelope.set_command_id(request.command_id);
    envelope.set_payload(e.payload);
    storage::StoredEvent stored;
    stored.sequence = envelope.sequence();
    stored.envelope = envelope.SerializeAsString();
    view->events.push_back(std::move(stored));
    staged_.push_back(e);
    if (result.first_sequence == 0) result.first_sequence = envelope.sequence();
    result.last_sequence = envelope.sequence();
    versions.Set(e.stream_id, envelope.stream_version());
  }
  result.stream_versions = versions.Build();
  storage::CommandRecord& record = commands_[request.command_id];
  record.result = result;
  record.request_digest = request.request_digest;
  return result;
}

absl::StatusOr<storage::AppendResult> StagedLog::Commit(
    const std::string& command_id, const std::string& actor,
    const std::string& request_digest) {
  if (staged_.empty()) {
    return absl::InvalidArgumentError("import batch: nothing to record");
  }
  storage::AppendRequest request;
  request.command_id = command_id;
  request.actor = actor;
  request.recorded_at_us = now_us_;
  request.request_digest = request_digest;
  request.events = staged_;
  for (const auto& [stream, view] : streams_) {
    request.expected_versions[stream] = view.base_version;
  }
  return base_->Append(request);
}

// ---- Not part of the command path.

absl::StatusOr<std::vector<storage::StoredEvent>> StagedLog::Read(
    uint64_t, storage::ReadLimits) const {
  return NotInBatch("Read");
}
absl::StatusOr<storage::StoredEvent> StagedLog::ReadOne(uint64_t) const {
  return NotInBatch("ReadOne");
}
absl::StatusOr<std::vector<storage::StoredEvent>> StagedLog::ReadByType(
    absl::string_view, int64_t, int64_t, uint64_t, storage::ReadLimits) const {
  return NotInBatch("ReadByType");
}
storage::Head StagedLog::WaitForAppend(uint64_t, absl::Duration,
                                       uint64_t) const {
  return GetHead();  // never blocks: nothing appends to a staged batch
}
uint64_t StagedLog::WakeGeneration() const { return 0; }
void StagedLog::WakeWaiters() const {}
absl::StatusOr<storage::Head> StagedLog::AppendReplicated(
    const std::vector<storage::StoredEvent>&, int64_t) {
  return NotInBatch("AppendReplicated");
}
absl::StatusOr<storage::Head> StagedLog::WriteReplicated(
    const std::vector<storage::StoredEvent>&, int64_t) {
  return NotInBatch("WriteReplicated");
}
absl::Status StagedLog::AwaitDurable(uint64_t) {
  return NotInBatch("AwaitDurable");
}
absl::StatusOr<int64_t> StagedLog::ReceivedAt(uint64_t) const {
  return NotInBatch("ReceivedAt");
}
absl::Status StagedLog::Verify(const storage::ProgressFn&) const {
  return NotInBatch("Verify");
}
absl::Status StagedLog::Checkpoint(const std::string&) const {
  return NotInBatch("Checkpoint");
}
absl::StatusOr<storage::DiskUsage> StagedLog::GetDiskUsage() const {
  return NotInBatch("GetDiskUsage");
}
absl::Status StagedLog::Close() { return absl::OkStatus(); }

}  // namespace reporting::county
