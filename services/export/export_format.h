// The audit export file format, version 2 (docs/AUDIT.md is its full
// description): events as JSON Lines, the city's receipts covering them as
// JSON Lines beside them, and a manifest that carries the server's signed
// seal.
//
//   FILE                   := line*                  one event per line, '\n'
//   line                   := { "node_id", "sequence", "stream_id",
//                               "stream_version", "event_id", "event_type",
//                               "recorded_at_us", "recorded_at", "actor",
//                               "command_id", ["received_at_us",
//                               "received_at", "receipt"], "prev_hash",
//                               "hash", "envelope_b64", "payload_b64",
//                               "payload" }
//     envelope_b64         := base64 of the EXACT stored EventEnvelope bytes
//     hash, prev_hash      := 64 lower-case hex digits;
//                             hash = SHA-256(prev_hash || envelope)
//     payload              := the typed payload in protobuf's JSON mapping,
//                             or null when this build does not know the type
//   FILE.receipts.jsonl    := receipt_line*         city exports only
//   receipt_line           := { "node_id", "number", "first_sequence",
//                               "last_sequence", "last_hash",
//                               "received_at_us", "received_at",
//                               "prev_hash", "hash" }
//                             hash = SHA-256(prev_hash || receipt bytes)
//                             (storage/receipt.h)
//   FILE.manifest.json     := one JSON object (ExportManifest below)
//
// The envelope bytes, the receipts and the seal's signature are the
// evidence; every other field is a readable copy that a verifier checks
// against them (export_verify.h, docs/verify_export.py).
//
// Used by `reportctl audit export` (writing), its verifier, and county
// restore from a city export (reading).
//
// Thread safety: free functions are thread-safe; an ExportWriter is used by
// one thread.
#ifndef REPORTING_SERVICES_EXPORT_EXPORT_FORMAT_H_
#define REPORTING_SERVICES_EXPORT_EXPORT_FORMAT_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "reporting/v1/audit.pb.h"
#include "reporting/v1/envelope.pb.h"

namespace reporting::audit {

inline constexpr int kExportFormatVersion = 2;
inline constexpr char kExportFormatName[] = "reporting-audit-export";

// FILE -> FILE.manifest.json, FILE -> FILE.receipts.jsonl
std::string ManifestPathFor(const std::string& events_path);
std::string ReceiptsPathFor(const std::string& events_path);

// One event line as text, without the trailing '\n'. INVALID_ARGUMENT when
// the envelope bytes do not decode or the hash is not 32 bytes.
absl::StatusOr<std::string> FormatEventLine(const v1::AuditedEvent& event);
// One receipt line as text, without the trailing '\n'.
std::string FormatReceiptLine(const v1::Receipt& receipt);

// What an export line proves, parsed back: the exact envelope bytes and
// hashes (the other fields of the line are checked against the envelope).
struct ExportedEvent {
  uint64_t sequence = 0;
  std::string node_id;
  std::string envelope;        // exact stored bytes
  std::string hash;            // 32 bytes
  std::string prev_hash;       // 32 bytes, equal to the envelope's prev_hash
  int64_t received_at_us = 0;  // 0 when the export came from a county
  uint64_t receipt = 0;        // the covering receipt's number (0: none)
};

// Parses and checks one line: valid JSON object, envelope_b64 decodes to an
// EventEnvelope whose fields equal the line's plain fields, prev_hash equals
// the envelope's, hash == SHA-256(prev_hash || envelope). INVALID_ARGUMENT
// "export line N: <reason>" otherwise (line_number is 1-based).
absl::StatusOr<ExportedEvent> ParseEventLine(absl::string_view line,
                                             uint64_t line_number);
// Parses one receipt line and checks its hash against its fields.
// INVALID_ARGUMENT "receipts line N: <reason>" otherwise.
absl::StatusOr<v1::Receipt> ParseReceiptLine(absl::string_view line,
                                             uint64_t line_number);

// The manifest: the server's seal and the files it describes.
struct ExportManifest {
  int format_version = kExportFormatVersion;
  // What the server signed (audit.proto ExportSeal): node, filters,
  // counts, first/last sequence and hashes, digests, receipts, the head
  // the export is anchored to, both key histories and the signature.
  v1::ExportSeal seal;
  // True when the lines' sequences are consecutive (count == last_sequence
  // - first_sequence + 1; an empty export is contiguous). Derived from the
  // seal; a verifier recomputes it from the lines.
  bool contiguous = true;
  std::string events_file;      // base name of FILE
  std::string events_sha256;    // 32 bytes: SHA-256 of FILE's bytes
  std::string receipts_file;    // base name of the receipts file, or ""
  std::string receipts_sha256;  // 32 bytes, or "" without a receipts file
};

// The manifest as pretty-printed JSON text (ending in '\n').
std::string FormatManifest(const ExportManifest& manifest);
// INVALID_ARGUMENT "manifest: <reason>" for bad JSON, a missing field, an
// unknown format or version. Checks types only, not the signature
// (export_verify.h does).
absl::StatusOr<ExportManifest> ParseManifest(absl::string_view text);
absl::StatusOr<ExportManifest> ReadManifestFile(const std::string& path);

// Reads FILE and calls `fn` for each event in file order, after checking
// the line (ParseEventLine) and, where a line's sequence is the previous
// line's + 1, that its prev_hash is the previous hash. Sequences must
// increase. Stops at the first error (from the file or from fn), naming the
// line. Reads neither the manifest nor the receipts (VerifyExport does).
absl::Status ReadExportFile(
    const std::string& path,
    const std::function<absl::Status(const ExportedEvent&)>& fn);

// Writes FILE, FILE.receipts.jsonl (when there are receipts) and
// FILE.manifest.json. Events and receipts come in the order of the replay.
// Finish() flushes and syncs the files, then writes the manifest; without
// Finish the manifest is not written (an incomplete export has no
// manifest).
class ExportWriter {
 public:
  // FILE is created or truncated (the receipts file when the first
  // receipt comes).
  static absl::StatusOr<std::unique_ptr<ExportWriter>> Create(
      const std::string& path);
  ~ExportWriter();
  ExportWriter(const ExportWriter&) = delete;
  ExportWriter& operator=(const ExportWriter&) = delete;

  absl::Status Add(const v1::AuditedEvent& event);
  absl::Status AddReceipt(const v1::Receipt& receipt);
  // The server's seal of what was written.
  absl::Status Finish(const v1::ExportSeal& seal);
  uint64_t count() const { return count_; }

 private:
  struct File;  // an output file and its running SHA-256
  ExportWriter(std::string path, std::unique_ptr<File> events);

  const std::string path_;
  std::unique_ptr<File> events_;
  std::unique_ptr<File> receipts_;  // null until the first receipt
  uint64_t count_ = 0;
  uint64_t last_sequence_ = 0;
  bool finished_ = false;
};

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_EXPORT_EXPORT_FORMAT_H_
