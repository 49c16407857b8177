#include "services/county/restore.h"

#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/export/export_format.h"
#include "services/export/export_verify.h"
#include "spdlog/spdlog.h"
#include "storage/event_log.h"
#include "storage/status_macros.h"

namespace reporting::county {
namespace {

constexpr size_t kBatch = 1000;

absl::Status CheckManifest(const std::string& node_id,
                           const audit::ExportManifest& manifest) {
  const auto bad = [](const std::string& why) {
    return absl::InvalidArgumentError(absl::StrCat("restore: ", why));
  };
  const v1::ExportSeal& m = manifest.seal;
  if (m.node_id() != node_id) {
    return bad(absl::StrCat("the export is of node ", m.node_id(),
                            ", not of --node_id=", node_id));
  }
  if (!m.filters().empty() || !manifest.contiguous) {
    return bad(
        "the export is filtered; export the whole log (no --from, "
        "--to or other filters)");
  }
  if (m.count() == 0 || m.first_sequence() != 1) {
    return bad(
        absl::StrCat("the export must hold the log from sequence 1; "
                     "it holds ",
                     m.count(), " events from ", m.first_sequence()));
  }
  return absl::OkStatus();
}

absl::Status RequireEmpty(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "restore: ", dir, " is not empty; restore into a new directory"));
  }
  return absl::OkStatus();
}

absl::StatusOr<RestoreStats> Restore(const std::string& node_id,
                                     const std::string& data_dir,
                                     const std::string& export_path,
                                     const audit::ExportManifest& manifest) {
  const absl::Time start = absl::Now();
  storage::EventLogOptions options;
  options.node_id = node_id;
  // Synced once at the end (Close), not per batch: an interrupted restore
  // is started again into a new directory anyway.
  options.sync = false;
  ASSIGN_OR_RETURN(std::unique_ptr<storage::EventLog> log,
                   storage::EventLog::Open(data_dir, options));
  std::vector<storage::StoredEvent> batch;
  RestoreStats stats;
  auto flush = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    RETURN_IF_ERROR(log->AppendRestored(batch).status());
    stats.events += batch.size();
    batch.clear();
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(audit::ReadExportFile(
      export_path, [&](const audit::ExportedEvent& e) -> absl::Status {
        batch.push_back({e.sequence, e.envelope, e.hash});
        return batch.size() >= kBatch ? flush() : absl::OkStatus();
      }));
  RETURN_IF_ERROR(flush());
  const storage::Head head = log->GetHead();
  const v1::ExportSeal& seal = manifest.seal;
  if (head.sequence != seal.last_sequence() || head.hash != seal.last_hash() ||
      stats.events != seal.count()) {
    return absl::DataLossError(absl::StrCat(
        "restore: the file holds ", stats.events, " events up to sequence ",
        head.sequence, "; its manifest says ", seal.count(), " up to ",
        seal.last_sequence(), " (or another last hash)"));
  }
  RETURN_IF_ERROR(log->Verify());
  RETURN_IF_ERROR(log->Close());
  stats.head_sequence = head.sequence;
  stats.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return stats;
}

}  // namespace

absl::StatusOr<RestoreStats> RestoreFromExport(const std::string& node_id,
                                               const std::string& data_dir,
                                               const std::string& export_path) {
  if (export_path.empty()) {
    return absl::InvalidArgumentError(
        "restore: --from_export=FILE is required (reportctl audit export)");
  }
  ASSIGN_OR_RETURN(
      audit::ExportManifest manifest,
      audit::ReadManifestFile(audit::ManifestPathFor(export_path)));
  RETURN_IF_ERROR(CheckManifest(node_id, manifest));
  // Every check an auditor runs (docs/AUDIT.md), signatures included.
  if (absl::StatusOr<audit::ExportSummary> checked =
          audit::VerifyExport(export_path, audit::ManifestPathFor(export_path));
      !checked.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "restore: the export does not verify: ", checked.status().message()));
  }
  RETURN_IF_ERROR(RequireEmpty(data_dir));
  std::error_code ec;
  const bool existed = std::filesystem::exists(data_dir, ec);
  absl::StatusOr<RestoreStats> stats =
      Restore(node_id, data_dir, export_path, manifest);
  if (!stats.ok()) {
    // Leave nothing a node could be started on by mistake.
    if (existed) {
      for (const auto& entry :
           std::filesystem::directory_iterator(data_dir, ec)) {
        std::filesystem::remove_all(entry.path(), ec);
      }
    } else {
      std::filesystem::remove_all(data_dir, ec);
    }
  }
  return stats;
}

}  // namespace reporting::county
