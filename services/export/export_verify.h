// VerifyExport: the checks an auditor runs on an export (docs/AUDIT.md
// "Verifying an export", every numbered check), in C++: the same checks as
// docs/verify_export.py, which is independent of this code on purpose.
// `reportctl audit verify-export` runs it, and `reportctl audit export`
// runs it on what it wrote before it reports success.
//
// Thread safety: a pure function of the files.
#ifndef REPORTING_SERVICES_EXPORT_EXPORT_VERIFY_H_
#define REPORTING_SERVICES_EXPORT_EXPORT_VERIFY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace reporting::audit {

struct ExportVerifyOptions {
  // Raw 32-byte public keys the auditor trusts (from `reportctl audit
  // keys`, or published by the signer). When given, the signer's key
  // history, and the node's when a signed head anchors the export, must
  // each hold one of them.
  std::vector<std::string> trusted_keys;
};

// What a verified export holds.
struct ExportSummary {
  std::string node_id;
  uint64_t count = 0;
  uint64_t first_sequence = 0;
  uint64_t last_sequence = 0;
  bool contiguous = true;
  std::string last_hash;  // 32 bytes ("" when empty)
  uint64_t receipts = 0;
  std::string signer;
  uint32_t key_number = 0;
  std::string signer_public_key;  // 32 bytes
  // The node's signed head the export is anchored to, if any, and whether
  // a line (or first_prev_hash) of the file is at its sequence and has its
  // hash (which proves the file's chain up to there is the node's).
  bool anchored = false;
  uint64_t anchor_sequence = 0;
  bool anchor_linked = false;
};

// INVALID_ARGUMENT naming the first problem ("manifest: ...", "export line
// N: ...", "line N (sequence S): ...", "receipts line N (receipt K): ...");
// NOT_FOUND for a file that cannot be read.
absl::StatusOr<ExportSummary> VerifyExport(
    const std::string& events_path, const std::string& manifest_path,
    const ExportVerifyOptions& options = {});

// One line for a person: "OK: 31 events (sequences 1..31, contiguous),
// signed by 371302 key 1 (<public key hex>); anchored to 371302's head
// signed at sequence 31, linked".
std::string DescribeExport(const ExportSummary& summary);

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_EXPORT_EXPORT_VERIFY_H_
