// Command ids of the crash test, shared by crash_appender (which makes them)
// and crash_test (which reads them back out of the log):
//
//   command_id := "crash-" round "-" thread "-" n "-" events
//               | "refused-" round "-" thread "-" n     (a recorded refusal)
//
// The last field is the number of events the command was sent with, so the
// checker knows every command's size from the log alone, including commands
// the appender was killed before reporting (all or none must hold for those
// too). A refusal carries no events: its id never appears in the log's
// events, and crash_test resends every answered one after each kill (with
// events) and must get the same refusal back.
#ifndef REPORTING_TESTS_CRASH_CRASH_COMMAND_H_
#define REPORTING_TESTS_CRASH_CRASH_COMMAND_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace reporting::storage {

inline std::string CrashCommandId(uint64_t round, int thread, uint64_t n,
                                  size_t events) {
  return absl::StrCat("crash-", round, "-", thread, "-", n, "-", events);
}

inline std::string CrashRefusalId(uint64_t round, int thread, uint64_t n) {
  return absl::StrCat("refused-", round, "-", thread, "-", n);
}

// What the appender asks the log to record for a refusal id, and what the
// log must answer it (and every resend) with.
inline absl::Status CrashRefusal(absl::string_view id) {
  return absl::FailedPreconditionError(
      absl::StrCat("crash test: ", id, " is refused for good"));
}
// The request digest sent with a refusal id (and its resends).
inline std::string CrashDigest() { return std::string(32, 'r'); }

// The events field of a crash command id; false if `id` is not one.
inline bool CrashCommandEvents(absl::string_view id, size_t* events) {
  if (!absl::ConsumePrefix(&id, "crash-")) return false;
  const size_t dash = id.rfind('-');
  if (dash == absl::string_view::npos) return false;
  return absl::SimpleAtoi(id.substr(dash + 1), events) && *events > 0;
}

}  // namespace reporting::storage

#endif  // REPORTING_TESTS_CRASH_CRASH_COMMAND_H_
