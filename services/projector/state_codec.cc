#include "services/projector/state_codec.h"

#include <string>
#include <utility>

namespace reporting::projector {
namespace {

// Marks a resolved census problem in a slim state (the text is dropped).
constexpr char kResolved[] = "1";

}  // namespace

void SlimUnit(domain::UnitState& s) {
  // A member keeps its id and branch: the re-check of an opinion needs the
  // branch (rule_check.h: RequireMember, DecideRecordEvaluation).
  for (auto& [id, member] : s.roster.members) {
    if (member.name().empty() && member.unit_id().empty()) continue;
    v1::MemberRegistered slim;
    slim.set_member_id(id);
    slim.set_branch_id(member.branch_id());
    member = std::move(slim);
  }
  for (auto& [id, name] : s.roster.branches) name.clear();
  for (auto& [check, finding] : s.transition.findings) finding.clear();
  for (auto& [stage, summary] : s.summaries) {
    if (summary.ByteSizeLong() == 0) continue;
    summary.Clear();
  }
}

void SlimEvaluation(domain::EvaluationState& s) {
  s.shortcomings.clear();
  s.signed_on.clear();
  s.dispute_reason.clear();
}

void SlimMeeting(domain::MeetingState& s) {
  v1::SpecialMeetingHeld slim;
  slim.set_unit_id(s.meeting.unit_id());
  slim.set_kind(s.meeting.kind());
  s.meeting = std::move(slim);
  s.scope.clear();
}

void SlimRectification(domain::RectificationState& s) {
  s.description.clear();
  s.measures.clear();
  s.responsible_person.clear();
}

void SlimCensus(domain::CensusState& s) {
  for (auto& problem : *s.report.mutable_main_problems()) {
    problem.clear_description();
  }
  for (auto& [id, resolution] : s.resolutions) {
    if (!resolution.empty()) resolution = kResolved;
  }
}

v1::ProjectedUnit ToProto(const domain::UnitState& s) {
  v1::ProjectedUnit p;
  p.set_registered(s.roster.unit_registered);
  *p.mutable_unit() = s.roster.unit;
  for (const auto& [id, name] : s.roster.branches) p.add_branch_ids(id);
  for (const auto& [id, member] : s.roster.members) {
    p.add_member_ids(id);
    p.add_member_branch_ids(member.branch_id());
  }
  p.set_roster_version(s.roster.version);
  p.set_stage(s.stage);
  const domain::TransitionProgress& t = s.transition;
  for (const auto& [check, passed] : t.checks) {
    v1::ProjectedUnit::Check* c = p.add_checks();
    c->set_check(check);
    c->set_passed(passed);
  }
  p.set_self_inspection_completed(t.self_inspection_completed);
  for (const domain::SurveyRecord& r : t.surveys) {
    v1::ProjectedUnit::Survey* v = p.add_surveys();
    v->set_survey_number(r.survey_number);
    v->set_respondents(r.respondents);
    v->set_satisfied(r.satisfied);
    v->set_basically_satisfied(r.basically_satisfied);
    v->set_dissatisfied(r.dissatisfied);
    v->set_remediation_recorded(r.remediation_recorded);
  }
  p.set_report_submitted(t.report_submitted);
  p.set_review_passed(t.review_passed);
  p.set_approved(t.approved);
  p.set_sent_back(static_cast<uint32_t>(t.sent_back));
  p.set_sent_back_comments(t.sent_back_comments);
  for (const auto& [stage, summary] : s.summaries) p.add_summaries_filed(stage);
  p.set_version(s.version);
  p.set_step_since_us(s.step_since_us);
  return p;
}

domain::UnitState FromProto(const v1::ProjectedUnit& p) {
  domain::UnitState s;
  s.roster.unit_registered = p.registered();
  s.roster.unit = p.unit();
  for (const std::string& id : p.branch_ids()) s.roster.branches[id];
  for (int i = 0; i < p.member_ids_size(); ++i) {
    v1::MemberRegistered& member = s.roster.members[p.member_ids(i)];
    member.set_member_id(p.member_ids(i));
    if (i < p.member_branch_ids_size()) {
      member.set_branch_id(p.member_branch_ids(i));
    }
  }
  s.roster.version = p.roster_version();
  s.stage = p.stage();
  domain::TransitionProgress& t = s.transition;
  for (const auto& c : p.checks()) {
    t.checks[c.check()] = c.passed();
    t.findings[c.check()];
  }
  t.self_inspection_completed = p.self_inspection_completed();
  for (const auto& v : p.surveys()) {
    domain::SurveyRecord r;
    r.survey_number = v.survey_number();
    r.respondents = v.respondents();
    r.satisfied = v.satisfied();
    r.basically_satisfied = v.basically_satisfied();
    r.dissatisfied = v.dissatisfied();
    r.remediation_recorded = v.remediation_recorded();
    t.surveys.push_back(r);
  }
  t.report_submitted = p.report_submitted();
  t.review_passed = p.review_passed();
  t.approved = p.approved();
  t.sent_back = static_cast<domain::SentBack>(p.sent_back());
  t.sent_back_comments = p.sent_back_comments();
  for (int stage : p.summaries_filed()) {
    s.summaries[static_cast<v1::Stage>(stage)];
  }
  s.version = p.version();
  s.step_since_us = p.step_since_us();
  return s;
}

void ToProto(const domain::EvaluationState& s, v1::ProjectedEvaluation* p) {
  p->set_member_id(s.member_id);
  p->set_unit_id(s.unit_id);
  p->set_branch_id(s.branch_id);
  p->set_batch(s.batch);
  p->set_phase(static_cast<uint32_t>(s.phase));
  p->set_rating(s.rating);
  p->set_revisions(s.revisions);
  p->set_ever_shown(s.ever_shown);
  p->set_feedback_count(s.feedback_count);
  p->set_measure(s.measure);
  p->set_helper_name(s.helper_name);
  p->set_measure_completed(s.measure_completed);
  p->set_version(s.version);
}

v1::ProjectedEvaluation ToProto(const domain::EvaluationState& s) {
  v1::ProjectedEvaluation p;
  ToProto(s, &p);
  return p;
}

domain::EvaluationState FromProto(const v1::ProjectedEvaluation& p) {
  domain::EvaluationState s;
  s.member_id = p.member_id();
  s.unit_id = p.unit_id();
  s.branch_id = p.branch_id();
  s.batch = p.batch();
  s.phase = static_cast<domain::EvaluationPhase>(p.phase());
  s.rating = p.rating();
  s.revisions = p.revisions();
  s.ever_shown = p.ever_shown();
  s.feedback_count = p.feedback_count();
  s.measure = p.measure();
  s.helper_name = p.helper_name();
  s.measure_completed = p.measure_completed();
  s.version = p.version();
  return s;
}

void ToProto(const domain::MaterialState& s, v1::ProjectedMaterial* p) {
  p->set_phase(static_cast<uint32_t>(s.phase));
  p->set_submissions(s.submissions);
  p->set_returns(s.returns);
  p->set_version(s.version);
}

v1::ProjectedMaterial ToProto(const domain::MaterialState& s) {
  v1::ProjectedMaterial p;
  ToProto(s, &p);
  return p;
}

domain::MaterialState FromProto(const v1::ProjectedMaterial& p) {
  domain::MaterialState s;
  s.phase = static_cast<domain::MaterialPhase>(p.phase());
  s.submissions = p.submissions();
  s.returns = p.returns();
  s.version = p.version();
  return s;
}

void ToProto(const domain::MeetingState& s, v1::ProjectedMeeting* p) {
  p->set_held(s.held);
  p->set_unit_id(s.meeting.unit_id());
  p->set_kind(s.meeting.kind());
  p->set_circulated(s.circulated);
  p->set_version(s.version);
}

v1::ProjectedMeeting ToProto(const domain::MeetingState& s) {
  v1::ProjectedMeeting p;
  ToProto(s, &p);
  return p;
}

domain::MeetingState FromProto(const v1::ProjectedMeeting& p) {
  domain::MeetingState s;
  s.held = p.held();
  s.meeting.set_unit_id(p.unit_id());
  s.meeting.set_kind(p.kind());
  s.circulated = p.circulated();
  s.version = p.version();
  return s;
}

void ToProto(const domain::RectificationState& s,
             v1::ProjectedRectification* p) {
  p->set_status(s.status);
  p->set_item_id(s.item_id);
  p->set_unit_id(s.unit_id);
  p->set_kind(s.kind);
  p->set_deadline(s.deadline);
  p->set_item_class(s.item_class);
  p->set_percent_done(s.percent_done);
  p->set_closed_on(s.closed_on);
  p->set_version(s.version);
}

v1::ProjectedRectification ToProto(const domain::RectificationState& s) {
  v1::ProjectedRectification p;
  ToProto(s, &p);
  return p;
}

domain::RectificationState FromProto(const v1::ProjectedRectification& p) {
  domain::RectificationState s;
  s.status = p.status();
  s.item_id = p.item_id();
  s.unit_id = p.unit_id();
  s.kind = p.kind();
  s.deadline = p.deadline();
  s.item_class = p.item_class();
  s.percent_done = p.percent_done();
  s.closed_on = p.closed_on();
  s.version = p.version();
  return s;
}

v1::ProjectedCensus ToProto(const domain::CensusState& s) {
  v1::ProjectedCensus p;
  p.set_reported(s.reported);
  *p.mutable_report() = s.report;
  for (const auto& [id, resolution] : s.resolutions) {
    if (!resolution.empty()) p.add_resolved_problem_ids(id);
  }
  p.set_version(s.version);
  return p;
}

domain::CensusState FromProto(const v1::ProjectedCensus& p) {
  domain::CensusState s;
  s.reported = p.reported();
  s.report = p.report();
  for (const auto& problem : s.report.main_problems()) {
    s.resolutions[problem.problem_id()];
  }
  for (const std::string& id : p.resolved_problem_ids()) {
    s.resolutions[id] = kResolved;
  }
  s.version = p.version();
  return s;
}

}  // namespace reporting::projector
