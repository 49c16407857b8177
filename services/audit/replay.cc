#include "services/audit/replay.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/audit/envelope_fields.h"
#include "services/export/export_seal.h"
#include "storage/status_macros.h"

namespace reporting::audit {

absl::Status RunReplay(const LogRef& log, const ReplayFilter& filter,
                       const BatchWriter& write, const ReplayLimits& limits,
                       const ExportSigner* sealer) {
  const storage::Head head_at_start = log.log->GetHead();
  const uint64_t head = head_at_start.sequence;
  SealBuilder seal;
  // The receipt of the last event sent (number 0: none yet).
  storage::Receipt receipt;
  const uint64_t to =
      filter.to_sequence() == 0 ? head : std::min(filter.to_sequence(), head);
  v1::ReplayBatch batch;
  batch.set_head_sequence(head);
  size_t batch_bytes = 0;
  uint64_t scanned = filter.from_sequence() - 1;  // last sequence examined
  uint64_t last_written = scanned;  // scanned_to of the last message
  bool wrote_any = false;
  auto flush = [&](bool last = false) -> absl::Status {
    batch.set_scanned_to(scanned);
    if (last && sealer != nullptr) {
      v1::ExportSeal* s = batch.mutable_seal();
      s->set_node_id(log.node_id);
      s->mutable_filters()->insert(filter.given().begin(),
                                   filter.given().end());
      s->set_log_head_sequence(head);
      seal.Finish(s);
      SignSeal(*sealer, head_at_start, absl::ToUnixMicros(absl::Now()), s);
    }
    if (!write(batch)) {
      return absl::CancelledError(absl::StrCat(
          "audit: replay of node ", log.node_id,
          ": the client went away; resume from sequence ", last_written + 1));
    }
    last_written = scanned;
    wrote_any = true;
    batch.clear_events();
    batch.clear_receipts();
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
        if (log.replica &&
            !(receipt.number != 0 && receipt.Covers(e.sequence))) {
          absl::StatusOr<storage::Receipt> r = log.log->ReceiptFor(e.sequence);
          if (r.ok()) {
            receipt = std::move(*r);
            *batch.add_receipts() = ToProto(log.node_id, receipt);
            seal.AddReceipt(receipt.number, receipt.hash);
            batch_bytes += 3 * storage::kHashBytes + 64;
          } else if (r.status().code() == absl::StatusCode::kNotFound) {
            receipt = storage::Receipt();  // received before receipts
          } else {
            return r.status();
          }
        }
        if (receipt.number != 0 && receipt.Covers(e.sequence)) {
          out->set_received_at_us(receipt.received_at_us);
          out->set_receipt_number(receipt.number);
        }
        if (sealer != nullptr) {
          EnvelopeFields fields;
          if (!DecodeEnvelopeFields(e.envelope, &fields)) {
            return absl::DataLossError(absl::StrCat(
                "audit: replay of node ", log.node_id, ": sequence ",
                e.sequence, ": the stored envelope does not decode"));
          }
          seal.AddEvent(e.sequence, fields.prev_hash, e.hash);
        }
        out->set_envelope(std::move(e.envelope));
        out->set_hash(std::move(e.hash));
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
  if (batch.events_size() > 0 || !wrote_any || last_written < scanned ||
      sealer != nullptr) {
    RETURN_IF_ERROR(flush(/*last=*/true));
  }
  return absl::OkStatus();
}

}  // namespace reporting::audit
