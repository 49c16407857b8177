// VerifyChain: recomputes a log's whole hash chain from its stored bytes
// (storage/README.md "Hash chain") and says where it first breaks, as data
// (sequence and reason), not as a message to parse.
//
// For every event 1..head, in order: it is present (no gap), its stored
// hash is SHA-256(previous hash || envelope bytes), its envelope decodes
// and names the log's node, its sequence and its prev_hash; finally the
// head record's hash is the last event's. The head is fixed when the call
// starts (a live log keeps appending; later events are not checked).
// VerifyReceipts checks a city copy's receipt chain the same way.
//
// Thread compatibility: reads only; safe alongside appends.
#ifndef REPORTING_SERVICES_AUDIT_VERIFY_H_
#define REPORTING_SERVICES_AUDIT_VERIFY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "services/audit/log_source.h"

namespace reporting::audit {

struct ChainReport {
  bool ok = true;
  uint64_t events_checked = 0;  // events whose hash was recomputed
  uint64_t head_sequence = 0;
  std::string head_hash;  // as the head record holds it
  // When !ok: the first bad sequence and why.
  uint64_t first_bad_sequence = 0;
  std::string problem;
};

// A broken chain is an OK status with report.ok == false; the status is an
// error only when the log cannot be read at all (e.g. closed).
absl::StatusOr<ChainReport> VerifyChain(const LogRef& log);

struct ReceiptReport {
  bool ok = true;
  uint64_t receipts_checked = 0;
  // When !ok: the number of the first receipt that is wrong or missing,
  // and why.
  uint64_t first_bad_receipt = 0;
  std::string problem;
};

// A city copy's receipt chain (storage/receipt.h) up to `head`, a sequence
// VerifyChain found sound: numbers 1, 2, ... without gaps; each receipt's
// stored hash recomputes from its fields and its prev_hash is the previous
// receipt's hash (32 zero bytes for receipt 1); each range starts right
// after the previous one (receipt 1 where the copy's receive times start)
// and its last_hash is the stored hash of its last event; the last receipt
// ends at `head`. Errors as VerifyChain's.
absl::StatusOr<ReceiptReport> VerifyReceipts(const LogRef& log, uint64_t head);

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_AUDIT_VERIFY_H_
