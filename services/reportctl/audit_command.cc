// `reportctl audit`: dispatch to replay | asof | verify | export, and the
// parts they share (argument parsing, streaming a replay).
#include <iostream>

#include "grpcpp/client_context.h"
#include "services/reportctl/audit_commands.h"
#include "services/reportctl/cli/connect.h"

namespace reporting::reportctl {
namespace {

constexpr char kUsage[] =
    "usage: reportctl audit SUBCOMMAND --target HOST:PORT [FLAGS]\n"
    "\n"
    "  replay   who did what: events in log order, with filters\n"
    "  asof     the figures as of a sequence or a time (replayed, not read\n"
    "           from the read models)\n"
    "  verify   recompute a log's hash chain; or compare a county's log\n"
    "           with the city's copy (--county --city --node)\n"
    "  export   write a node's history to FILE (JSON Lines), the city's\n"
    "           receipts and FILE.manifest.json, signed by the server\n"
    "  verify-export  check an export's files (as docs/verify_export.py)\n"
    "  keys     the public keys the server signs with, and the nodes'\n"
    "\n"
    "`reportctl audit SUBCOMMAND --help` lists its flags; docs/AUDIT.md\n"
    "explains them. Needs an auditor certificate (OU=auditor) or --insecure.\n";

}  // namespace

int RunAudit(const Words& words) {
  if (words.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string& sub = words[0];
  const Words rest(words.begin() + 1, words.end());
  if (sub == "replay") return RunAuditReplay(rest);
  if (sub == "asof") return RunAuditAsOf(rest);
  if (sub == "verify") return RunAuditVerify(rest);
  if (sub == "export") return RunAuditExport(rest);
  if (sub == "verify-export") return RunAuditVerifyExport(rest);
  if (sub == "keys") return RunAuditKeys(rest);
  if (sub == "help" || sub == "--help" || sub == "-h") {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << "reportctl: unknown audit subcommand \"" << sub << "\"\n\n"
            << kUsage;
  return 2;
}

std::optional<Args> ParseAuditArgs(const Words& words,
                                   std::set<std::string> known,
                                   std::set<std::string> bool_flags,
                                   const char* usage, int* exit_code) {
  known.insert(TlsFlagNames().begin(), TlsFlagNames().end());
  bool_flags.insert(TlsBoolFlagNames().begin(), TlsBoolFlagNames().end());
  bool_flags.insert("help");
  auto args = Args::Parse(words, known, bool_flags);
  if (!args.ok()) {
    *exit_code = AuditUsageError(std::string(args.status().message()), usage);
    return std::nullopt;
  }
  if (args->GetBool("help")) {
    std::cout << usage;
    *exit_code = 0;
    return std::nullopt;
  }
  if (!args->positional().empty()) {
    *exit_code = AuditUsageError(
        "unexpected argument \"" + args->positional()[0] + "\"", usage);
    return std::nullopt;
  }
  return *std::move(args);
}

int AuditUsageError(const std::string& message, const char* usage) {
  std::cerr << "reportctl: " << message << "\n\n" << usage;
  return 2;
}

grpc::Status StreamReplay(
    v1::AuditService::Stub& stub, const v1::ReplayRequest& request,
    ProgressBar* progress,
    const std::function<bool(const v1::AuditedEvent&, const v1::ReplayBatch&)>&
        on_event,
    uint64_t* head_sequence,
    const std::function<bool(const v1::ReplayBatch&)>& on_batch) {
  grpc::ClientContext ctx;
  auto reader = stub.Replay(&ctx, request);
  v1::ReplayBatch batch;
  const uint64_t from =
      request.from_sequence() == 0 ? 1 : request.from_sequence();
  bool stopped = false;
  while (!stopped && reader->Read(&batch)) {
    if (head_sequence != nullptr) *head_sequence = batch.head_sequence();
    if (progress != nullptr) {
      uint64_t end = batch.head_sequence();
      if (request.to_sequence() != 0 && request.to_sequence() < end) {
        end = request.to_sequence();
      }
      progress->set_total(end >= from ? end - from + 1 : 0);
      progress->Update(
          batch.scanned_to() >= from ? batch.scanned_to() - from + 1 : 0);
    }
    if (on_batch && !on_batch(batch)) {
      stopped = true;
      break;
    }
    for (const auto& event : batch.events()) {
      if (!on_event(event, batch)) {
        stopped = true;
        break;
      }
    }
  }
  if (stopped) {
    ctx.TryCancel();
    (void)reader->Finish();
    return grpc::Status::OK;
  }
  grpc::Status status = reader->Finish();
  if (status.ok() && progress != nullptr) progress->Finish();
  return status;
}

}  // namespace reporting::reportctl
