#include "services/projector/history_generator.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/domain/campaign_walker.h"
#include "services/domain/registration.h"

namespace reporting::projector {
namespace {

// A refused command is normal here (the generator proposes commands at
// random and keeps what the rules accept); an INTERNAL fold error is not.
template <typename T>
bool Accepted(const absl::StatusOr<T>& decision) {
  return decision.ok();
}

void Check(const absl::Status& st) {
  if (!st.ok()) {
    std::fprintf(stderr, "history generator: %s\n", st.ToString().c_str());
    std::abort();
  }
}

}  // namespace

HistoryGenerator::HistoryGenerator(std::string node_id, uint64_t seed,
                                   HistoryOptions options)
    : node_id_(std::move(node_id)), options_(std::move(options)), rng_(seed) {}

template <typename M>
void HistoryGenerator::Emit(const std::string& stream_id, const M& payload) {
  ++sequence_;
  last_.Clear();
  last_.set_node_id(node_id_);
  last_.set_sequence(sequence_);
  last_.set_stream_id(stream_id);
  last_.set_stream_version(++versions_[stream_id]);
  last_.set_event_id(absl::StrCat("gen-", node_id_, "-", sequence_));
  last_.set_event_type(M::descriptor()->full_name());
  last_.set_recorded_at_us(options_.start_us +
                           static_cast<int64_t>(sequence_) * options_.step_us);
  last_.set_actor(absl::StrCat("clerk:gen@", node_id_));
  last_.set_command_id(absl::StrCat("cmd-", node_id_, "-", sequence_));
  last_.set_payload(payload.SerializeAsString());
}

std::string HistoryGenerator::RandomDate() {
  return absl::StrFormat("2024-%02d-%02d", 6 + Rand(6), 1 + Rand(28));
}

domain::EvaluationsByMember HistoryGenerator::EvaluationsOf(
    const Unit& unit) const {
  domain::EvaluationsByMember out;
  for (const std::string& m : unit.members) {
    auto it = evaluations_.find(m);
    if (it != evaluations_.end()) out[m] = it->second;
  }
  return out;
}

v1::EventEnvelope HistoryGenerator::Next() {
  for (;;) {
    if (TryRegistration()) return last_;
    Unit& unit = units_[Rand(static_cast<int>(units_.size()))];
    bool done = false;
    switch (Rand(10)) {
      case 0:
      case 1:
      case 2:
        done = TryEvaluation(unit);
        break;
      case 3:
        done = TryMaterial(unit);
        break;
      case 4:
        done = TryMeeting(unit);
        break;
      case 5:
      case 6:
      case 7:
        done = TryTransition(unit);
        break;
      case 8:
        done = TryItem(unit);
        break;
      default:
        done = TryCensus(unit);
        break;
    }
    if (done) return last_;
  }
}

bool HistoryGenerator::TryRegistration() {
  if (!node_registered_) {
    v1::NodeRegistered req;
    req.set_node_id(node_id_);
    req.set_name(absl::StrCat("node ", node_id_));
    req.set_kind(v1::NODE_KIND_COUNTY);
    auto d = domain::DecideRegisterNode({}, req);
    Check(d.status());
    Emit(absl::StrCat("node/", node_id_), *d);
    node_registered_ = true;
    return true;
  }
  if (static_cast<int>(units_.size()) < options_.units &&
      (units_.empty() || Chance(30))) {
    Unit unit;
    unit.id = absl::StrFormat("%s-U%04d", node_id_, units_.size() + 1);
    v1::UnitRegistered req;
    req.set_unit_id(unit.id);
    req.set_name(absl::StrCat("unit ", unit.id));
    req.set_batch(Chance(50) ? v1::BATCH_FIRST : v1::BATCH_SECOND);
    req.set_member_count(1 + Rand(options_.max_members_per_unit));
    req.set_category(Chance(50) ? "机关" : "社区");
    req.set_node_leadership(units_.empty());  // the node's own committee
    auto d = domain::DecideRegisterUnit(true, unit.state.roster, req);
    Check(d.status());
    Emit(absl::StrCat("unit/", unit.id), *d);
    Check(domain::ApplyUnitEvent(unit.state, last_));
    units_.push_back(std::move(unit));
    return true;
  }
  for (Unit& unit : units_) {
    if (unit.branch_id.empty()) {
      v1::BranchRegistered req;
      req.set_branch_id(unit.id + "-B01");
      req.set_name("branch one");
      auto d = domain::DecideRegisterBranch(unit.state.roster, unit.id, req);
      Check(d.status());
      Emit(absl::StrCat("unit/", unit.id), *d);
      Check(domain::ApplyUnitEvent(unit.state, last_));
      unit.branch_id = req.branch_id();
      return true;
    }
  }
  // Members: most units register all they reported; some stay short (the
  // MEMBERS_NOT_REGISTERED reason) until a later chance.
  if (Chance(40)) {
    for (Unit& unit : units_) {
      if (unit.members.size() < unit.state.roster.unit.member_count() &&
          Chance(70)) {
        const std::string id =
            absl::StrFormat("%s-M%04d", unit.id, unit.members.size() + 1);
        v1::MemberRegistered req;
        req.set_member_id(id);
        req.set_branch_id(unit.branch_id);
        req.set_name("NAME-" + id);
        req.set_leading_cadre(Chance(20));
        auto d = domain::DecideRegisterMember(unit.state.roster, unit.id, req);
        Check(d.status());
        Emit(absl::StrCat("unit/", unit.id), *d);
        Check(domain::ApplyUnitEvent(unit.state, last_));
        unit.members.push_back(id);
        return true;
      }
    }
  }
  return false;
}

bool HistoryGenerator::TryEvaluation(Unit& unit) {
  if (unit.members.empty()) return false;
  const std::string& member = unit.members[Rand(unit.members.size())];
  auto rm = domain::RequireMember(unit.state.roster, unit.id, member);
  Check(rm.status());
  domain::EvaluationState& s = evaluations_[member];
  const std::string stream =
      absl::StrCat("evaluation/", member, "/", domain::BatchNumber(rm->batch));
  const v1::Rating ratings[] = {v1::RATING_EXCELLENT, v1::RATING_QUALIFIED,
                                v1::RATING_BASICALLY_QUALIFIED,
                                v1::RATING_UNQUALIFIED};
  bool emitted = false;
  switch (Rand(7)) {
    case 0: {
      v1::EvaluationRecorded req;
      req.set_member_id(member);
      req.set_rating(ratings[Rand(4)]);
      req.add_shortcomings("works too slowly");
      auto d = domain::DecideRecordEvaluation(s, *rm, req);
      if (Accepted(d)) Emit(stream, *d), emitted = true;
      break;
    }
    case 1: {
      v1::EvaluationShown req;
      req.set_member_id(member);
      req.set_shown_on(RandomDate());
      auto d = domain::DecideShowEvaluation(s, req);
      if (Accepted(d)) Emit(stream, *d), emitted = true;
      break;
    }
    case 2: {
      if (Chance(75)) {
        v1::EvaluationSigned req;
        req.set_member_id(member);
        req.set_signed_on(RandomDate());
        auto d = domain::DecideSignEvaluation(s, req);
        if (Accepted(d)) Emit(stream, *d), emitted = true;
      } else {
        v1::EvaluationDisputed req;
        req.set_member_id(member);
        req.set_reason("too harsh");
        auto d = domain::DecideDisputeEvaluation(s, req);
        if (Accepted(d)) Emit(stream, *d), emitted = true;
      }
      break;
    }
    case 3: {
      v1::EvaluationRevised req;
      req.set_member_id(member);
      req.set_rating(ratings[Rand(4)]);
      req.add_shortcomings("still too slow");
      auto d = domain::DecideReviseEvaluation(s, req);
      if (Accepted(d)) Emit(stream, *d), emitted = true;
      break;
    }
    case 4: {
      v1::TransformationMeasureAssigned req;
      req.set_member_id(member);
      req.set_measure("weekly study");
      req.set_helper_name("HELPER-" + member);
      auto d = domain::DecideAssignMeasure(s, req);
      if (Accepted(d)) Emit(stream, *d), emitted = true;
      break;
    }
    case 5: {
      v1::TransformationMeasureCompleted req;
      req.set_member_id(member);
      req.set_outcome("improved");
      auto d = domain::DecideCompleteMeasure(s, req);
      if (Accepted(d)) Emit(stream, *d), emitted = true;
      break;
    }
    default: {
      v1::EvaluationFeedbackGiven req;
      req.set_member_id(member);
      req.set_feedback("keep going");
      auto d = domain::DecideGiveFeedback(s, req);
      if (Accepted(d)) Emit(stream, *d), emitted = true;
      break;
    }
  }
  if (emitted) Check(domain::ApplyEvaluationEvent(s, last_));
  return emitted;
}

bool HistoryGenerator::TryMaterial(Unit& unit) {
  if (unit.members.empty()) return false;
  const std::string& member = unit.members[Rand(unit.members.size())];
  auto rm = domain::RequireMember(unit.state.roster, unit.id, member);
  Check(rm.status());
  domain::MaterialState& s = materials_[member];
  const std::string stream = "material/" + member;
  bool emitted = false;
  switch (Rand(3)) {
    case 0: {
      v1::PartySpiritMaterialSubmitted req;
      req.set_member_id(member);
      req.set_summary("my analysis");
      auto d = domain::DecideSubmitMaterial(s, *rm, req);
      if (Accepted(d)) Emit(stream, *d), emitted = true;
      break;
    }
    case 1: {
      v1::PartySpiritMaterialReturned req;
      req.set_member_id(member);
      req.add_reasons(v1::MATERIAL_RETURN_REASON_ANALYSIS_SHALLOW);
      auto d = domain::DecideReturnMaterial(s, req);
      if (Accepted(d)) Emit(stream, *d), emitted = true;
      break;
    }
    default: {
      v1::PartySpiritMaterialAccepted req;
      req.set_member_id(member);
      auto d = domain::DecideAcceptMaterial(s, req);
      if (Accepted(d)) Emit(stream, *d), emitted = true;
      break;
    }
  }
  if (emitted) Check(domain::ApplyMaterialEvent(s, last_));
  return emitted;
}

bool HistoryGenerator::TryMeeting(Unit& unit) {
  bool emitted = false;
  std::string id;
  if (unit.meetings == 0 || Chance(30)) {
    id = absl::StrFormat("%s-S%02d", unit.id, unit.meetings + 1);
    v1::SpecialMeetingHeld req;
    req.set_meeting_id(id);
    const bool branch = !unit.branch_id.empty() && Chance(50);
    req.set_kind(branch ? v1::MEETING_KIND_BRANCH_ORGANISATIONAL_LIFE
                        : v1::MEETING_KIND_LEADERSHIP_DEMOCRATIC_LIFE);
    if (branch) req.set_branch_id(unit.branch_id);
    req.set_stage(v1::STAGE_ANALYSIS_EVALUATION);
    req.set_held_on(RandomDate());
    req.set_attendees(1 + Rand(30));
    auto d = domain::DecideHoldMeeting(meetings_[id], unit.state.roster,
                                       unit.id, req);
    if (Accepted(d)) Emit("meeting/" + id, *d), emitted = true, ++unit.meetings;
  } else {
    id = absl::StrFormat("%s-S%02d", unit.id, 1 + Rand(unit.meetings));
    v1::SpecialMeetingResultsCirculated req;
    req.set_meeting_id(id);
    req.set_scope("全体党员");
    auto d = domain::DecideCirculateResults(meetings_[id], req);
    if (Accepted(d)) Emit("meeting/" + id, *d), emitted = true;
  }
  if (emitted) Check(domain::ApplyMeetingEvent(meetings_[id], last_));
  return emitted;
}

bool HistoryGenerator::TryTransition(Unit& unit) {
  const domain::UnitState& s = unit.state;
  const std::string stream = "unit/" + unit.id;
  const domain::EvaluationsByMember evaluations = EvaluationsOf(unit);
  bool emitted = false;
  if (Chance(8)) {
    v1::StageWorkSummaryFiled req;
    req.set_unit_id(unit.id);
    for (auto* part :
         {req.mutable_basic_situation(), req.mutable_main_practices(),
          req.mutable_initial_results(), req.mutable_basic_experience(),
          req.mutable_prominent_problems(), req.mutable_improvement_measures(),
          req.mutable_suggestions()}) {
      *part = "text";
    }
    auto d = domain::DecideFileWorkSummary(s, req);
    if (Accepted(d)) Emit(stream, *d), emitted = true;
  } else {
    auto record_check = [&] {
      v1::SelfInspectionCheckRecorded req;
      req.set_unit_id(unit.id);
      req.set_check(static_cast<v1::LookBackCheck>(
          1 + Rand(domain::kLookBackCheckCount)));
      req.set_finding("looked back");
      req.set_passed(Chance(85));
      auto d = domain::DecideRecordSelfInspectionCheck(s, req);
      if (Accepted(d)) Emit(stream, *d), emitted = true;
    };
    // The walker's next act; a check again now and then (a failed one is
    // recorded again before completion is accepted).
    switch (domain::NextAct(s)) {
      case domain::TransitionAct::kRecordCheck:
        record_check();
        break;
      case domain::TransitionAct::kCompleteSelfInspection:
        if (Chance(60)) {
          v1::SelfInspectionCompleted req;
          req.set_unit_id(unit.id);
          auto d = domain::DecideCompleteSelfInspection(s, evaluations, req);
          if (Accepted(d)) Emit(stream, *d), emitted = true;
        } else {
          record_check();
        }
        break;
      case domain::TransitionAct::kRecordRemediation: {
        v1::RemediationRecorded req;
        req.set_unit_id(unit.id);
        req.set_measures("补课");
        auto d = domain::DecideRecordRemediation(s, evaluations, req);
        if (Accepted(d)) Emit(stream, *d), emitted = true;
        break;
      }
      case domain::TransitionAct::kRecordSurvey: {
        v1::SatisfactionSurveyRecorded req;
        req.set_unit_id(unit.id);
        const uint32_t respondents = 10 + Rand(40);
        const uint32_t dissatisfied =
            Chance(30) ? respondents / 5 : respondents / 10;
        req.set_respondents(respondents);
        req.set_dissatisfied(dissatisfied);
        req.set_satisfied(respondents - dissatisfied);
        auto d = domain::DecideRecordSurvey(s, evaluations, req);
        if (Accepted(d)) Emit(stream, *d), emitted = true;
        break;
      }
      case domain::TransitionAct::kSubmitReport: {
        v1::TransitionReportSubmitted req;
        req.set_unit_id(unit.id);
        req.set_situation("done");
        req.set_satisfaction_result("good");
        req.set_next_stage_plan("go on");
        auto d = domain::DecideSubmitTransitionReport(s, evaluations, req);
        if (Accepted(d)) Emit(stream, *d), emitted = true;
        break;
      }
      case domain::TransitionAct::kRecordReview: {
        v1::SupervisoryReviewRecorded req;
        req.set_unit_id(unit.id);
        req.set_passed(Chance(75));
        req.set_comments("see notes");
        req.set_reviewer("group 3");
        auto d = domain::DecideRecordSupervisoryReview(s, evaluations, req);
        if (Accepted(d)) Emit(stream, *d), emitted = true;
        break;
      }
      case domain::TransitionAct::kRecordApproval: {
        v1::TransitionApprovalRecorded req;
        req.set_unit_id(unit.id);
        req.set_approved(Chance(80));
        req.set_approving_body("county committee");
        req.set_approver(unit.state.roster.unit.node_leadership()
                             ? v1::APPROVER_CITY_LEADING_GROUP
                             : v1::APPROVER_NEXT_LEVEL_UP);
        req.set_comments("see notes");
        auto d = domain::DecideRecordApproval(s, evaluations, req);
        if (Accepted(d)) Emit(stream, *d), emitted = true;
        break;
      }
      case domain::TransitionAct::kHoldMeeting: {
        v1::TransitionMeetingHeld req;
        req.set_unit_id(unit.id);
        req.set_secretary_name("NAME-secretary");
        auto d = domain::DecideHoldTransitionMeeting(s, evaluations, req,
                                                     options_.today);
        if (Accepted(d)) Emit(stream, *d), emitted = true;
        break;
      }
      default:
        break;
    }
  }
  if (emitted) Check(domain::ApplyUnitEvent(unit.state, last_));
  return emitted;
}

bool HistoryGenerator::TryItem(Unit& unit) {
  bool emitted = false;
  std::string id;
  if (unit.items == 0 || Chance(25)) {
    id = absl::StrFormat("%s-R%03d", unit.id, unit.items + 1);
    v1::RectificationItemIdentified req;
    req.set_item_id(id);
    req.set_kind(static_cast<v1::RectificationKind>(1 + Rand(4)));
    req.set_description("a problem");
    auto d = domain::DecideIdentifyRectification(items_[id], unit.id, req);
    if (Accepted(d))
      Emit("rectification/" + id, *d), emitted = true, ++unit.items;
  } else {
    id = absl::StrFormat("%s-R%03d", unit.id, 1 + Rand(unit.items));
    const domain::RectificationState& s = items_[id];
    const std::string stream = "rectification/" + id;
    switch (Rand(4)) {
      case 0: {
        v1::RectificationItemPlanned req;
        req.set_item_id(id);
        req.set_measures("fix it");
        req.set_responsible_person("RESP-" + id);
        req.set_deadline(RandomDate());
        req.set_class_(static_cast<v1::RectificationClass>(1 + Rand(3)));
        auto d = domain::DecidePlanRectification(s, req);
        if (Accepted(d)) Emit(stream, *d), emitted = true;
        break;
      }
      case 1: {
        v1::RectificationProgressReported req;
        req.set_item_id(id);
        req.set_progress("moving");
        req.set_percent_done(Rand(101));
        auto d = domain::DecideReportProgress(s, req);
        if (Accepted(d)) Emit(stream, *d), emitted = true;
        break;
      }
      case 2: {
        v1::RectificationItemCompleted req;
        req.set_item_id(id);
        req.set_evidence("photos");
        auto d = domain::DecideCompleteRectification(s, req, options_.today);
        if (Accepted(d)) Emit(stream, *d), emitted = true;
        break;
      }
      default: {
        v1::RectificationExplanationPublished req;
        req.set_item_id(id);
        req.set_cause("funding");
        req.set_next_steps("next year");
        auto d = domain::DecidePublishExplanation(s, req, options_.today);
        if (Accepted(d)) Emit(stream, *d), emitted = true;
        break;
      }
    }
  }
  if (emitted) Check(domain::ApplyRectificationEvent(items_[id], last_));
  return emitted;
}

bool HistoryGenerator::TryCensus(Unit& unit) {
  domain::CensusState& s = censuses_[unit.id];
  const std::string stream = "census/" + unit.id;
  bool emitted = false;
  if (!s.reported) {
    v1::CensusReported req;
    req.set_unit_id(unit.id);
    req.set_should_have_organisation_but_none(Chance(10));
    req.set_leadership_incomplete(Chance(20));
    const v1::OrganisationCondition conditions[] = {
        v1::ORGANISATION_CONDITION_NORMAL, v1::ORGANISATION_CONDITION_NORMAL,
        v1::ORGANISATION_CONDITION_WEAK_AND_LAX,
        v1::ORGANISATION_CONDITION_PARALYSED};
    req.set_condition(conditions[Rand(4)]);
    req.set_secretary_able_to_lead(Chance(80));
    v1::FloatingMembers* f = req.mutable_floating();
    const uint32_t total = Rand(10);
    f->set_total(total);
    f->set_relation_transferred(total / 3);
    f->set_temporary_relation(total / 3);
    f->set_with_certificate(total / 2);
    f->set_contactable(total - total / 4);
    f->set_not_contactable(total / 4);
    for (int i = 0, n = Rand(3); i < n; ++i) {
      v1::CensusProblem* p = req.add_main_problems();
      p->set_problem_id(absl::StrCat("P", i + 1));
      p->set_description("a problem");
    }
    auto d = domain::DecideReportCensus(s, unit.id, req);
    if (Accepted(d)) Emit(stream, *d), emitted = true;
  } else if (s.report.main_problems_size() > 0) {
    v1::CensusProblemResolved req;
    req.set_unit_id(unit.id);
    req.set_problem_id(
        s.report.main_problems(Rand(s.report.main_problems_size()))
            .problem_id());
    req.set_resolution("resolved");
    auto d = domain::DecideResolveCensusProblem(s, unit.id, req);
    if (Accepted(d)) Emit(stream, *d), emitted = true;
  }
  if (emitted) Check(domain::ApplyCensusEvent(s, last_));
  return emitted;
}

}  // namespace reporting::projector
