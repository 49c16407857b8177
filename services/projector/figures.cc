#include "services/projector/figures.h"

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/map.h"
#include "services/domain/blocking_side.h"

namespace reporting::projector {
namespace {

// Unsigned counts move by +-1 (or +-n); arithmetic is modulo 2^64 and the
// sum over all contributions is never negative.
inline void Bump(uint64_t& value, int64_t delta) {
  value += static_cast<uint64_t>(delta);
}

#define REPORTING_BUMP(msg, field, delta) \
  do {                                    \
    uint64_t v_ = (msg).field();          \
    Bump(v_, (delta));                    \
    (msg).set_##field(v_);                \
  } while (0)

template <typename K>
void BumpMap(google::protobuf::Map<K, uint64_t>* map, const K& key,
             int64_t delta) {
  if (delta == 0) return;
  auto it = map->find(key);
  uint64_t v = it == map->end() ? 0 : it->second;
  Bump(v, delta);
  if (v == 0) {
    if (it != map->end()) map->erase(it);
  } else if (it == map->end()) {
    (*map)[key] = v;
  } else {
    it->second = v;
  }
}

template <typename K>
void AddMap(const google::protobuf::Map<K, uint64_t>& in,
            google::protobuf::Map<K, uint64_t>* out) {
  for (const auto& [k, v] : in) BumpMap(out, k, static_cast<int64_t>(v));
}

}  // namespace

v1::UnitCondition ConditionOf(
    const std::vector<v1::BlockingReasonCode>& codes) {
  switch (domain::ConditionOf(codes)) {
    case domain::UnitCondition::kBlocked:
      return v1::UNIT_CONDITION_BLOCKED;
    case domain::UnitCondition::kWaiting:
      return v1::UNIT_CONDITION_WAITING;
    case domain::UnitCondition::kClear:
      break;
  }
  return v1::UNIT_CONDITION_CLEAR;
}

std::string UtcDay(int64_t us) {
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixMicros(us),
                          absl::UTCTimeZone());
}

v1::UnitRow MakeUnitRow(absl::string_view node_id,
                        const domain::UnitState& unit,
                        const domain::EvaluationsByMember& evaluations) {
  v1::UnitRow row;
  row.set_node_id(std::string(node_id));
  const v1::UnitRegistered& reg = unit.roster.unit;
  row.set_unit_id(reg.unit_id());
  row.set_name(reg.name());
  row.set_batch(reg.batch());
  row.set_category(reg.category());
  row.set_member_count(reg.member_count());
  row.set_members_registered(static_cast<uint32_t>(unit.roster.members.size()));
  row.set_stage(unit.stage);
  row.set_next_step(domain::NextStep(unit));
  // Reasons only matter (and only cost) when there is a next step.
  std::vector<v1::BlockingReasonCode> codes;
  if (row.next_step() != v1::TRANSITION_STEP_UNSPECIFIED) {
    std::map<int, uint32_t> by_code;
    for (const v1::BlockingReason& r :
         domain::BlockingReasons(unit, evaluations)) {
      ++by_code[r.code()];
    }
    for (const auto& [code, count] : by_code) {
      v1::BlockingReasonCount* c = row.add_blocking();
      c->set_code(static_cast<v1::BlockingReasonCode>(code));
      c->set_count(count);
      codes.push_back(c->code());
    }
  }
  row.set_condition(ConditionOf(codes));
  row.set_step_since_us(unit.step_since_us);
  if (!unit.transition.surveys.empty()) {
    const domain::SurveyRecord& s = unit.transition.surveys.back();
    v1::SurveyView* v = row.mutable_latest_survey();
    v->set_survey_number(s.survey_number);
    v->set_respondents(s.respondents);
    v->set_satisfied(s.satisfied);
    v->set_basically_satisfied(s.basically_satisfied);
    v->set_dissatisfied(s.dissatisfied);
    v->set_dissatisfied_percent(domain::DissatisfiedPercent(s));
    v->set_remediation_recorded(s.remediation_recorded);
    row.set_has_survey(true);
  }
  for (const auto& [stage, summary] : unit.summaries) {
    row.add_summaries_filed(stage);
  }
  row.set_stream_version(unit.version);
  return row;
}

v1::RectificationRow MakeRectificationRow(
    absl::string_view node_id, const domain::RectificationState& item) {
  v1::RectificationRow row;
  row.set_node_id(std::string(node_id));
  row.set_item_id(item.item_id);
  row.set_unit_id(item.unit_id);
  row.set_kind(item.kind);
  row.set_class_(item.item_class);
  row.set_status(item.status);
  row.set_deadline(item.deadline);
  row.set_percent_done(item.percent_done);
  row.set_closed_on(item.closed_on);
  return row;
}

void AddUnit(const v1::UnitRow& row, int sign, v1::UnitFigures& out) {
  REPORTING_BUMP(out, registered, sign);
  BumpMap<int32_t>(out.mutable_by_batch(), row.batch(), sign);
  BumpMap<int32_t>(out.mutable_by_stage(), row.stage(), sign);
  if (row.next_step() != v1::TRANSITION_STEP_UNSPECIFIED) {
    BumpMap<int32_t>(out.mutable_by_stage_step(),
                     row.stage() * 10 + row.next_step(), sign);
  }
  for (const v1::BlockingReasonCount& c : row.blocking()) {
    BumpMap<int32_t>(out.mutable_blocked_by_reason(), c.code(), sign);
  }
  if (row.condition() == v1::UNIT_CONDITION_BLOCKED) {
    REPORTING_BUMP(out, blocked, sign);
  } else if (row.condition() == v1::UNIT_CONDITION_WAITING) {
    REPORTING_BUMP(out, waiting, sign);
    for (const v1::BlockingReasonCount& c : row.blocking()) {
      BumpMap<int32_t>(out.mutable_waiting_by_reason(), c.code(), sign);
    }
    BumpMap<std::string>(out.mutable_waiting_since(),
                         UtcDay(row.step_since_us()), sign);
  }
  if (row.has_survey()) {
    const v1::SurveyView& s = row.latest_survey();
    REPORTING_BUMP(out, surveyed, sign);
    REPORTING_BUMP(out, latest_survey_respondents,
                   static_cast<int64_t>(s.respondents()) * sign);
    REPORTING_BUMP(out, latest_survey_dissatisfied,
                   static_cast<int64_t>(s.dissatisfied()) * sign);
    domain::SurveyRecord r;
    r.respondents = s.respondents();
    r.dissatisfied = s.dissatisfied();
    if (domain::OverTenPercent(r)) {
      REPORTING_BUMP(out, needing_remediation, sign);
    }
  }
  for (int stage : row.summaries_filed()) {
    BumpMap<int32_t>(out.mutable_summaries_filed(), stage, sign);
  }
}

void AddEvaluation(const domain::EvaluationState& s, int sign,
                   v1::EvaluationFigures& out) {
  if (!s.recorded()) return;
  REPORTING_BUMP(out, recorded, sign);
  switch (s.phase) {
    case domain::EvaluationPhase::kRecorded:
      REPORTING_BUMP(out, awaiting_showing, sign);
      break;
    case domain::EvaluationPhase::kShown:
      REPORTING_BUMP(out, shown, sign);
      break;
    case domain::EvaluationPhase::kDisputed:
      REPORTING_BUMP(out, disputed, sign);
      break;
    case domain::EvaluationPhase::kSigned:
      REPORTING_BUMP(out, signed_opinions, sign);
      break;
    case domain::EvaluationPhase::kNone:
      break;
  }
  if (s.revisions > 0) REPORTING_BUMP(out, revised, sign);
  BumpMap<int32_t>(out.mutable_by_rating(), s.rating, sign);
  if (s.transformation_required()) {
    REPORTING_BUMP(out, transformation_required, sign);
    if (s.has_measure_with_helper()) {
      REPORTING_BUMP(out, transformation_assigned, sign);
      if (s.measure_completed) {
        REPORTING_BUMP(out, transformation_completed, sign);
      }
    }
  }
}

void AddMaterial(const domain::MaterialState& s, int sign,
                 v1::MaterialFigures& out) {
  if (s.phase == domain::MaterialPhase::kNone) return;
  REPORTING_BUMP(out, members, sign);
  switch (s.phase) {
    case domain::MaterialPhase::kSubmitted:
      REPORTING_BUMP(out, awaiting_review, sign);
      break;
    case domain::MaterialPhase::kReturned:
      REPORTING_BUMP(out, returned, sign);
      break;
    case domain::MaterialPhase::kAccepted:
      REPORTING_BUMP(out, accepted, sign);
      break;
    case domain::MaterialPhase::kNone:
      break;
  }
  REPORTING_BUMP(out, submissions, static_cast<int64_t>(s.submissions) * sign);
  REPORTING_BUMP(out, returns, static_cast<int64_t>(s.returns) * sign);
}

void AddMeeting(const domain::MeetingState& s, int sign,
                v1::MeetingFigures& out) {
  if (!s.held) return;
  REPORTING_BUMP(out, held, sign);
  BumpMap<int32_t>(out.mutable_held_by_kind(), s.meeting.kind(), sign);
  if (s.circulated) REPORTING_BUMP(out, circulated, sign);
}

void AddRectification(const domain::RectificationState& s, int sign,
                      v1::RectificationFigures& out) {
  if (!s.identified()) return;
  REPORTING_BUMP(out, identified, sign);
  BumpMap<int32_t>(out.mutable_by_kind(), s.kind, sign);
  BumpMap<int32_t>(out.mutable_by_status(), s.status, sign);
  if (s.planned()) {
    BumpMap<int32_t>(out.mutable_by_class(), s.item_class, sign);
    if (!s.closed() && !s.deadline.empty()) {
      BumpMap<std::string>(out.mutable_open_deadlines(), s.deadline, sign);
    }
  }
}

void AddCensus(const domain::CensusState& s, int sign, v1::CensusFigures& out) {
  if (!s.reported) return;
  const v1::CensusReported& r = s.report;
  REPORTING_BUMP(out, units_reported, sign);
  if (r.should_have_organisation_but_none()) {
    REPORTING_BUMP(out, without_organisation, sign);
  }
  if (r.leadership_incomplete())
    REPORTING_BUMP(out, leadership_incomplete, sign);
  if (r.condition() == v1::ORGANISATION_CONDITION_WEAK_AND_LAX) {
    REPORTING_BUMP(out, weak_and_lax, sign);
  }
  if (r.condition() == v1::ORGANISATION_CONDITION_PARALYSED) {
    REPORTING_BUMP(out, paralysed, sign);
  }
  // Every "no", and a census recorded before the node required the answer
  // (absent: how "no" was written then), as it was counted then.
  if (!r.secretary_able_to_lead()) {
    REPORTING_BUMP(out, secretary_unable_to_lead, sign);
  }
  const v1::FloatingMembers& f = r.floating();
  REPORTING_BUMP(out, floating_total, static_cast<int64_t>(f.total()) * sign);
  REPORTING_BUMP(out, floating_relation_transferred,
                 static_cast<int64_t>(f.relation_transferred()) * sign);
  REPORTING_BUMP(out, floating_temporary_relation,
                 static_cast<int64_t>(f.temporary_relation()) * sign);
  REPORTING_BUMP(out, floating_with_certificate,
                 static_cast<int64_t>(f.with_certificate()) * sign);
  REPORTING_BUMP(out, floating_contactable,
                 static_cast<int64_t>(f.contactable()) * sign);
  REPORTING_BUMP(out, floating_not_contactable,
                 static_cast<int64_t>(f.not_contactable()) * sign);
  int64_t resolved = 0;
  for (const auto& [id, resolution] : s.resolutions) {
    if (!resolution.empty()) ++resolved;
  }
  REPORTING_BUMP(out, problems,
                 static_cast<int64_t>(r.main_problems_size()) * sign);
  REPORTING_BUMP(out, problems_resolved, resolved * sign);
}

void AddCensusFigures(const v1::CensusFigures& in, v1::CensusFigures& out) {
  const auto* d = v1::CensusFigures::descriptor();
  const auto* ref = v1::CensusFigures::GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    ref->SetUInt64(&out, f, ref->GetUInt64(out, f) + ref->GetUInt64(in, f));
  }
}

void AddFigures(const v1::NodeFigures& in, v1::NodeFigures& out) {
  const v1::UnitFigures& u = in.units();
  v1::UnitFigures& uo = *out.mutable_units();
  REPORTING_BUMP(uo, registered, u.registered());
  AddMap(u.by_batch(), uo.mutable_by_batch());
  AddMap(u.by_stage(), uo.mutable_by_stage());
  AddMap(u.by_stage_step(), uo.mutable_by_stage_step());
  REPORTING_BUMP(uo, blocked, u.blocked());
  AddMap(u.blocked_by_reason(), uo.mutable_blocked_by_reason());
  REPORTING_BUMP(uo, surveyed, u.surveyed());
  REPORTING_BUMP(uo, latest_survey_respondents, u.latest_survey_respondents());
  REPORTING_BUMP(uo, latest_survey_dissatisfied,
                 u.latest_survey_dissatisfied());
  REPORTING_BUMP(uo, needing_remediation, u.needing_remediation());
  AddMap(u.summaries_filed(), uo.mutable_summaries_filed());
  REPORTING_BUMP(uo, waiting, u.waiting());
  AddMap(u.waiting_by_reason(), uo.mutable_waiting_by_reason());
  AddMap(u.waiting_since(), uo.mutable_waiting_since());

  const v1::EvaluationFigures& e = in.evaluations();
  v1::EvaluationFigures& eo = *out.mutable_evaluations();
  REPORTING_BUMP(eo, recorded, e.recorded());
  REPORTING_BUMP(eo, awaiting_showing, e.awaiting_showing());
  REPORTING_BUMP(eo, shown, e.shown());
  REPORTING_BUMP(eo, disputed, e.disputed());
  REPORTING_BUMP(eo, signed_opinions, e.signed_opinions());
  REPORTING_BUMP(eo, revised, e.revised());
  AddMap(e.by_rating(), eo.mutable_by_rating());
  REPORTING_BUMP(eo, transformation_required, e.transformation_required());
  REPORTING_BUMP(eo, transformation_assigned, e.transformation_assigned());
  REPORTING_BUMP(eo, transformation_completed, e.transformation_completed());

  const v1::MaterialFigures& m = in.materials();
  v1::MaterialFigures& mo = *out.mutable_materials();
  REPORTING_BUMP(mo, members, m.members());
  REPORTING_BUMP(mo, awaiting_review, m.awaiting_review());
  REPORTING_BUMP(mo, returned, m.returned());
  REPORTING_BUMP(mo, accepted, m.accepted());
  REPORTING_BUMP(mo, submissions, m.submissions());
  REPORTING_BUMP(mo, returns, m.returns());

  const v1::MeetingFigures& g = in.meetings();
  v1::MeetingFigures& go = *out.mutable_meetings();
  REPORTING_BUMP(go, held, g.held());
  REPORTING_BUMP(go, circulated, g.circulated());
  AddMap(g.held_by_kind(), go.mutable_held_by_kind());

  const v1::RectificationFigures& r = in.rectifications();
  v1::RectificationFigures& ro = *out.mutable_rectifications();
  REPORTING_BUMP(ro, identified, r.identified());
  AddMap(r.by_kind(), ro.mutable_by_kind());
  AddMap(r.by_class(), ro.mutable_by_class());
  AddMap(r.by_status(), ro.mutable_by_status());
  AddMap(r.open_deadlines(), ro.mutable_open_deadlines());
  REPORTING_BUMP(ro, overdue, r.overdue());

  AddCensusFigures(in.census(), *out.mutable_census());
  REPORTING_BUMP(out, events_applied, in.events_applied());
}

void FinishForDay(absl::string_view today, v1::NodeFigures& figures) {
  v1::RectificationFigures& r = *figures.mutable_rectifications();
  uint64_t overdue = 0;
  // One planned, open item whose deadline is each entry's in turn.
  domain::RectificationState s;
  s.status = v1::RECTIFICATION_STATUS_PLANNED;
  for (const auto& [deadline, count] : r.open_deadlines()) {
    s.deadline = deadline;
    if (domain::IsOverdue(s, today)) overdue += count;
  }
  r.set_overdue(overdue);
  const auto& by_status = r.by_status();
  uint64_t closed = 0;
  for (int status : {v1::RECTIFICATION_STATUS_COMPLETED,
                     v1::RECTIFICATION_STATUS_EXPLAINED}) {
    auto it = by_status.find(status);
    if (it != by_status.end()) closed += it->second;
  }
  r.set_completion_rate(
      r.identified() == 0 ? 0.0 : static_cast<double>(closed) / r.identified());
}

bool MarkOverdue(absl::string_view today, v1::RectificationRow& row) {
  domain::RectificationState s;
  s.status = row.status();
  s.deadline = row.deadline();
  row.set_overdue(domain::IsOverdue(s, today));
  return row.overdue();
}

#undef REPORTING_BUMP

}  // namespace reporting::projector
