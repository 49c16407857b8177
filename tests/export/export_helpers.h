// Helpers of the export tests: run `reportctl audit export`, and run both
// verifiers (docs/verify_export.py and `reportctl audit verify-export`) on
// an export, expecting them to agree.
//
// Thread compatibility: one test thread.
#ifndef REPORTING_TESTS_EXPORT_EXPORT_HELPERS_H_
#define REPORTING_TESTS_EXPORT_EXPORT_HELPERS_H_

#include <string>
#include <vector>

#include "tests/export/fixture.h"

namespace reporting::export_test {

// `reportctl audit export` from `target` into the fixture's `name`, with
// `extra` flags; expects success. Returns FILE.
std::string Export(const std::string& target, const std::string& name,
                   const std::vector<std::string>& extra = {});

std::string County();  // the fixture's county address
std::string City();    // the fixture's city address

struct Verdicts {
  RunResult python;
  RunResult cpp;
};

// Both verifiers on FILE, `trusted` public keys (hex) given to both; their
// exit codes must agree.
Verdicts VerifyBoth(const std::string& events,
                    const std::vector<std::string>& trusted = {});
// Both pass with the same summary, which holds `summary`.
void ExpectBothPass(const std::string& events,
                    const std::vector<std::string>& trusted = {},
                    const std::string& summary = "");
// Both fail (exit 1, "FAIL: ..."), naming `reason`.
void ExpectBothFail(const std::string& events, const std::string& reason,
                    const std::vector<std::string>& trusted = {});

}  // namespace reporting::export_test

#endif  // REPORTING_TESTS_EXPORT_EXPORT_HELPERS_H_
