// Dates a clerk gives must not be in the node's future (issue 21, point 4):
// a body's date fields named *_on (shown_on, signed_on, held_on,
// completed_on, published_on: days on which something happened) may be at
// most one day after the node's date (its clock, local time; the day of
// slack covers time zones and a clerk working past midnight). A later date
// is INVALID_ARGUMENT naming the field, the date and the node's date: a
// final refusal, recorded under the command id like the campaign's rules'.
// Deadlines are plans, not happenings: not checked. Malformed dates are left
// to the command's own check.
//
// Pure function; thread-safe.
#ifndef REPORTING_SERVICES_COUNTY_FUTURE_DATES_H_
#define REPORTING_SERVICES_COUNTY_FUTURE_DATES_H_

#include <cstdint>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace reporting::county {

// `request`: a CommandService request (its `body` is checked); `now_us`:
// the node's clock.
absl::Status RefuseFutureDates(const google::protobuf::Message& request,
                               int64_t now_us);

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_FUTURE_DATES_H_
