#include "services/reportctl/office_args.h"

#include <iostream>

#include "services/reportctl/cli/connect.h"

namespace reporting::reportctl {

std::optional<Args> ParseCommandArgs(const std::string& command,
                                     const Words& words,
                                     std::set<std::string> known,
                                     std::set<std::string> bools,
                                     const char* usage, int* exit_code) {
  bools.insert("help");
  bools.insert(TlsBoolFlagNames().begin(), TlsBoolFlagNames().end());
  known.insert(TlsFlagNames().begin(), TlsFlagNames().end());
  known.insert(bools.begin(), bools.end());
  absl::StatusOr<Args> args = Args::Parse(words, known, bools);
  if (!args.ok()) {
    std::cerr << "reportctl " << command << ": " << args.status().message()
              << "\n"
              << usage;
    *exit_code = 2;
    return std::nullopt;
  }
  if (args->GetBool("help")) {
    std::cout << usage;
    *exit_code = 0;
    return std::nullopt;
  }
  return *std::move(args);
}

}  // namespace reporting::reportctl
