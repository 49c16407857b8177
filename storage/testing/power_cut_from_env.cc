// Linked into test builds of the binaries (tests/powercut): when
// $REPORTING_POWER_CUT_JOURNAL names a file, every database the process
// opens journals into it (power_cut.h), from before main() runs. Never
// linked into a binary that is shipped.
#include <cstdio>
#include <cstdlib>

#include "storage/testing/power_cut.h"

namespace reporting::storage::testing {
namespace {

const bool journal_started = [] {
  const char* journal = std::getenv("REPORTING_POWER_CUT_JOURNAL");
  if (journal == nullptr || *journal == '\0') return false;
  if (absl::Status s = StartPowerCutJournal(journal); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    std::exit(2);
  }
  return true;
}();

}  // namespace
}  // namespace reporting::storage::testing
