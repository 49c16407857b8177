// Placeholder until the office commands land: each refuses with a clear message.
#include <iostream>

#include "services/reportctl/commands.h"

namespace reporting::reportctl {

int RunGenerate(const Words&) {
  std::cerr << "reportctl: this command is not available in this build\n";
  return 2;
}

int RunOffice(const std::string&, const Words&) {
  std::cerr << "reportctl: this command is not available in this build\n";
  return 2;
}

int RunStatus(const Words&) {
  std::cerr << "reportctl: this command is not available in this build\n";
  return 2;
}

int RunImport(const Words&) {
  std::cerr << "reportctl: this command is not available in this build\n";
  return 2;
}

}  // namespace reporting::reportctl
