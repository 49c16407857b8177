#include "services/audit/replay.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/status_macros.h"

namespace reporting::audit {

absl::Status RunReplay(const LogRef& log, const ReplayFilter& filter,
                       const BatchWriter& write, const ReplayLimits& limits) {
  const uint64_t head = log.log->GetHead().sequence;
  const uint64_t to =
      filter.to_sequence() == 0 ? head : std::min(filter.to_sequence(), head);
  v1::ReplayBatch batch;
  batch.set_head_sequence(head);
  size_t batch_bytes = 0;
  uint64_t scanned = filter.from_sequence() - 1;  // last sequence examined
  uint64_t last_written = scanned;  // scanned_to of the last message
  bool wrote_any = false;
  auto flush = [&]() -> absl::Status {
    batch.set_scanned_to(scanned);
    if (!write(batch)) {
      return absl::CancelledError(absl::StrCat(
          "audit: replay of node ", log.node_id,
          ": the client went away; resume from sequence ", last_written + 1));
    }
    last_written = scanned;
    wrote_any = true;
    batch.clear_events();
    batch_bytes = 0;
    return absl::OkStatus();
  };

  uint64_t next = filter.from_sequence();
  while (next <= to) {
    storage::ReadLimits read;
    read.max_events = static_cast<size_t>(
        std::min<uint64_t>(limits.read_events, to - next + 1));
    read.max_bytes = limits.read_bytes;
    ASSIGN_OR_RETURN(std::vector<storage::StoredEvent> chunk,
                     log.log->Read(next, read));
    if (chunk.empty()) {
      return absl::DataLossError(
          absl::StrCat("audit: replay of node ", log.node_id, ": sequence ",
                       next, " is missing below the head ", head));
    }
    for (storage::StoredEvent& e : chunk) {
      if (e.sequence > to) break;
      ASSIGN_OR_RETURN(bool match, filter.Matches(e.sequence, e.envelope));
      scanned = e.sequence;
      if (match) {
        int64_t received_at = 0;
        if (log.replica) {
          ASSIGN_OR_RETURN(received_at, log.log->ReceivedAt(e.sequence));
        }
        const size_t size = e.envelope.size() + e.hash.size();
        if (batch.events_size() > 0 &&
            batch_bytes + size > limits.max_batch_bytes) {
          // Flush without this event (scanned_to is the one before it).
          scanned = e.sequence - 1;
          RETURN_IF_ERROR(flush());
          scanned = e.sequence;
        }
        v1::AuditedEvent* out = batch.add_events();
        out->set_sequence(e.sequence);
        out->set_envelope(std::move(e.envelope));
        out->set_hash(std::move(e.hash));
        out->set_received_at_us(received_at);
        batch_bytes += size;
        if (batch.events_size() >= static_cast<int>(filter.batch_events()) ||
            batch_bytes >= limits.max_batch_bytes) {
          RETURN_IF_ERROR(flush());
        }
      } else if (scanned - last_written >= limits.progress_every) {
        // A filtered replay: what was found so far, and the progress.
        RETURN_IF_ERROR(flush());
      }
    }
    next = chunk.back().sequence + 1;
  }
  // The last message says where the replay ended.
  scanned = std::max(scanned, to);
  if (batch.events_size() > 0 || !wrote_any || last_written < scanned) {
    RETURN_IF_ERROR(flush());
  }
  return absl::OkStatus();
}

}  // namespace reporting::audit
