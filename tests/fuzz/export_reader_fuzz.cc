// Fuzz target: reading an audit export (services/export/export_format.h) as
// `county-node restore` does (services/county/restore.h): an operator hands
// the node a file and its manifest; whatever they hold, the node must
// refuse it clearly or restore exactly what it proves.
//
// Input (fuzz_input.h chunks): chunk 0 is ignored (options, none yet),
// chunk 1 is the manifest (FILE.manifest.json), chunk 2 the events file
// (FILE). Properties:
//   - a manifest that parses prints (FormatManifest) to one that parses to
//     the same values;
//   - every event ReadExportFile passes on is what the format promises,
//     checked here with protobuf and SHA-256 directly: its envelope decodes
//     and names its node, sequence and prev_hash; hash = SHA-256(prev_hash
//     || envelope); sequences increase and consecutive ones chain; and
//     FormatEventLine writes a line ParseEventLine reads back the same;
//   - RestoreFromExport into a new directory either refuses with a
//     documented code and a message, leaving no directory behind, or
//     leaves a log that verifies and holds exactly the file's events up to
//     the manifest's head.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "reporting/v1/audit.pb.h"
#include "reporting/v1/envelope.pb.h"
#include "services/county/restore.h"
#include "services/export/export_format.h"
#include "spdlog/spdlog.h"
#include "storage/event_log.h"
#include "storage/hash_chain.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::fuzz {
namespace {

constexpr char kNode[] = "371302";

void WriteFile(const std::string& path, absl::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  FUZZ_CHECK(out.good(), path);
}

void CheckManifest(absl::string_view text) {
  absl::StatusOr<audit::ExportManifest> m = audit::ParseManifest(text);
  if (!m.ok()) {
    FUZZ_CHECK(absl::StartsWith(m.status().message(), "manifest: "),
               m.status().ToString());
    return;
  }
  absl::StatusOr<audit::ExportManifest> again =
      audit::ParseManifest(audit::FormatManifest(*m));
  FUZZ_CHECK(again.ok(), again.status().ToString());
  FUZZ_CHECK(again->format_version == m->format_version &&
                 google::protobuf::util::MessageDifferencer::Equals(again->seal,
                                                                    m->seal) &&
                 again->contiguous == m->contiguous &&
                 again->events_file == m->events_file &&
                 again->events_sha256 == m->events_sha256 &&
                 again->receipts_file == m->receipts_file &&
                 again->receipts_sha256 == m->receipts_sha256,
             "a manifest changed on a round trip");
}

void CheckEvent(const audit::ExportedEvent& e) {
  v1::EventEnvelope env;
  FUZZ_CHECK(env.ParseFromString(e.envelope), "envelope does not decode");
  FUZZ_CHECK(
      env.node_id() == e.node_id && env.sequence() == e.sequence &&
          env.prev_hash() == e.prev_hash,
      absl::StrCat("line fields disagree with the envelope at ", e.sequence));
  FUZZ_CHECK(e.prev_hash.size() == storage::kHashBytes, "prev_hash size");
  FUZZ_CHECK(
      storage::ChainHash(e.prev_hash, e.envelope) == e.hash,
      absl::StrCat("hash is not SHA-256(prev || envelope) at ", e.sequence));
  v1::AuditedEvent audited;
  audited.set_sequence(e.sequence);
  audited.set_envelope(e.envelope);
  audited.set_hash(e.hash);
  audited.set_received_at_us(e.received_at_us);
  absl::StatusOr<std::string> line = audit::FormatEventLine(audited);
  FUZZ_CHECK(line.ok(), line.status().ToString());
  absl::StatusOr<audit::ExportedEvent> back = audit::ParseEventLine(*line, 1);
  FUZZ_CHECK(back.ok(), back.status().ToString());
  FUZZ_CHECK(back->sequence == e.sequence && back->node_id == e.node_id &&
                 back->envelope == e.envelope && back->hash == e.hash &&
                 back->prev_hash == e.prev_hash &&
                 back->received_at_us == e.received_at_us,
             "an event changed on a round trip");
}

std::vector<audit::ExportedEvent> ReadAll(const std::string& path) {
  std::vector<audit::ExportedEvent> events;
  const absl::Status s = audit::ReadExportFile(
      path, [&](const audit::ExportedEvent& e) -> absl::Status {
        CheckEvent(e);
        if (!events.empty()) {
          const audit::ExportedEvent& prev = events.back();
          FUZZ_CHECK(e.sequence > prev.sequence, "sequences must increase");
          if (e.sequence == prev.sequence + 1) {
            FUZZ_CHECK(e.prev_hash == prev.hash,
                       absl::StrCat("unchained at ", e.sequence));
          }
        }
        events.push_back(e);
        return absl::OkStatus();
      });
  if (!s.ok()) {
    FUZZ_CHECK(absl::StartsWith(s.message(), "export line ") ||
                   absl::StrContains(s.message(), path),
               s.ToString());
  }
  return events;
}

void CheckRestore(const std::string& export_path, const std::string& dir) {
  std::filesystem::remove_all(dir);
  absl::StatusOr<county::RestoreStats> restored =
      county::RestoreFromExport(kNode, dir, export_path);
  if (!restored.ok()) {
    static const std::set<absl::StatusCode> kDocumented = {
        absl::StatusCode::kInvalidArgument,
        absl::StatusCode::kFailedPrecondition, absl::StatusCode::kDataLoss};
    FUZZ_CHECK(kDocumented.count(restored.status().code()) == 1,
               restored.status().ToString());
    FUZZ_CHECK(!restored.status().message().empty(), "no reason");
    FUZZ_CHECK(!std::filesystem::exists(dir),
               "a refused restore left its directory: " +
                   restored.status().ToString());
    return;
  }
  // Restored: the log holds exactly the file's events, and they verify.
  absl::StatusOr<audit::ExportManifest> manifest =
      audit::ReadManifestFile(audit::ManifestPathFor(export_path));
  FUZZ_CHECK(manifest.ok(), manifest.status().ToString());
  const std::vector<audit::ExportedEvent> file = ReadAll(export_path);
  storage::EventLogOptions options;
  options.node_id = kNode;
  options.sync = false;
  options.create_if_missing = false;
  absl::StatusOr<std::unique_ptr<storage::EventLog>> log =
      storage::EventLog::Open(dir, options);
  FUZZ_CHECK(log.ok(), log.status().ToString());
  const storage::Head head = (*log)->GetHead();
  FUZZ_CHECK(head.sequence == manifest->seal.last_sequence() &&
                 head.hash == manifest->seal.last_hash() &&
                 head.sequence == file.size() &&
                 restored->head_sequence == head.sequence,
             "restored head disagrees with the export");
  for (const audit::ExportedEvent& e : file) {
    absl::StatusOr<storage::StoredEvent> held = (*log)->ReadOne(e.sequence);
    FUZZ_CHECK(
        held.ok() && held->envelope == e.envelope && held->hash == e.hash,
        absl::StrCat("restored sequence ", e.sequence, " differs"));
  }
  const absl::Status verified = (*log)->Verify();
  FUZZ_CHECK(verified.ok(), verified.ToString());
  FUZZ_CHECK((*log)->Close().ok(), "close");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace reporting::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace reporting;
  static auto* dir = new testutil::TempDir("fuzz-export");
  const std::vector<absl::string_view> chunks = fuzz::SplitChunks(data, size);
  const absl::string_view manifest = chunks.size() > 1 ? chunks[1] : "";
  const absl::string_view events = chunks.size() > 2 ? chunks[2] : "";
  const std::string path = dir->Sub("export.jsonl");
  fuzz::WriteFile(path, events);
  fuzz::WriteFile(audit::ManifestPathFor(path), manifest);
  fuzz::CheckManifest(manifest);
  fuzz::ReadAll(path);
  fuzz::CheckRestore(path, dir->Sub("restored"));
  return 0;
}
