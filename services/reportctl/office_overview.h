// The city overview as reportctl shows it: one line per node and one for
// the whole city, from QueryService.GetCityOverview (projection.proto
// NodeFigures) or from the generator's expected figures
// (generate_campaign.h). Both go through OverviewTable, so
// `reportctl generate --expect_out F` writes exactly what
// `reportctl overview --json --today D` prints once the campaign is in.
//
// Columns (counts; see projection.proto for each figure's meaning):
//   node name units study analysis rectification completed blocked waiting
//   opinions signed disputed transform_required transform_assigned
//   materials_accepted meetings items open overdue done explained
//   summaries census census_problems_open events
//
// Pure; thread-compatible.
#ifndef REPORTING_SERVICES_REPORTCTL_OFFICE_OVERVIEW_H_
#define REPORTING_SERVICES_REPORTCTL_OFFICE_OVERVIEW_H_

#include <vector>

#include "reporting/v1/query.pb.h"
#include "services/generator/generate_campaign.h"
#include "services/reportctl/cli/table.h"

namespace reporting::reportctl {

// One node's figures (node_id empty: the city line, shown as "city").
generator::OverviewLine LineFromFigures(const v1::NodeFigures& figures);

// Nodes in the order given, then the city line.
Table OverviewTable(const std::vector<generator::OverviewLine>& nodes,
                    const generator::OverviewLine& city);

// The generator's expected overview (its nodes by id, then the city).
Table ExpectedOverviewTable(const generator::Campaign& campaign);
// The city's answer.
Table CityOverviewTable(const v1::CityOverview& overview);

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_OFFICE_OVERVIEW_H_
