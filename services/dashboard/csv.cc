#include "services/dashboard/csv.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/projector/figures.h"

namespace reporting::dashboard {
namespace {

std::string Field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

template <typename M>
uint64_t At(const M& map, int key) {
  auto it = map.find(key);
  return it == map.end() ? 0 : it->second;
}

std::string N(uint64_t n) { return std::to_string(n); }

std::string Time(int64_t us) {
  if (us == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixMicros(us),
                          absl::LocalTimeZone());
}

const std::vector<std::string>& FigureColumns() {
  static const auto* columns =
      new std::vector<std::string>{"node",
                                   "name",
                                   "units",
                                   "study",
                                   "analysis",
                                   "rectification",
                                   "completed",
                                   "blocked",
                                   "waiting",
                                   "waiting_since",
                                   "opinions",
                                   "shown",
                                   "signed",
                                   "disputed",
                                   "transform_required",
                                   "transform_assigned",
                                   "transform_completed",
                                   "items",
                                   "open",
                                   "overdue",
                                   "done",
                                   "explained",
                                   "census_units",
                                   "events"};
  return *columns;
}

std::vector<std::string> FigureRow(const v1::NodeFigures& f) {
  const v1::UnitFigures& u = f.units();
  const v1::EvaluationFigures& e = f.evaluations();
  const v1::RectificationFigures& r = f.rectifications();
  std::string since;  // the longest wait: the smallest day
  for (const auto& [day, n] : u.waiting_since()) {
    if (since.empty() || day < since) since = day;
  }
  return {f.node_id().empty() ? "city" : f.node_id(),
          f.node_id().empty() ? "全市" : f.name(),
          N(u.registered()),
          N(At(u.by_stage(), v1::STAGE_STUDY_MOBILISATION)),
          N(At(u.by_stage(), v1::STAGE_ANALYSIS_EVALUATION)),
          N(At(u.by_stage(), v1::STAGE_RECTIFICATION_IMPROVEMENT)),
          N(At(u.by_stage(), v1::STAGE_COMPLETED)),
          N(u.blocked()),
          N(u.waiting()),
          since,
          N(e.recorded()),
          N(e.shown()),
          N(e.signed_opinions()),
          N(e.disputed()),
          N(e.transformation_required()),
          N(e.transformation_assigned()),
          N(e.transformation_completed()),
          N(r.identified()),
          N(At(r.by_status(), v1::RECTIFICATION_STATUS_IDENTIFIED) +
            At(r.by_status(), v1::RECTIFICATION_STATUS_PLANNED)),
          N(r.overdue()),
          N(At(r.by_status(), v1::RECTIFICATION_STATUS_COMPLETED)),
          N(At(r.by_status(), v1::RECTIFICATION_STATUS_EXPLAINED)),
          N(f.census().units_reported()),
          N(f.events_applied())};
}

}  // namespace

std::string ToCsv(const CsvTable& table) {
  std::string out = "\xEF\xBB\xBF";
  auto line = [&out](const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
      absl::StrAppend(&out, i ? "," : "", Field(fields[i]));
    }
    out += "\r\n";
  };
  line(table.columns);
  for (const auto& row : table.rows) line(row);
  return out;
}

CsvTable OverviewCsv(const v1::CityOverview& overview) {
  CsvTable t{FigureColumns(), {}};
  for (const v1::NodeFigures& n : overview.nodes()) {
    t.rows.push_back(FigureRow(n));
  }
  t.rows.push_back(FigureRow(overview.city()));
  return t;
}

CsvTable AsOfCsv(const v1::StateAsOfResponse& as_of) {
  CsvTable t{FigureColumns(), {}};
  for (const v1::NodeFigures& n : as_of.nodes()) t.rows.push_back(FigureRow(n));
  v1::NodeFigures city = as_of.figures();
  city.clear_node_id();
  t.rows.push_back(FigureRow(city));
  return t;
}

CsvTable UnitsCsv(const std::vector<v1::UnitRow>& units) {
  CsvTable t{{"node", "unit", "name", "batch", "category", "members",
              "registered", "stage", "next_step", "condition", "since",
              "blocking", "dissatisfied_pct", "summaries"},
             {}};
  for (const v1::UnitRow& u : units) {
    std::string blocking;
    for (const auto& b : u.blocking()) {
      absl::StrAppend(&blocking, blocking.empty() ? "" : " ",
                      v1::BlockingReasonCode_Name(b.code()), "(", b.count(),
                      ")");
    }
    t.rows.push_back(
        {u.node_id(), u.unit_id(), u.name(), v1::Batch_Name(u.batch()),
         u.category(), N(u.member_count()), N(u.members_registered()),
         v1::Stage_Name(u.stage()), v1::TransitionStep_Name(u.next_step()),
         v1::UnitCondition_Name(u.condition()), Time(u.step_since_us()),
         blocking,
         u.has_survey()
             ? absl::StrFormat("%.1f", u.latest_survey().dissatisfied_percent())
             : "",
         N(u.summaries_filed_size())});
  }
  return t;
}

CsvTable RectificationsCsv(const std::vector<v1::RectificationRow>& items) {
  CsvTable t{{"node", "item", "unit", "kind", "class", "status", "deadline",
              "percent_done", "closed_on", "overdue"},
             {}};
  for (const v1::RectificationRow& r : items) {
    t.rows.push_back({r.node_id(), r.item_id(), r.unit_id(),
                      v1::RectificationKind_Name(r.kind()),
                      v1::RectificationClass_Name(r.class_()),
                      v1::RectificationStatus_Name(r.status()), r.deadline(),
                      N(r.percent_done()), r.closed_on(),
                      r.overdue() ? "yes" : "no"});
  }
  return t;
}

CsvTable CensusCsv(const v1::CensusSummary& census) {
  CsvTable t{{"node", "units", "without_organisation", "leadership_incomplete",
              "weak_and_lax", "paralysed", "secretary_unable", "floating",
              "transferred", "temporary", "certificate", "contactable",
              "not_contactable", "problems", "resolved"},
             {}};
  auto add = [&t](const std::string& id, const v1::CensusFigures& c) {
    t.rows.push_back(
        {id, N(c.units_reported()), N(c.without_organisation()),
         N(c.leadership_incomplete()), N(c.weak_and_lax()), N(c.paralysed()),
         N(c.secretary_unable_to_lead()), N(c.floating_total()),
         N(c.floating_relation_transferred()),
         N(c.floating_temporary_relation()), N(c.floating_with_certificate()),
         N(c.floating_contactable()), N(c.floating_not_contactable()),
         N(c.problems()), N(c.problems_resolved())});
  };
  const std::map<std::string, v1::CensusFigures> by_node(
      census.by_node().begin(), census.by_node().end());
  for (const auto& [id, figures] : by_node) add(id, figures);
  add("city", census.city());
  return t;
}

CsvTable FreshnessCsv(const v1::FreshnessResponse& freshness) {
  CsvTable t{{"node", "copy_sequence", "projected_sequence", "last_event_at",
              "replication", "county_head", "lag_events", "lag_seconds",
              "last_contact"},
             {}};
  for (const v1::NodeFreshness& f : freshness.nodes()) {
    t.rows.push_back(
        {f.node_id(), N(f.copy_sequence()), N(f.projected_sequence()),
         Time(f.projected_recorded_at_us()), f.replication_state(),
         N(f.county_head()), N(f.lag_events()),
         absl::StrFormat("%.1f", f.lag_seconds()), Time(f.last_contact_us())});
  }
  return t;
}

CsvTable TimelineCsv(const UnitPage& page) {
  CsvTable t{{"sequence", "stream_version", "event_type", "detail",
              "recorded_at", "received_at", "actor"},
             {}};
  for (const TimelineEntry& e : page.timeline) {
    t.rows.push_back({N(e.sequence), N(e.stream_version), e.event_type,
                      e.detail, Time(e.recorded_at_us), Time(e.received_at_us),
                      e.actor});
  }
  return t;
}

}  // namespace reporting::dashboard
