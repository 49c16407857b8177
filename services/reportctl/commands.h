// The commands of reportctl. Each takes the words after its name and
// returns the process exit code (0 success, 1 refused or failed, 2 usage).
// One file (or a few) per command group, each listed in its own cmake
// fragment (CMakeLists.txt).
#ifndef REPORTING_SERVICES_REPORTCTL_COMMANDS_H_
#define REPORTING_SERVICES_REPORTCTL_COMMANDS_H_

#include <string>
#include <vector>

namespace reporting::reportctl {

using Words = std::vector<std::string>;

// audit replay | asof | verify | export
int RunAudit(const Words& words);
// generate: a campaign through the county nodes' API
int RunGenerate(const Words& words);
// overview | units | rectification | census | freshness, on the city
int RunOffice(const std::string& command, const Words& words);
// status: a county node's replication state and lag
int RunStatus(const Words& words);
// import: CSV files of a county clerk
int RunImport(const Words& words);
// backup: an online backup of a node or the city
int RunBackup(const Words& words);
// dashboard user add|remove|list: dashboard accounts
int RunDashboard(const Words& words);

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_COMMANDS_H_
