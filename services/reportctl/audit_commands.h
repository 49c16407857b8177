// The `reportctl audit` subcommands (docs/AUDIT.md), one file each, and
// what they share. RunAudit (commands.h, audit_command.cc) dispatches.
// Exit codes: 0 ok, 1 a failed call or a failed verification, 2 usage.
#ifndef REPORTING_SERVICES_REPORTCTL_AUDIT_COMMANDS_H_
#define REPORTING_SERVICES_REPORTCTL_AUDIT_COMMANDS_H_

#include <functional>
#include <optional>
#include <set>
#include <string>

#include "grpcpp/support/status.h"
#include "reporting/v1/audit.grpc.pb.h"
#include "services/reportctl/cli/args.h"
#include "services/reportctl/cli/progress.h"
#include "services/reportctl/commands.h"

namespace reporting::reportctl {

int RunAuditReplay(const Words& words);  // audit_replay.cc
int RunAuditAsOf(const Words& words);    // audit_asof.cc
int RunAuditVerify(const Words& words);  // audit_verify.cc
int RunAuditExport(const Words& words);  // audit_export.cc
// audit_export.cc: check an export's files with the C++ verifier.
int RunAuditVerifyExport(const Words& words);
int RunAuditKeys(const Words& words);  // audit_keys.cc

// Parses a subcommand's words: its flags plus the TLS flags and --help.
// On --help prints `usage` to stdout and sets *exit_code = 0; on a bad flag
// prints the error and `usage` to stderr and sets *exit_code = 2. Returns
// the args only when the command should run.
std::optional<Args> ParseAuditArgs(const Words& words,
                                   std::set<std::string> known,
                                   std::set<std::string> bool_flags,
                                   const char* usage, int* exit_code);

// Prints "reportctl: <message>" and the usage to stderr; returns 2.
int AuditUsageError(const std::string& message, const char* usage);

// Streams a Replay call, calling on_batch (when given) for each message
// before its events, and on_event for each event in log order, until the
// stream ends or a callback returns false (the call is then cancelled and
// OK returned). Updates `progress` (may be null) by scanned sequences and
// sets *head_sequence (may be null) to the head the replay runs to.
grpc::Status StreamReplay(
    v1::AuditService::Stub& stub, const v1::ReplayRequest& request,
    ProgressBar* progress,
    const std::function<bool(const v1::AuditedEvent&, const v1::ReplayBatch&)>&
        on_event,
    uint64_t* head_sequence = nullptr,
    const std::function<bool(const v1::ReplayBatch&)>& on_batch = nullptr);

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_AUDIT_COMMANDS_H_
