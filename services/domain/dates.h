// Calendar dates as the events carry them: ISO-8601 "YYYY-MM-DD" in the
// node's local time (events.proto conventions).
//
// A valid date string compares correctly as a string: "2026-07-01" <
// "2026-12-31". Every function here is pure and thread-safe.
#ifndef REPORTING_SERVICES_DOMAIN_DATES_H_
#define REPORTING_SERVICES_DOMAIN_DATES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace reporting::domain {

// True for "YYYY-MM-DD" naming a real calendar day (leap years included),
// years 1900..2999.
bool IsValidDate(absl::string_view date);

// The calendar date of `t` in `zone`, as "YYYY-MM-DD".
std::string DateOf(absl::Time t, absl::TimeZone zone);

}  // namespace reporting::domain

#endif  // REPORTING_SERVICES_DOMAIN_DATES_H_
