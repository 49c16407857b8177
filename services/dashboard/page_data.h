// What the dashboard's pages show, taken from the same code QueryService
// answers with (no second copy of the figures): the query service's own
// handlers called in process, the runner's published overview finished by
// query::FinishOverview (what GetCityOverview serves), the audit code's
// StateAsOf on the received axis, and the city's copy of a node's log for
// a unit's timeline.
//
// Each function returns the proto message its JSON endpoint serves
// (json.h), or the status a handler would answer with.
//
// Thread-safe (the sources are).
#ifndef REPORTING_SERVICES_DASHBOARD_PAGE_DATA_H_
#define REPORTING_SERVICES_DASHBOARD_PAGE_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reporting/v1/audit.pb.h"
#include "reporting/v1/clerk.pb.h"
#include "reporting/v1/query.pb.h"
#include "services/audit/log_source.h"
#include "services/city/projection_runner.h"
#include "services/city/query_service.h"

namespace reporting::dashboard {

struct Sources {
  city::QueryServiceImpl* queries = nullptr;
  const city::ProjectionRunner* runner = nullptr;
  const audit::LogSource* logs = nullptr;
};

absl::StatusOr<v1::CityOverview> Overview(const Sources& s,
                                          const std::string& today);
absl::StatusOr<v1::FreshnessResponse> Freshness(const Sources& s);
absl::StatusOr<v1::NodeDetail> NodeDetail(const Sources& s,
                                          const v1::GetNodeDetailRequest& r);
absl::StatusOr<v1::ListUnitsResponse> Units(const Sources& s,
                                            const v1::ListUnitsRequest& r);
absl::StatusOr<v1::ListRectificationsResponse> Rectifications(
    const Sources& s, const v1::ListRectificationsRequest& r);
absl::StatusOr<v1::CensusSummary> Census(const Sources& s);

// The overview as the city knew it at the end of `date` ("YYYY-MM-DD",
// the aggregator's local day): audit StateAsOf of every copy on the
// received axis, overdue computed for that day.
absl::StatusOr<v1::StateAsOfResponse> AsOf(const Sources& s,
                                           const std::string& date);

// One step of a unit's timeline: an event of its stream.
struct TimelineEntry {
  uint64_t sequence = 0;
  uint64_t stream_version = 0;
  std::string event_type;  // short name, "TransitionReportSubmitted"
  std::string detail;      // e.g. "passed", "returned", "12.5% dissatisfied"
  int64_t recorded_at_us = 0;
  int64_t received_at_us = 0;
  std::string actor;  // auditors only
};

struct UnitPage {
  v1::UnitRow row;  // QueryService ListUnits' row of the unit
  std::vector<TimelineEntry> timeline;
  // Auditors: every reason with its message (members named); empty for
  // the office, who see the row's codes and counts.
  std::vector<v1::BlockingReason> reasons;
  int members_registered_events = 0;  // roster events folded into a count
};

// NOT_FOUND when the city has no such unit. `auditor` adds the actors, the
// roster events and the reasons' messages (person-level data).
absl::StatusOr<UnitPage> Unit(const Sources& s, const std::string& node_id,
                              const std::string& unit_id, bool auditor);

}  // namespace reporting::dashboard

#endif  // REPORTING_SERVICES_DASHBOARD_PAGE_DATA_H_
