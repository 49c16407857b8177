// reportctl backup --target HOST:PORT --out DIR: asks a county node or the
// city aggregator for an online backup (AdminService.Backup, admin.proto)
// into DIR on the SERVER's file system, and prints what was copied.
// Needs an operator certificate over TLS (deploy/gen-certs.sh
// operator.crt). Restore: docs/OPERATIONS.md.
#include <chrono>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "reporting/v1/admin.grpc.pb.h"
#include "services/reportctl/cli/args.h"
#include "services/reportctl/cli/connect.h"
#include "services/reportctl/cli/table.h"
#include "services/reportctl/commands.h"

namespace reporting::reportctl {
namespace {

constexpr char kUsage[] =
    "usage: reportctl backup --target HOST:PORT --out DIR [--timeout_s=3600]\n"
    "  (--tls_cert=F --tls_key=F --tls_ca=F | --insecure) [--json | --csv]\n"
    "\n"
    "Online backup of a county node or the city aggregator while it serves.\n"
    "DIR is an absolute path on the server's machine that must not exist;\n"
    "it becomes a data directory (restore: docs/OPERATIONS.md). Over TLS the\n"
    "certificate needs OU=operator.\n";

std::string Time(int64_t us) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E3S", absl::FromUnixMicros(us),
                          absl::UTCTimeZone());
}

}  // namespace

int RunBackup(const Words& words) {
  std::set<std::string> known = {"target", "out", "timeout_s",
                                 "json",   "csv", "help"};
  known.insert(TlsFlagNames().begin(), TlsFlagNames().end());
  known.insert(TlsBoolFlagNames().begin(), TlsBoolFlagNames().end());
  std::set<std::string> bools = {"json", "csv", "help"};
  bools.insert(TlsBoolFlagNames().begin(), TlsBoolFlagNames().end());
  absl::StatusOr<Args> args = Args::Parse(words, known, bools);
  if (!args.ok()) {
    std::cerr << "reportctl backup: " << args.status().message() << "\n\n"
              << kUsage;
    return 2;
  }
  if (args->GetBool("help")) {
    std::cout << kUsage;
    return 0;
  }
  absl::StatusOr<std::string> target = args->Require("target");
  absl::StatusOr<std::string> out = args->Require("out");
  absl::StatusOr<int64_t> timeout = args->GetInt("timeout_s", 3600);
  for (const absl::Status& s :
       {target.status(), out.status(), timeout.status()}) {
    if (!s.ok()) {
      std::cerr << "reportctl backup: " << s.message() << "\n\n" << kUsage;
      return 2;
    }
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      Connect(*args, *target);
  if (!channel.ok()) {
    std::cerr << "reportctl backup: " << channel.status().message() << "\n";
    return 2;
  }
  auto stub = v1::AdminService::NewStub(*channel);
  v1::BackupRequest request;
  request.set_dir(*out);
  v1::BackupResponse response;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::seconds(*timeout));
  grpc::Status status = stub->Backup(&ctx, request, &response);
  if (!status.ok()) {
    return CallFailed(absl::StrCat("backup of ", *target, " to ", *out),
                      status);
  }
  Table table;
  table.columns = {"path", "kind", "node", "head_sequence"};
  table.numeric = {false, false, false, true};
  for (const v1::BackedUpDatabase& db : response.databases()) {
    table.rows.push_back(
        {db.path().empty() ? "." : db.path(), db.kind(), db.node_id(),
         db.kind() == "read_models" ? "" : absl::StrCat(db.head_sequence())});
  }
  const OutputFormat format = FormatFrom(*args);
  if (format == OutputFormat::kTable) {
    std::cout << "backup of " << *target << " in " << response.dir() << " ("
              << Time(response.started_at_us()) << " .. "
              << Time(response.finished_at_us()) << " UTC)\n";
  }
  PrintTable(table, format, std::cout);
  return 0;
}

}  // namespace reporting::reportctl
