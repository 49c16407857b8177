// reportctl import: checks a clerk's CSV file (import_rows.h) and applies
// it to a county node all or nothing with ClerkService.ImportBatch
// (docs/IMPORT.md says why and how).
//
//   reportctl import --county HOST:PORT --kind evaluations|rectification|census
//                    [--actor WHO] FILE.csv
//                    (--insecure | --tls_cert F --tls_key F --tls_ca F)
//
// Every problem is printed as "file:line: reason"; exit 0 applied (or
// already applied before), 1 refused, 2 usage.
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "reporting/v1/clerk.grpc.pb.h"
#include "services/reportctl/cli/args.h"
#include "services/reportctl/cli/connect.h"
#include "services/reportctl/cli/progress.h"
#include "services/reportctl/commands.h"
#include "services/reportctl/import_rows.h"
#include "services/reportctl/office_args.h"

namespace reporting::reportctl {
namespace {

constexpr char kUsage[] =
    "usage: reportctl import --county HOST:PORT --kind evaluations|"
    "rectification|census\n"
    "         [--actor WHO] FILE.csv (--insecure | --tls_cert F --tls_key F"
    " --tls_ca F)\n"
    "Checks every row against the node's rules and applies the file whole or"
    " not at\nall; column layouts in docs/IMPORT.md.\n";

// ImportBatch may run for a while on a large file (every row is checked).
constexpr absl::Duration kCallTimeout = absl::Minutes(5);

}  // namespace

int RunImport(const Words& words) {
  int exit_code = 0;
  std::optional<Args> args = ParseCommandArgs(
      "import", words, {"county", "kind", "actor"}, {}, kUsage, &exit_code);
  if (!args) return exit_code;
  absl::StatusOr<std::string> county = args->Require("county");
  absl::StatusOr<ImportKind> kind = ParseImportKind(args->Get("kind"));
  if (!county.ok() || !kind.ok() || args->positional().size() != 1) {
    std::cerr << "reportctl import: "
              << (!county.ok() ? county.status().message()
                  : !kind.ok() ? kind.status().message()
                               : "exactly one FILE.csv is needed")
              << "\n"
              << kUsage;
    return 2;
  }
  const std::string path = args->positional()[0];
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "reportctl import: cannot read " << path << "\n";
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();

  const std::string actor = args->Get("actor", "clerk:reportctl-import");
  ProgressBar checking("check rows", 0);
  ImportBatch batch = BuildImportBatch(*kind, path, text.str(), actor,
                                       [&](size_t done, size_t total) {
                                         checking.set_total(total);
                                         checking.Update(done);
                                       });
  checking.Finish();
  if (!batch.errors.empty()) {
    for (const std::string& e : batch.errors) std::cerr << e << "\n";
    std::cerr << "reportctl import: " << batch.errors.size()
              << " problem(s) in " << path << "; nothing was sent\n";
    return 1;
  }

  auto channel = Connect(*args, *county);
  if (!channel.ok()) return Failed("import", channel.status());
  auto stub = v1::ClerkService::NewStub(*channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
  v1::ImportBatchResponse response;
  std::cerr << "reportctl import: " << batch.rows << " rows, "
            << batch.request.commands_size()
            << " commands: the node checks and applies them...\n";
  grpc::Status s = stub->ImportBatch(&ctx, batch.request, &response);
  if (!s.ok()) {
    // The node lists every refused row as "file:line: reason", one a line.
    const std::string& message = s.error_message();
    const size_t first_line = message.find('\n');
    if (first_line != std::string::npos) {
      std::cerr << message.substr(first_line + 1) << "\n";
      return CallFailed("import", grpc::Status(s.error_code(),
                                               message.substr(0, first_line)));
    }
    return CallFailed("import", s);
  }
  if (response.result().duplicate()) {
    std::cout << path << ": already imported (batch "
              << batch.request.batch_id() << "); nothing appended\n";
  } else {
    std::cout << path << ": " << batch.rows << " rows applied as "
              << response.commands() << " commands, events "
              << response.result().first_sequence() << ".."
              << response.result().last_sequence() << "\n";
  }
  return 0;
}

}  // namespace reporting::reportctl
