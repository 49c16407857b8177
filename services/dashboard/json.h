// The dashboard's JSON: QueryService's (and StateAsOf's) messages as
// proto3 JSON (google::protobuf::util: field names as in the .proto, zeros
// and empty lists printed, enums by name, 64-bit integers as strings), so
// an endpoint returns exactly what the gRPC API answers; and the unit
// page, which adds the unit's timeline.
//
// Pure; thread-safe.
#ifndef REPORTING_SERVICES_DASHBOARD_JSON_H_
#define REPORTING_SERVICES_DASHBOARD_JSON_H_

#include <string>

#include "google/protobuf/message.h"
#include "services/dashboard/page_data.h"

namespace reporting::dashboard {

std::string ToJson(const google::protobuf::Message& message);

//   {"unit": UnitRow, "timeline": [{"sequence", "stream_version",
//    "event_type", "detail", "recorded_at_us", "received_at_us",
//    "actor"}...], "reasons": [BlockingReason...],
//    "roster_events": N}
std::string UnitPageJson(const UnitPage& page);

// {"error": message}
std::string ErrorJson(const std::string& message);

}  // namespace reporting::dashboard

#endif  // REPORTING_SERVICES_DASHBOARD_JSON_H_
