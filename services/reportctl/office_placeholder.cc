// Placeholder until the office commands land: each refuses with a clear message.
#include <iostream>

#include "services/reportctl/commands.h"

namespace reporting::reportctl {

int RunStatus(const Words&) {
  std::cerr << "reportctl: this command is not available in this build\n";
  return 2;
}

int RunImport(const Words&) {
  std::cerr << "reportctl: this command is not available in this build\n";
  return 2;
}

}  // namespace reporting::reportctl
