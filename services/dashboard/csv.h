// The dashboard's tables as CSV downloads (RFC 4180: comma-separated,
// fields with a comma, quote or line break quoted, quotes doubled; CRLF
// line ends; UTF-8 with a byte-order mark so that spreadsheet programs
// read the Chinese names). One builder per table; the columns are the
// figures of projection.proto by their field names.
//
// Pure; thread-safe.
#ifndef REPORTING_SERVICES_DASHBOARD_CSV_H_
#define REPORTING_SERVICES_DASHBOARD_CSV_H_

#include <string>
#include <vector>

#include "reporting/v1/audit.pb.h"
#include "reporting/v1/query.pb.h"
#include "services/dashboard/page_data.h"

namespace reporting::dashboard {

struct CsvTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

std::string ToCsv(const CsvTable& table);

// One line per node, then "city".
CsvTable OverviewCsv(const v1::CityOverview& overview);
// The same columns, from a StateAsOf answer.
CsvTable AsOfCsv(const v1::StateAsOfResponse& as_of);
CsvTable UnitsCsv(const std::vector<v1::UnitRow>& units);
CsvTable RectificationsCsv(const std::vector<v1::RectificationRow>& items);
CsvTable CensusCsv(const v1::CensusSummary& census);
CsvTable FreshnessCsv(const v1::FreshnessResponse& freshness);
CsvTable TimelineCsv(const UnitPage& page);

}  // namespace reporting::dashboard

#endif  // REPORTING_SERVICES_DASHBOARD_CSV_H_
