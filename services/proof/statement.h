// Statements: the exact bytes a signature covers (docs/AUDIT.md,
// "Signatures"). A statement is ASCII-framed text, so that an auditor can
// rebuild it from readable fields in any language and read it on a screen:
//
//   statement := kind "\n" line*
//   line      := name "=" value "\n"
//   value     := decimal integer               (numbers; "-" when negative)
//              | lower-case hex                (bytes; "" when none)
//              | decimal(byte length) ":" text (strings, UTF-8; the length
//                                               makes any text unambiguous)
//
// The statements signed in this project:
//
//   reporting-key/1            a key record (proof.proto KeyRecord), signed
//   signer=<text>              by the previous key (key 1: by itself)
//   number=<n>
//   public_key=<hex, 32 bytes>
//   created_at_us=<n>
//
//   reporting-signed-head/1    a node's head (proof.proto SignedHead)
//   node_id=<text>
//   sequence=<n>
//   hash=<hex, 32 bytes>
//   signed_at_us=<n>
//   key=<n>
//
// and the export manifest (services/export/export_seal.h).
//
// Thread safety: a Statement is used by one thread; functions are pure.
#ifndef REPORTING_SERVICES_PROOF_STATEMENT_H_
#define REPORTING_SERVICES_PROOF_STATEMENT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "reporting/v1/proof.pb.h"

namespace reporting::proof {

inline constexpr absl::string_view kKeyStatement = "reporting-key/1";
inline constexpr absl::string_view kHeadStatement = "reporting-signed-head/1";

class Statement {
 public:
  explicit Statement(absl::string_view kind);
  Statement& Number(absl::string_view name, int64_t value);
  Statement& Unsigned(absl::string_view name, uint64_t value);
  Statement& Hex(absl::string_view name, absl::string_view bytes);
  Statement& Text(absl::string_view name, absl::string_view text);
  const std::string& bytes() const { return bytes_; }

 private:
  void Line(absl::string_view name, absl::string_view value);
  std::string bytes_;
};

// The bytes a key record's endorsement signs (not the endorsement itself).
std::string KeyStatement(const v1::KeyRecord& key);
// The bytes a signed head's signature signs (not the signature itself).
std::string HeadStatement(const v1::SignedHead& head);

}  // namespace reporting::proof

#endif  // REPORTING_SERVICES_PROOF_STATEMENT_H_
