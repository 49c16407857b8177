// The audit export file format (docs/AUDIT.md is its full description):
// a JSON Lines file of events plus a manifest beside it.
//
//   FILE                 := line*                  one event per line, '\n'
//   line                 := { "node_id", "sequence", "stream_id",
//                             "stream_version", "event_id", "event_type",
//                             "recorded_at_us", "recorded_at", "actor",
//                             "command_id", ["received_at_us",
//                             "received_at"], "prev_hash", "hash",
//                             "envelope_b64", "payload_b64", "payload" }
//     envelope_b64       := base64 of the EXACT stored EventEnvelope bytes
//     hash, prev_hash    := 64 lower-case hex digits;
//                           hash = SHA-256(prev_hash || envelope)
//     payload            := the typed payload in protobuf's JSON mapping,
//                           or null when this build does not know the type
//   FILE.manifest.json   := one JSON object (ExportManifest below)
//
// The envelope bytes and the hash are the evidence; every other field of a
// line is a readable copy of what the envelope says, and a verifier checks
// that the copies agree with the bytes (docs/verify_export.py).
//
// Used by `reportctl audit export` (writing) and by county restore from a
// city export (reading: ReadExportFile / ParseEventLine).
//
// Thread safety: free functions are thread-safe; an ExportWriter is used by
// one thread.
#ifndef REPORTING_SERVICES_AUDIT_EXPORT_FORMAT_H_
#define REPORTING_SERVICES_AUDIT_EXPORT_FORMAT_H_

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

inline constexpr int kExportFormatVersion = 1;
inline constexpr char kExportFormatName[] = "reporting-audit-export";

// FILE -> FILE.manifest.json
std::string ManifestPathFor(const std::string& events_path);

// One event line as text, without the trailing '\n'. INVALID_ARGUMENT when
// the envelope bytes do not decode or the hash is not 32 bytes.
absl::StatusOr<std::string> FormatEventLine(const v1::AuditedEvent& event);

// What an export line proves, parsed back: the exact envelope bytes and
// hashes (the other fields of the line are checked against the envelope).
struct ExportedEvent {
  uint64_t sequence = 0;
  std::string node_id;
  std::string envelope;        // exact stored bytes
  std::string hash;            // 32 bytes
  std::string prev_hash;       // 32 bytes, equal to the envelope's prev_hash
  int64_t received_at_us = 0;  // 0 when the export came from a county
};

// Parses and checks one line: valid JSON object, envelope_b64 decodes to an
// EventEnvelope whose fields equal the line's plain fields, prev_hash equals
// the envelope's, hash == SHA-256(prev_hash || envelope). INVALID_ARGUMENT
// "export line N: <reason>" otherwise (line_number is 1-based).
absl::StatusOr<ExportedEvent> ParseEventLine(absl::string_view line,
                                             uint64_t line_number);

// The manifest: what the file holds and how it was selected.
struct ExportManifest {
  int format_version = kExportFormatVersion;
  std::string node_id;
  std::string source;  // the server exported from ("host:port"), informative
  // The filters of the export, by ReplayRequest field name, only those
  // given (e.g. "from_sequence" -> "10", "actor" -> "clerk:x"). Values are
  // strings.
  std::map<std::string, std::string> filters;
  // True when every event's sequence is the previous one's + 1 (an
  // unfiltered range). A filtered export is not contiguous: each event's
  // hash still holds, the chain only between consecutive sequences.
  bool contiguous = true;
  uint64_t first_sequence = 0;  // 0 when count == 0
  uint64_t last_sequence = 0;
  uint64_t count = 0;
  std::string first_prev_hash;     // 32 bytes: prev_hash of the first event
  std::string head_hash;           // 32 bytes: hash of the last event
  uint64_t log_head_sequence = 0;  // the log's head when the export ran
  int64_t created_at_us = 0;
  std::string events_file;    // base name of FILE
  std::string events_sha256;  // 32 bytes: SHA-256 of FILE's bytes
};

// The manifest as pretty-printed JSON text (ending in '\n').
std::string FormatManifest(const ExportManifest& manifest);
// INVALID_ARGUMENT "manifest: <reason>" for bad JSON, a missing field, an
// unknown format or version.
absl::StatusOr<ExportManifest> ParseManifest(absl::string_view text);
absl::StatusOr<ExportManifest> ReadManifestFile(const std::string& path);

// Reads FILE and calls `fn` for each event in file order, after checking
// the line (ParseEventLine) and, where a line's sequence is the previous
// line's + 1, that its prev_hash is the previous hash. Sequences must
// increase. Stops at the first error (from the file or from fn), naming the
// line. Does not read the manifest.
absl::Status ReadExportFile(
    const std::string& path,
    const std::function<absl::Status(const ExportedEvent&)>& fn);

// Writes FILE and FILE.manifest.json. Events must come in increasing
// sequence order. Finish() flushes and syncs FILE, then writes the
// manifest; without Finish the manifest is not written (an incomplete
// export has no manifest).
class ExportWriter {
 public:
  // `manifest` supplies node_id, source, filters, log_head_sequence; the
  // writer fills in the rest. FILE is created or truncated.
  static absl::StatusOr<std::unique_ptr<ExportWriter>> Create(
      const std::string& path, ExportManifest manifest);
  ~ExportWriter();
  ExportWriter(const ExportWriter&) = delete;
  ExportWriter& operator=(const ExportWriter&) = delete;

  absl::Status Add(const v1::AuditedEvent& event);
  absl::Status Finish(int64_t created_at_us);
  // The log's head when the export ran, if known only after Create (from
  // the replay stream).
  void set_log_head_sequence(uint64_t sequence) {
    manifest_.log_head_sequence = sequence;
  }
  uint64_t count() const { return manifest_.count; }

 private:
  ExportWriter(std::string path, std::FILE* file, ExportManifest manifest);
  struct Sha;  // running SHA-256 of FILE

  const std::string path_;
  std::FILE* file_;
  ExportManifest manifest_;
  std::unique_ptr<Sha> sha_;
  bool finished_ = false;
};

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_AUDIT_EXPORT_FORMAT_H_
