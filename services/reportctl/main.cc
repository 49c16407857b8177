// reportctl: the command-line client of clerks, the city office, auditors
// and operators. `reportctl help` lists the commands; each command's
// --help its flags.
#include <iostream>
#include <string>
#include <vector>

#include "services/reportctl/commands.h"

namespace {

constexpr char kUsage[] =
    "usage: reportctl COMMAND [FLAGS]\n"
    "\n"
    "county clerks:\n"
    "  import         check and apply a CSV file (evaluations, rectification,"
    " census)\n"
    "  status         a county node's replication state and lag\n"
    "  generate       drive a generated campaign through county nodes\n"
    "city office:\n"
    "  overview       city-wide figures, one row per node\n"
    "  units          units by batch, stage and step; blocked, waiting\n"
    "  rectification  rectification items, overdue first\n"
    "  census         census for the next batch\n"
    "  freshness      how current each node's copy is\n"
    "auditors:\n"
    "  audit replay | asof | verify | export\n"
    "operators:\n"
    "  backup         online backup of a node or the city\n"
    "  dashboard      user add|remove|list: the web dashboard's accounts\n"
    "\n"
    "Common flags: --tls_cert --tls_key --tls_ca (or --insecure); --json,"
    " --csv for tables.\n";

}  // namespace

int main(int argc, char** argv) {
  namespace r = reporting::reportctl;
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string command = argv[1];
  const r::Words words(argv + 2, argv + argc);
  if (command == "help" || command == "--help" || command == "-h") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "audit") return r::RunAudit(words);
  if (command == "generate") return r::RunGenerate(words);
  if (command == "overview" || command == "units" ||
      command == "rectification" || command == "census" ||
      command == "freshness") {
    return r::RunOffice(command, words);
  }
  if (command == "status") return r::RunStatus(words);
  if (command == "import") return r::RunImport(words);
  if (command == "backup") return r::RunBackup(words);
  if (command == "dashboard") return r::RunDashboard(words);
  std::cerr << "reportctl: unknown command \"" << command << "\"\n\n" << kUsage;
  return 2;
}
