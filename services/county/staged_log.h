// StagedLog: an EventLog overlay for an atomic import batch
// (ClerkService.ImportBatch, clerk_service_import.cc).
//
// The batch's commands run through the ordinary CommandService handlers
// against a StagedLog instead of the node's log: their reads see the
// node's log plus the events staged by the batch's earlier commands, and
// their appends are staged here, not written. Commit() then appends every
// staged event in ONE append of the real log, under one command id, with
// the versions the batch first read of every stream it touched as expected
// versions: all or nothing, and a concurrent change to anything the batch
// looked at makes it ABORTED (retry the batch).
//
// Each stream is read from the real log once, at its first touch, and then
// held at that version (later appends by others are not seen; Commit
// refuses them instead). Only the calls the command path makes are
// supported (ReadStream, StreamVersion, FindCommand, Append, GetHead);
// the rest are FAILED_PRECONDITION. A refusal a command asks to record
// (AppendRequest::refusal) is answered and not recorded: the batch's
// answer is what the node records, under the batch id.
//
// Not thread-safe: one batch, one thread. `base` must outlive it.
#ifndef REPORTING_SERVICES_COUNTY_STAGED_LOG_H_
#define REPORTING_SERVICES_COUNTY_STAGED_LOG_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "storage/event_log.h"

namespace reporting::county {

// A batch's events take at most kMaxImportBatchBytes in the log, counting
// each as its payload plus the most the rest of its envelope can take
// (actor, command id, stream id... storage::kMaxEnvelopeBytes): more is
// RESOURCE_EXHAUSTED, nothing written. So a request of R bytes writes at
// most R + 1 KiB per event, and never more than 16 MiB (issue 20).
inline constexpr size_t kEnvelopeOverheadBytes =
    storage::kMaxEnvelopeBytes - storage::kMaxPayloadBytes;
inline constexpr size_t kMaxImportBatchBytes = 16 << 20;

class StagedLog final : public storage::EventLog {
 public:
  StagedLog(storage::EventLog* base, std::string node_id, int64_t now_us);

  // Events staged so far.
  size_t staged_events() const { return staged_.size(); }

  // Appends the staged events to the base log in one append, under
  // `command_id` with `request_digest` (storage::AppendRequest).
  absl::StatusOr<storage::AppendResult> Commit(
      const std::string& command_id, const std::string& actor,
      const std::string& request_digest);

  absl::StatusOr<storage::AppendResult> Append(
      const storage::AppendRequest& request) override;
  storage::Head GetHead() const override;
  absl::StatusOr<std::vector<storage::StoredEvent>> ReadStream(
      absl::string_view stream_id, uint64_t from_version,
      storage::ReadLimits limits) const override;
  absl::StatusOr<uint64_t> StreamVersion(
      absl::string_view stream_id) const override;
  absl::StatusOr<storage::CommandRecord> FindCommand(
      absl::string_view command_id) const override;

  // Not part of the command path: FAILED_PRECONDITION (or the base's head).
  absl::StatusOr<std::vector<storage::StoredEvent>> Read(
      uint64_t from, storage::ReadLimits limits) const override;
  absl::StatusOr<storage::StoredEvent> ReadOne(
      uint64_t sequence) const override;
  absl::StatusOr<std::vector<storage::StoredEvent>> ReadByType(
      absl::string_view event_type, int64_t from_us, int64_t to_us,
      uint64_t after_sequence, storage::ReadLimits limits) const override;
  storage::Head WaitForAppend(uint64_t after_sequence, absl::Duration timeout,
                              uint64_t wake_generation) const override;
  uint64_t WakeGeneration() const override;
  void WakeWaiters() const override;
  absl::StatusOr<storage::Head> AppendReplicated(
      const std::vector<storage::StoredEvent>& events,
      int64_t received_at_us) override;
  absl::StatusOr<storage::Head> WriteReplicated(
      const std::vector<storage::StoredEvent>& events,
      int64_t received_at_us) override;
  absl::Status AwaitDurable(uint64_t sequence) override;
  absl::StatusOr<int64_t> ReceivedAt(uint64_t sequence) const override;
  absl::Status Verify(const storage::ProgressFn& progress) const override;
  absl::Status Checkpoint(const std::string& dir) const override;
  absl::StatusOr<storage::DiskUsage> GetDiskUsage() const override;
  absl::Status Close() override;

 private:
  struct StreamView {
    uint64_t base_version = 0;                 // in the base log, first read
    std::vector<storage::StoredEvent> events;  // base events, then staged
  };
  // The stream as this batch sees it (read from the base at first touch).
  absl::StatusOr<StreamView*> Touch(absl::string_view stream_id) const;

  storage::EventLog* const base_;
  const std::string node_id_;
  const int64_t now_us_;
  const uint64_t base_head_;
  mutable std::map<std::string, StreamView, std::less<>> streams_;
  std::vector<storage::NewEvent> staged_;
  size_t staged_bytes_ = 0;  // payloads + kEnvelopeOverheadBytes each
  // Command ids staged by the batch: their results and request digests.
  std::map<std::string, storage::CommandRecord, std::less<>> commands_;
};

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_STAGED_LOG_H_
