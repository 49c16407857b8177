// The node's calendar date, which the overdue rule and the date defaults
// of the transition and rectification commands use.
#ifndef REPORTING_SERVICES_COUNTY_NODE_TODAY_H_
#define REPORTING_SERVICES_COUNTY_NODE_TODAY_H_

#include <string>

#include "services/county/command_context.h"

namespace reporting::county {

// The node's date, "YYYY-MM-DD", by the node's clock in the local time zone
// (events.proto: dates are in the node's local time).
std::string NodeToday(const NodeEnv& env);

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_NODE_TODAY_H_
