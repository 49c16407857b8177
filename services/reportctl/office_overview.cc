#include "services/reportctl/office_overview.h"

#include <cstdint>
#include <string>

namespace reporting::reportctl {
namespace {

uint64_t At(const google::protobuf::Map<int32_t, uint64_t>& map, int key) {
  auto it = map.find(key);
  return it == map.end() ? 0 : it->second;
}

}  // namespace

generator::OverviewLine LineFromFigures(const v1::NodeFigures& f) {
  generator::OverviewLine l;
  l.node_id = f.node_id().empty() ? "city" : f.node_id();
  l.name = f.node_id().empty() ? "全市" : f.name();
  const v1::UnitFigures& u = f.units();
  l.units = u.registered();
  l.study = At(u.by_stage(), v1::STAGE_STUDY_MOBILISATION);
  l.analysis = At(u.by_stage(), v1::STAGE_ANALYSIS_EVALUATION);
  l.rectification = At(u.by_stage(), v1::STAGE_RECTIFICATION_IMPROVEMENT);
  l.completed = At(u.by_stage(), v1::STAGE_COMPLETED);
  l.blocked = u.blocked();
  l.waiting = u.waiting();
  for (const auto& [stage, count] : u.summaries_filed()) l.summaries += count;
  const v1::EvaluationFigures& e = f.evaluations();
  l.opinions = e.recorded();
  l.signed_opinions = e.signed_opinions();
  l.disputed = e.disputed();
  l.transformation_required = e.transformation_required();
  l.transformation_assigned = e.transformation_assigned();
  l.materials_accepted = f.materials().accepted();
  l.meetings = f.meetings().held();
  const v1::RectificationFigures& r = f.rectifications();
  l.items = r.identified();
  l.items_open = At(r.by_status(), v1::RECTIFICATION_STATUS_IDENTIFIED) +
                 At(r.by_status(), v1::RECTIFICATION_STATUS_PLANNED);
  l.items_overdue = r.overdue();
  l.items_completed = At(r.by_status(), v1::RECTIFICATION_STATUS_COMPLETED);
  l.items_explained = At(r.by_status(), v1::RECTIFICATION_STATUS_EXPLAINED);
  const v1::CensusFigures& c = f.census();
  l.census_units = c.units_reported();
  l.census_problems_open = c.problems() - c.problems_resolved();
  l.events = f.events_applied();
  return l;
}

Table OverviewTable(const std::vector<generator::OverviewLine>& nodes,
                    const generator::OverviewLine& city) {
  Table t;
  t.columns = {"node",
               "name",
               "units",
               "study",
               "analysis",
               "rectification",
               "completed",
               "blocked",
               "waiting",
               "opinions",
               "signed",
               "disputed",
               "transform_required",
               "transform_assigned",
               "materials_accepted",
               "meetings",
               "items",
               "open",
               "overdue",
               "done",
               "explained",
               "summaries",
               "census",
               "census_problems_open",
               "events"};
  t.numeric.assign(t.columns.size(), true);
  t.numeric[0] = t.numeric[1] = false;
  auto add = [&](const generator::OverviewLine& l) {
    t.rows.push_back({l.node_id,
                      l.name,
                      std::to_string(l.units),
                      std::to_string(l.study),
                      std::to_string(l.analysis),
                      std::to_string(l.rectification),
                      std::to_string(l.completed),
                      std::to_string(l.blocked),
                      std::to_string(l.waiting),
                      std::to_string(l.opinions),
                      std::to_string(l.signed_opinions),
                      std::to_string(l.disputed),
                      std::to_string(l.transformation_required),
                      std::to_string(l.transformation_assigned),
                      std::to_string(l.materials_accepted),
                      std::to_string(l.meetings),
                      std::to_string(l.items),
                      std::to_string(l.items_open),
                      std::to_string(l.items_overdue),
                      std::to_string(l.items_completed),
                      std::to_string(l.items_explained),
                      std::to_string(l.summaries),
                      std::to_string(l.census_units),
                      std::to_string(l.census_problems_open),
                      std::to_string(l.events)});
  };
  for (const generator::OverviewLine& l : nodes) add(l);
  add(city);
  return t;
}

Table ExpectedOverviewTable(const generator::Campaign& campaign) {
  std::vector<generator::OverviewLine> nodes;
  for (const generator::NodePlan& n : campaign.nodes)
    nodes.push_back(n.expected);
  return OverviewTable(nodes, campaign.city);
}

Table CityOverviewTable(const v1::CityOverview& overview) {
  std::vector<generator::OverviewLine> nodes;
  for (const v1::NodeFigures& n : overview.nodes()) {
    nodes.push_back(LineFromFigures(n));
  }
  return OverviewTable(nodes, LineFromFigures(overview.city()));
}

}  // namespace reporting::reportctl
