// The export seal (audit.proto ExportSeal): what a server signs at the end
// of a sealed replay, and the exact bytes its signature covers, the
// manifest statement (docs/AUDIT.md "The manifest statement"; the framing
// is services/proof/statement.h):
//
//   reporting-export/2
//   signer=<text>                 key=<n>
//   node_id=<text>
//   filter.<name>=<text>          one line per filter given, names sorted
//   count=<n>  first_sequence=<n>  last_sequence=<n>
//   first_prev_hash=<hex>  last_hash=<hex>  events_digest=<hex>
//   receipt_count=<n>  first_receipt=<n>  last_receipt=<n>
//   receipts_digest=<hex>
//   log_head_sequence=<n>
//   node_head=none                when no signed head anchors it, else
//   node_head.sequence=<n>  node_head.hash=<hex>
//   node_head.signed_at_us=<n>  node_head.key=<n>  node_head.signature=<hex>
//   created_at_us=<n>
//
// (one field per line, in this order). SealBuilder computes the counts and
// digests while the events are sent; a verifier recomputes them from the
// files and rebuilds the statement from the manifest.
//
// Thread safety: pure functions; a SealBuilder is used by one thread.
#ifndef REPORTING_SERVICES_EXPORT_EXPORT_SEAL_H_
#define REPORTING_SERVICES_EXPORT_EXPORT_SEAL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "reporting/v1/audit.pb.h"
#include "storage/receipt.h"

namespace reporting::audit {

inline constexpr absl::string_view kManifestStatement = "reporting-export/2";

// The bytes the seal's signature signs.
std::string ManifestStatement(const v1::ExportSeal& seal);

// The storage form of a receipt and back (same fields).
storage::Receipt ToStorage(const v1::Receipt& r);
v1::Receipt ToProto(absl::string_view node_id, const storage::Receipt& r);

// Counts and digests of what a sealed replay sent, in order.
class SealBuilder {
 public:
  SealBuilder();
  ~SealBuilder();
  SealBuilder(const SealBuilder&) = delete;
  SealBuilder& operator=(const SealBuilder&) = delete;

  void AddEvent(uint64_t sequence, absl::string_view prev_hash,
                absl::string_view hash);
  void AddReceipt(uint64_t number, absl::string_view hash);
  // Fills count, first/last sequence, first_prev_hash, last_hash,
  // events_digest and the receipt fields of `seal`.
  void Finish(v1::ExportSeal* seal);

 private:
  struct Digest;
  std::unique_ptr<Digest> events_;
  std::unique_ptr<Digest> receipts_;
  v1::ExportSeal counts_;
};

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_EXPORT_EXPORT_SEAL_H_
