// The unit's fold: its stream's events -> UnitState (unit.h).
#include "absl/strings/str_cat.h"
#include "services/domain/event_payload.h"
#include "services/domain/unit.h"
#include "services/domain/unit_internal.h"

namespace reporting::domain {

namespace {

bool IsTransitionEvent(const v1::EventEnvelope& event) {
  return Is<v1::SelfInspectionCheckRecorded>(event) ||
         Is<v1::SelfInspectionCompleted>(event) ||
         Is<v1::SatisfactionSurveyRecorded>(event) ||
         Is<v1::RemediationRecorded>(event) ||
         Is<v1::TransitionReportSubmitted>(event) ||
         Is<v1::SupervisoryReviewRecorded>(event) ||
         Is<v1::TransitionApprovalRecorded>(event) ||
         Is<v1::TransitionMeetingHeld>(event);
}

// Folds one transition or summary event; other types are skipped.
absl::Status ApplyTransitionEvent(UnitState& s,
                                  const v1::EventEnvelope& event) {
  s.version = event.stream_version();
  TransitionProgress& t = s.transition;
  // Registration starts the transition; each step's event moves it (a work
  // summary is a record, not a step).
  if (Is<v1::UnitRegistered>(event) || IsTransitionEvent(event)) {
    s.step_since_us = event.recorded_at_us();
  }
  if (Is<v1::SelfInspectionCheckRecorded>(event)) {
    v1::SelfInspectionCheckRecorded m;
    if (auto st = ParseForFold("unit", event, m); !st.ok()) return st;
    t.checks[m.check()] = m.passed();
    t.findings[m.check()] = m.finding();
  } else if (Is<v1::SelfInspectionCompleted>(event)) {
    t.self_inspection_completed = true;
  } else if (Is<v1::SatisfactionSurveyRecorded>(event)) {
    v1::SatisfactionSurveyRecorded m;
    if (auto st = ParseForFold("unit", event, m); !st.ok()) return st;
    SurveyRecord r;
    r.survey_number = m.survey_number();
    r.respondents = m.respondents();
    r.satisfied = m.satisfied();
    r.basically_satisfied = m.basically_satisfied();
    r.dissatisfied = m.dissatisfied();
    t.surveys.push_back(r);
  } else if (Is<v1::RemediationRecorded>(event)) {
    if (!t.surveys.empty()) t.surveys.back().remediation_recorded = true;
  } else if (Is<v1::TransitionReportSubmitted>(event)) {
    t.report_submitted = true;
    t.review_passed = false;
    t.approved = false;
    t.sent_back = SentBack::kNone;
    t.sent_back_comments.clear();
  } else if (Is<v1::SupervisoryReviewRecorded>(event)) {
    v1::SupervisoryReviewRecorded m;
    if (auto st = ParseForFold("unit", event, m); !st.ok()) return st;
    if (m.passed()) {
      t.review_passed = true;
    } else {
      t.report_submitted = false;
      t.sent_back = SentBack::kReviewReturned;
      t.sent_back_comments = m.comments();
    }
  } else if (Is<v1::TransitionApprovalRecorded>(event)) {
    v1::TransitionApprovalRecorded m;
    if (auto st = ParseForFold("unit", event, m); !st.ok()) return st;
    if (m.approved()) {
      t.approved = true;
    } else {
      t.report_submitted = false;
      t.review_passed = false;
      t.sent_back = SentBack::kApprovalRejected;
      t.sent_back_comments = m.comments();
    }
  } else if (Is<v1::TransitionMeetingHeld>(event)) {
    v1::TransitionMeetingHeld m;
    if (auto st = ParseForFold("unit", event, m); !st.ok()) return st;
    s.stage = m.next_stage();
    t = TransitionProgress();
  } else if (Is<v1::StageWorkSummaryFiled>(event)) {
    v1::StageWorkSummaryFiled m;
    if (auto st = ParseForFold("unit", event, m); !st.ok()) return st;
    s.summaries[m.stage()] = m;
  }
  return absl::OkStatus();
}

}  // namespace

namespace unit_internal {

v1::Stage StageAfter(v1::Stage stage) {
  switch (stage) {
    case v1::STAGE_STUDY_MOBILISATION:
      return v1::STAGE_ANALYSIS_EVALUATION;
    case v1::STAGE_ANALYSIS_EVALUATION:
      return v1::STAGE_RECTIFICATION_IMPROVEMENT;
    default:
      return v1::STAGE_COMPLETED;
  }
}

}  // namespace unit_internal

absl::StatusOr<UnitState> FoldUnit(
    const std::vector<v1::EventEnvelope>& events) {
  UnitState s;
  absl::StatusOr<Roster> roster = FoldRoster(events);
  if (!roster.ok()) return roster.status();
  s.roster = *std::move(roster);
  if (s.roster.unit_registered) s.stage = v1::STAGE_STUDY_MOBILISATION;
  for (const v1::EventEnvelope& event : events) {
    if (absl::Status error = ApplyTransitionEvent(s, event); !error.ok()) {
      return error;
    }
  }
  return s;
}

absl::Status ApplyUnitEvent(UnitState& s, const v1::EventEnvelope& event) {
  if (absl::Status error = ApplyRosterEvent(s.roster, event); !error.ok()) {
    return error;
  }
  if (s.roster.unit_registered && s.stage == v1::STAGE_UNSPECIFIED) {
    s.stage = v1::STAGE_STUDY_MOBILISATION;
  }
  return ApplyTransitionEvent(s, event);
}

v1::TransitionStep NextStep(const UnitState& s) {
  if (!s.registered() || s.stage == v1::STAGE_COMPLETED ||
      s.stage == v1::STAGE_UNSPECIFIED) {
    return v1::TRANSITION_STEP_UNSPECIFIED;
  }
  const TransitionProgress& t = s.transition;
  if (!t.self_inspection_completed) return v1::TRANSITION_STEP_SELF_INSPECTION;
  if (t.surveys.empty() || OverTenPercent(t.surveys.back())) {
    return v1::TRANSITION_STEP_SURVEY;
  }
  if (!t.report_submitted) return v1::TRANSITION_STEP_REPORT;
  if (!t.review_passed) return v1::TRANSITION_STEP_SUPERVISORY_REVIEW;
  if (!t.approved) return v1::TRANSITION_STEP_APPROVAL;
  return v1::TRANSITION_STEP_MEETING;
}

bool NeedsMemberEvaluations(const UnitState& s) {
  return s.registered() && s.stage == v1::STAGE_ANALYSIS_EVALUATION;
}

}  // namespace reporting::domain
