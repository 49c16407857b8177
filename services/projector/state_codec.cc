#include "services/projector/state_codec.h"

#include <string>
#include <utility>

#include "services/projector/state_reflect.h"
#include "services/projector/state_schema.h"

namespace reporting::projector {
namespace {

// Marks a resolved census problem in a slim state (the text is dropped).
constexpr char kResolved[] = "1";

template <typename Projected, typename State>
Projected Encode(const State& s) {
  Projected p;
  ToMessage to(p);
  Fields(to, s);
  return p;
}

template <typename State, typename Projected>
State Decode(const Projected& p) {
  State s;
  FromMessage from(p);
  Fields(from, s);
  return s;
}

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

// The unit's map-shaped members (kUnitByHand).
v1::ProjectedUnit ToProto(const domain::UnitState& s) {
  auto p = Encode<v1::ProjectedUnit>(s);
  for (const auto& [id, name] : s.roster.branches) p.add_branch_ids(id);
  for (const auto& [id, member] : s.roster.members) {
    p.add_member_ids(id);
    p.add_member_branch_ids(member.branch_id());
  }
  for (const auto& [check, passed] : s.transition.checks) {
    v1::ProjectedUnit::Check* c = p.add_checks();
    c->set_check(check);
    c->set_passed(passed);
  }
  for (const auto& [stage, summary] : s.summaries) p.add_summaries_filed(stage);
  return p;
}

domain::UnitState FromProto(const v1::ProjectedUnit& p) {
  auto s = Decode<domain::UnitState>(p);
  for (const std::string& id : p.branch_ids()) s.roster.branches[id];
  for (int i = 0; i < p.member_ids_size(); ++i) {
    v1::MemberRegistered& member = s.roster.members[p.member_ids(i)];
    member.set_member_id(p.member_ids(i));
    if (i < p.member_branch_ids_size()) {
      member.set_branch_id(p.member_branch_ids(i));
    }
  }
  for (const auto& c : p.checks()) {
    s.transition.checks[c.check()] = c.passed();
    s.transition.findings[c.check()];  // the text is not kept
  }
  for (int stage : p.summaries_filed()) {
    s.summaries[static_cast<v1::Stage>(stage)];
  }
  return s;
}

v1::ProjectedEvaluation ToProto(const domain::EvaluationState& s) {
  return Encode<v1::ProjectedEvaluation>(s);
}
domain::EvaluationState FromProto(const v1::ProjectedEvaluation& p) {
  return Decode<domain::EvaluationState>(p);
}

v1::ProjectedMaterial ToProto(const domain::MaterialState& s) {
  return Encode<v1::ProjectedMaterial>(s);
}
domain::MaterialState FromProto(const v1::ProjectedMaterial& p) {
  return Decode<domain::MaterialState>(p);
}

v1::ProjectedMeeting ToProto(const domain::MeetingState& s) {
  return Encode<v1::ProjectedMeeting>(s);
}
domain::MeetingState FromProto(const v1::ProjectedMeeting& p) {
  return Decode<domain::MeetingState>(p);
}

v1::ProjectedRectification ToProto(const domain::RectificationState& s) {
  return Encode<v1::ProjectedRectification>(s);
}
domain::RectificationState FromProto(const v1::ProjectedRectification& p) {
  return Decode<domain::RectificationState>(p);
}

// The census's resolutions (kCensusByHand): a resolved problem's id.
v1::ProjectedCensus ToProto(const domain::CensusState& s) {
  auto p = Encode<v1::ProjectedCensus>(s);
  for (const auto& [id, resolution] : s.resolutions) {
    if (!resolution.empty()) p.add_resolved_problem_ids(id);
  }
  return p;
}

domain::CensusState FromProto(const v1::ProjectedCensus& p) {
  auto s = Decode<domain::CensusState>(p);
  for (const auto& problem : s.report.main_problems()) {
    s.resolutions[problem.problem_id()];
  }
  for (const std::string& id : p.resolved_problem_ids()) {
    s.resolutions[id] = kResolved;
  }
  return s;
}

}  // namespace reporting::projector
