// `reportctl audit export`: a node's history (or a filtered part) to FILE
// and FILE.manifest.json (services/audit/export_format.h, docs/AUDIT.md).
#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/time/clock.h"
#include "services/audit/export_format.h"
#include "services/reportctl/audit_commands.h"
#include "services/reportctl/audit_flags.h"
#include "services/reportctl/cli/connect.h"

namespace reporting::reportctl {
namespace {

constexpr char kUsage[] =
    "usage: reportctl audit export --target HOST:PORT --node ID --out FILE\n"
    "         [--from N] [--to N] [--stream S] [--unit U] [--member M]\n"
    "         [--type T] [--actor A] [--recorded_from TIME]\n"
    "         [--recorded_to TIME]\n"
    "\n"
    "Writes the node's events (all, or those the filters select) to FILE as\n"
    "JSON Lines, then FILE.manifest.json (count, range, head hash, ...).\n"
    "Check it with: python3 docs/verify_export.py FILE\n"
    "The format is described in docs/AUDIT.md.\n";

}  // namespace

int RunAuditExport(const Words& words) {
  std::set<std::string> known = ReplayFilterFlags();
  known.insert({"target", "out"});
  int exit_code = 0;
  auto args = ParseAuditArgs(words, known, {}, kUsage, &exit_code);
  if (!args) return exit_code;
  for (const char* flag : {"target", "node", "out"}) {
    if (auto v = args->Require(flag); !v.ok()) {
      return AuditUsageError(std::string(v.status().message()), kUsage);
    }
  }
  auto request = ReplayRequestFrom(*args);
  if (!request.ok())
    return AuditUsageError(std::string(request.status().message()), kUsage);
  auto channel = Connect(*args, args->Get("target"));
  if (!channel.ok())
    return AuditUsageError(std::string(channel.status().message()), kUsage);
  auto stub = v1::AuditService::NewStub(*channel);

  const std::string out = args->Get("out");
  audit::ExportManifest manifest;
  manifest.node_id = request->node_id();
  manifest.source = args->Get("target");
  manifest.filters = GivenFilters(*request);
  auto writer = audit::ExportWriter::Create(out, manifest);
  if (!writer.ok()) return Failed("audit export", writer.status());

  ProgressBar progress("export", 0);
  absl::Status write_status;
  uint64_t head_sequence = 0;
  grpc::Status status = StreamReplay(
      *stub, *request, &progress,
      [&](const v1::AuditedEvent& event, const v1::ReplayBatch&) {
        write_status = (*writer)->Add(event);
        return write_status.ok();
      },
      &head_sequence);
  progress.Finish();
  if (!status.ok()) return CallFailed("audit export", status);
  if (!write_status.ok()) return Failed("audit export", write_status);
  // The head is only known from the stream; the writer was created before.
  (*writer)->set_log_head_sequence(head_sequence);
  if (absl::Status s = (*writer)->Finish(absl::ToUnixMicros(absl::Now()));
      !s.ok()) {
    return Failed("audit export", s);
  }
  auto written = audit::ReadManifestFile(audit::ManifestPathFor(out));
  if (!written.ok()) return Failed("audit export", written.status());
  std::cout << "exported " << written->count << " events of node "
            << written->node_id << " to " << out;
  if (written->count > 0) {
    std::cout << " (sequences " << written->first_sequence << ".."
              << written->last_sequence
              << (written->contiguous ? ", contiguous" : ", filtered")
              << "), head " << absl::BytesToHexString(written->head_hash);
  }
  std::cout << "\nmanifest: " << audit::ManifestPathFor(out) << "\n";
  return 0;
}

}  // namespace reporting::reportctl
