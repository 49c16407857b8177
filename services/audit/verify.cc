#include "services/audit/verify.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "services/audit/envelope_fields.h"
#include "storage/hash_chain.h"
#include "storage/status_macros.h"

namespace reporting::audit {
namespace {

// After a failed chunk read: the first sequence from `from` that cannot be
// read on its own, and why.
void FindUnreadable(const storage::EventLog& log, uint64_t from, uint64_t head,
                    ChainReport& report) {
  for (uint64_t s = from; s <= head; ++s) {
    absl::StatusOr<storage::StoredEvent> e = log.ReadOne(s);
    if (!e.ok()) {
      report.ok = false;
      report.first_bad_sequence = s;
      report.problem = std::string(e.status().message());
      return;
    }
  }
  report.ok = false;
  report.first_bad_sequence = from;
  report.problem = "stored events from here on cannot be read in order";
}

}  // namespace

absl::StatusOr<ChainReport> VerifyChain(const LogRef& ref) {
  const storage::EventLog& log = *ref.log;
  const storage::Head head = log.GetHead();
  ChainReport report;
  report.head_sequence = head.sequence;
  report.head_hash = head.hash;
  auto bad = [&report](uint64_t seq, std::string problem) {
    report.ok = false;
    report.first_bad_sequence = seq;
    report.problem = std::move(problem);
    return report;
  };
  std::string prev = storage::ZeroHash();
  uint64_t expected = 1;
  storage::ReadLimits limits;
  limits.max_events = 4096;
  limits.max_bytes = 4 << 20;
  EnvelopeFields f;
  while (expected <= head.sequence) {
    absl::StatusOr<std::vector<storage::StoredEvent>> chunk =
        log.Read(expected, limits);
    if (!chunk.ok()) {
      if (chunk.status().code() != absl::StatusCode::kDataLoss) {
        return chunk.status();
      }
      FindUnreadable(log, expected, head.sequence, report);
      return report;
    }
    for (const storage::StoredEvent& e : *chunk) {
      if (e.sequence > head.sequence) break;
      if (e.sequence != expected) return bad(expected, "missing");
      if (e.hash.size() != storage::kHashBytes ||
          storage::ChainHash(prev, e.envelope) != e.hash) {
        return bad(e.sequence, "stored hash does not match its bytes");
      }
      ++report.events_checked;
      if (!DecodeEnvelopeFields(e.envelope, &f)) {
        return bad(e.sequence, "envelope does not decode");
      }
      if (f.sequence != e.sequence) {
        return bad(e.sequence,
                   absl::StrCat("envelope says sequence ", f.sequence));
      }
      if (f.node_id != ref.node_id) {
        return bad(e.sequence, absl::StrCat("envelope names node ", f.node_id));
      }
      if (f.prev_hash != prev) {
        return bad(e.sequence,
                   "envelope's prev_hash is not the previous event's hash");
      }
      prev = e.hash;
      ++expected;
    }
  }
  if (prev != head.hash) {
    return bad(head.sequence,
               "the head record's hash is not the last event's hash");
  }
  return report;
}

absl::StatusOr<ReceiptReport> VerifyReceipts(const LogRef& ref, uint64_t head) {
  const storage::EventLog& log = *ref.log;
  ReceiptReport report;
  auto bad = [&report](uint64_t number, std::string problem) {
    report.ok = false;
    report.first_bad_receipt = number;
    report.problem = std::move(problem);
    return report;
  };
  storage::Receipt previous;  // number 0: none yet
  uint64_t from = 1;
  while (from <= head) {
    ASSIGN_OR_RETURN(std::vector<storage::Receipt> chunk,
                     log.ReadReceipts(from, 4096));
    if (chunk.empty()) break;
    for (const storage::Receipt& r : chunk) {
      if (r.last_sequence > head) break;
      const uint64_t expected = previous.number + 1;
      if (r.number != expected) {
        return bad(expected,
                   absl::StrCat("missing (receipt ", r.number, " follows ",
                                previous.number == 0
                                    ? std::string("no receipt")
                                    : absl::StrCat("receipt ", previous.number),
                                ")"));
      }
      if (r.hash != storage::ReceiptHash(ref.node_id, r)) {
        return bad(r.number, "stored hash does not match its fields");
      }
      if (r.prev_hash !=
          (previous.number == 0 ? storage::ZeroHash() : previous.hash)) {
        return bad(r.number, "prev_hash is not the previous receipt's hash");
      }
      if (previous.number != 0 &&
          r.first_sequence != previous.last_sequence + 1) {
        return bad(r.number, absl::StrCat("covers sequences ", r.first_sequence,
                                          "..", r.last_sequence, ", not from ",
                                          previous.last_sequence + 1));
      }
      absl::StatusOr<storage::StoredEvent> e = log.ReadOne(r.last_sequence);
      if (!e.ok() || e->hash != r.last_hash) {
        return bad(r.number,
                   absl::StrCat("last_hash is not the hash of sequence ",
                                r.last_sequence));
      }
      ++report.receipts_checked;
      previous = r;
    }
    from = previous.last_sequence + 1;
    if (chunk.back().last_sequence > head) break;
  }
  if (previous.number == 0 && head > 0) {
    return bad(1, absl::StrCat("missing: the copy holds sequences 1..", head,
                               " and no receipt"));
  }
  if (previous.number != 0 && previous.last_sequence != head) {
    return bad(previous.number + 1,
               absl::StrCat("missing: receipt ", previous.number,
                            " ends at sequence ", previous.last_sequence,
                            " but the copy holds up to ", head));
  }
  return report;
}

}  // namespace reporting::audit
