// Placeholder until the audit commands land: each refuses with a clear message.
#include <iostream>

#include "services/reportctl/commands.h"

namespace reporting::reportctl {

int RunAudit(const Words&) {
  std::cerr << "reportctl: this command is not available in this build\n";
  return 2;
}

}  // namespace reporting::reportctl
