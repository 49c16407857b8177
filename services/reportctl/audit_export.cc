// `reportctl audit export`: a node's history (or a filtered part) to FILE,
// the city's receipts to FILE.receipts.jsonl and the server's signed seal
// to FILE.manifest.json (services/export/export_format.h, docs/AUDIT.md);
// and `reportctl audit verify-export`, which checks such files.
#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "services/export/export_format.h"
#include "services/export/export_verify.h"
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
    "JSON Lines, the city's receipts for them to FILE.receipts.jsonl (from\n"
    "the city), then FILE.manifest.json, which the server signs. Checks the\n"
    "files before it reports success. Check them again, alone, with:\n"
    "  python3 docs/verify_export.py FILE\n"
    "The format is described in docs/AUDIT.md.\n";

constexpr char kVerifyUsage[] =
    "usage: reportctl audit verify-export FILE [--manifest M]\n"
    "         [--trusted_key HEX[,HEX...]]\n"
    "\n"
    "Checks an export (FILE, FILE.receipts.jsonl, FILE.manifest.json) as\n"
    "docs/AUDIT.md says: every line against its bytes, the chains, the\n"
    "receipts, the manifest against the files, and the signatures.\n"
    "--trusted_key: public keys (64 hex digits, from `reportctl audit\n"
    "keys`) the signer's and the node's key histories must hold.\n"
    "Exit code 0 when it holds, 1 naming the first problem.\n";

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
  request->set_seal(true);
  auto channel = Connect(*args, args->Get("target"));
  if (!channel.ok())
    return AuditUsageError(std::string(channel.status().message()), kUsage);
  auto stub = v1::AuditService::NewStub(*channel);

  const std::string out = args->Get("out");
  auto writer = audit::ExportWriter::Create(out);
  if (!writer.ok()) return Failed("audit export", writer.status());

  ProgressBar progress("export", 0);
  absl::Status write_status;
  v1::ExportSeal seal;
  bool sealed = false;
  grpc::Status status = StreamReplay(
      *stub, *request, &progress,
      [&](const v1::AuditedEvent& event, const v1::ReplayBatch&) {
        write_status = (*writer)->Add(event);
        return write_status.ok();
      },
      nullptr,
      [&](const v1::ReplayBatch& batch) {
        for (const v1::Receipt& r : batch.receipts()) {
          write_status = (*writer)->AddReceipt(r);
          if (!write_status.ok()) return false;
        }
        if (batch.has_seal()) {
          seal = batch.seal();
          sealed = true;
        }
        return true;
      });
  progress.Finish();
  if (!status.ok()) return CallFailed("audit export", status);
  if (!write_status.ok()) return Failed("audit export", write_status);
  if (!sealed) {
    return Failed("audit export",
                  absl::DataLossError("the server ended the replay without "
                                      "its seal; the export is incomplete"));
  }
  if (absl::Status s = (*writer)->Finish(seal); !s.ok()) {
    return Failed("audit export", s);
  }
  auto checked = audit::VerifyExport(out, audit::ManifestPathFor(out));
  if (!checked.ok()) {
    return Failed("audit export: the files written do not verify",
                  checked.status());
  }
  std::cout << "exported " << checked->count << " events of node "
            << checked->node_id << " from " << args->Get("target") << " to "
            << out;
  if (checked->count > 0) {
    std::cout << " (sequences " << checked->first_sequence << ".."
              << checked->last_sequence
              << (checked->contiguous ? ", contiguous" : ", filtered")
              << "), last hash " << absl::BytesToHexString(checked->last_hash);
  }
  std::cout << "\n"
            << audit::DescribeExport(*checked)
            << "\nmanifest: " << audit::ManifestPathFor(out) << "\n";
  return 0;
}

int RunAuditVerifyExport(const Words& words) {
  auto args = Args::Parse(words, {"manifest", "trusted_key"}, {"help"});
  if (!args.ok()) {
    return AuditUsageError(std::string(args.status().message()), kVerifyUsage);
  }
  if (args->GetBool("help")) {
    std::cout << kVerifyUsage;
    return 0;
  }
  if (args->positional().size() != 1) {
    return AuditUsageError("give exactly one export FILE", kVerifyUsage);
  }
  const std::string file = args->positional()[0];
  std::string manifest = args->Get("manifest");
  if (manifest.empty()) manifest = audit::ManifestPathFor(file);
  audit::ExportVerifyOptions options;
  for (absl::string_view hex :
       absl::StrSplit(args->Get("trusted_key"), ',', absl::SkipEmpty())) {
    const std::string key = absl::HexStringToBytes(hex);
    if (hex.size() != 64 || absl::BytesToHexString(key) != hex) {
      return AuditUsageError(
          "--trusted_key: a public key is 64 lower-case hex digits",
          kVerifyUsage);
    }
    options.trusted_keys.push_back(key);
  }
  auto checked = audit::VerifyExport(file, manifest, options);
  if (!checked.ok()) {
    // The file's base name, as docs/verify_export.py prints it.
    const std::string base = file.substr(file.rfind('/') + 1);
    std::cout << "FAIL: " << base << ": " << checked.status().message() << "\n";
    return 1;
  }
  std::cout << audit::DescribeExport(*checked) << "\n";
  return 0;
}

}  // namespace reporting::reportctl
