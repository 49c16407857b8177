// Flags shared by `reportctl audit replay` and `audit export`: the replay
// filters of audit.proto's ReplayRequest, and times given as ISO-8601, a
// date or microseconds.
#ifndef REPORTING_SERVICES_REPORTCTL_AUDIT_FLAGS_H_
#define REPORTING_SERVICES_REPORTCTL_AUDIT_FLAGS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "reporting/v1/audit.pb.h"
#include "services/reportctl/cli/args.h"

namespace reporting::reportctl {

// The filter flags: node from to stream unit member type actor
// recorded_from recorded_to.
const std::set<std::string>& ReplayFilterFlags();

// Parses a time: whole microseconds since the epoch ("1719792000000000"),
// RFC 3339 ("2024-07-01T08:00:00Z", "2024-07-01T08:00:00.5+08:00") or a
// date ("2024-07-01", midnight UTC at its start; with `end_of_day`, the
// last microsecond of that day). INVALID_ARGUMENT naming the flag.
absl::StatusOr<int64_t> ParseTimeFlag(const std::string& flag,
                                      const std::string& text,
                                      bool end_of_day = false);

// A ReplayRequest from the filter flags. --type accepts a short name
// ("SurveyRecorded" -> "reporting.v1.SurveyRecorded").
absl::StatusOr<v1::ReplayRequest> ReplayRequestFrom(const Args& args);

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_AUDIT_FLAGS_H_
