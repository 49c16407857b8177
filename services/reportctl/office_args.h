// The flag parsing every clerk and office command starts with: its own
// flags plus the TLS flags (connect.h) and --help; a usage error prints the
// message and the command's usage.
//
// Thread-compatible.
#ifndef REPORTING_SERVICES_REPORTCTL_OFFICE_ARGS_H_
#define REPORTING_SERVICES_REPORTCTL_OFFICE_ARGS_H_

#include <optional>
#include <set>
#include <string>

#include "services/reportctl/cli/args.h"
#include "services/reportctl/commands.h"

namespace reporting::reportctl {

// The parsed flags, or nullopt with *exit_code set: 2 after a usage error
// (message and `usage` on stderr), 0 after --help (`usage` on stdout).
std::optional<Args> ParseCommandArgs(const std::string& command,
                                     const Words& words,
                                     std::set<std::string> known,
                                     std::set<std::string> bools,
                                     const char* usage, int* exit_code);

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_OFFICE_ARGS_H_
