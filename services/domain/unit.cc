#include "services/domain/unit.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/domain/dates.h"
#include "services/domain/event_payload.h"
#include "services/domain/text.h"

namespace reporting::domain {
namespace {

using v1::BlockingReason;
using v1::BlockingReasonCode;

// Refusal messages list at most this many reasons; GetBlockingReasons has
// them all.
constexpr size_t kMaxReasonsInMessage = 5;

template <typename M>
absl::Status Parse(const v1::EventEnvelope& event, M& message) {
  if (!message.ParseFromString(event.payload())) {
    return absl::InternalError(absl::StrCat(
        "unit fold: cannot parse ", event.event_type(), " at sequence ",
        event.sequence(), " of stream ", event.stream_id()));
  }
  return absl::OkStatus();
}

BlockingReason Reason(BlockingReasonCode code, std::string message,
                      std::string subject = "") {
  BlockingReason r;
  r.set_code(code);
  r.set_message(std::move(message));
  r.set_subject(std::move(subject));
  return r;
}

std::string BatchName(v1::Batch batch) {
  switch (batch) {
    case v1::BATCH_FIRST:
      return "first";
    case v1::BATCH_SECOND:
      return "second";
    default:
      return "unspecified";
  }
}

// Reasons of the transition step itself.
void StepReasons(const UnitState& s, std::vector<BlockingReason>& out) {
  const TransitionProgress& t = s.transition;
  switch (NextStep(s)) {
    case v1::TRANSITION_STEP_SELF_INSPECTION:
      for (int c = 1; c <= kLookBackCheckCount; ++c) {
        const auto check = static_cast<v1::LookBackCheck>(c);
        auto it = t.checks.find(check);
        if (it == t.checks.end()) {
          out.push_back(
              Reason(v1::BLOCKING_REASON_CODE_SELF_INSPECTION_INCOMPLETE,
                     absl::StrCat("look-back check ", c, " (", CheckName(check),
                                  ") is not recorded yet"),
                     v1::LookBackCheck_Name(check)));
        } else if (!it->second) {
          out.push_back(
              Reason(v1::BLOCKING_REASON_CODE_SELF_INSPECTION_INCOMPLETE,
                     absl::StrCat("look-back check ", c, " (", CheckName(check),
                                  ") is recorded as not passed (",
                                  t.findings.at(check),
                                  "); record it again once it passes"),
                     v1::LookBackCheck_Name(check)));
        }
      }
      break;
    case v1::TRANSITION_STEP_SURVEY:
      if (t.surveys.empty()) {
        out.push_back(
            Reason(v1::BLOCKING_REASON_CODE_SURVEY_MISSING,
                   absl::StrCat("no satisfaction survey is recorded in stage ",
                                StageName(s.stage),
                                " yet; record the survey (step 2) first")));
      } else {
        const SurveyRecord& last = t.surveys.back();
        const std::string subject = absl::StrCat("survey ", last.survey_number);
        if (!last.remediation_recorded) {
          out.push_back(Reason(
              v1::BLOCKING_REASON_CODE_REMEDIATION_REQUIRED,
              absl::StrCat("latest survey has ", DissatisfiedPercentText(last),
                           " dissatisfied (over 10%); record remediation and "
                           "a new survey first"),
              subject));
        } else {
          out.push_back(Reason(
              v1::BLOCKING_REASON_CODE_RESURVEY_REQUIRED,
              absl::StrCat("remediation is recorded after survey ",
                           last.survey_number, " (",
                           DissatisfiedPercentText(last),
                           " dissatisfied); record a new survey at or under "
                           "10% dissatisfied first"),
              subject));
        }
      }
      break;
    case v1::TRANSITION_STEP_REPORT:
      if (t.sent_back == SentBack::kReviewReturned) {
        out.push_back(
            Reason(v1::BLOCKING_REASON_CODE_REPORT_RETURNED,
                   absl::StrCat("the supervisory group returned the transition "
                                "report (",
                                t.sent_back_comments,
                                "); submit a revised report (step 3)")));
      } else if (t.sent_back == SentBack::kApprovalRejected) {
        out.push_back(
            Reason(v1::BLOCKING_REASON_CODE_APPROVAL_REJECTED,
                   absl::StrCat("the next level up rejected the transition (",
                                t.sent_back_comments,
                                "); submit a revised report (step 3)")));
      }
      break;
    case v1::TRANSITION_STEP_SUPERVISORY_REVIEW:
      out.push_back(
          Reason(v1::BLOCKING_REASON_CODE_AWAITING_REVIEW,
                 "the transition report awaits the supervisory group's "
                 "review (step 4)"));
      break;
    case v1::TRANSITION_STEP_APPROVAL:
      out.push_back(Reason(
          v1::BLOCKING_REASON_CODE_AWAITING_APPROVAL,
          "the supervisory review passed; the transition awaits approval by "
          "the next level up (step 5)"));
      break;
    case v1::TRANSITION_STEP_MEETING:
      out.push_back(
          Reason(v1::BLOCKING_REASON_CODE_AWAITING_MEETING,
                 "the transition is approved; hold the transition meeting "
                 "(step 6)"));
      break;
    default:
      break;
  }
}

// Roster and evaluation reasons; only while in analysis-and-evaluation.
void RosterReasons(const UnitState& s, const EvaluationsByMember& evaluations,
                   std::vector<BlockingReason>& out) {
  if (!NeedsMemberEvaluations(s)) return;
  const auto& members = s.roster.members;
  const uint32_t reported = s.roster.unit.member_count();
  if (members.size() < reported) {
    out.push_back(Reason(
        v1::BLOCKING_REASON_CODE_MEMBERS_NOT_REGISTERED,
        absl::StrCat(members.size(), " of the ", reported,
                     " reported members are registered; register the other ",
                     reported - members.size(),
                     " so that every member is evaluated")));
  }
  for (const auto& [member_id, info] : members) {
    auto it = evaluations.find(member_id);
    if (it == evaluations.end() || !it->second.recorded()) {
      out.push_back(
          Reason(v1::BLOCKING_REASON_CODE_EVALUATION_MISSING,
                 absl::StrCat("member ", member_id,
                              ": no opinion is recorded for the ",
                              BatchName(s.roster.unit.batch()), " batch"),
                 member_id));
      continue;
    }
    const EvaluationState& e = it->second;
    if (!e.is_signed()) {
      std::string what;
      switch (e.phase) {
        case EvaluationPhase::kDisputed:
          what =
              "opinion disputed; revise it, show it again and have it "
              "signed";
          break;
        case EvaluationPhase::kShown:
          what = "opinion shown but not signed";
          break;
        default:
          what = "opinion not yet shown to the member for signing";
          break;
      }
      out.push_back(Reason(v1::BLOCKING_REASON_CODE_EVALUATION_UNSIGNED,
                           absl::StrCat("member ", member_id, ": ", what),
                           member_id));
    }
    if (e.transformation_required() && !e.has_measure_with_helper()) {
      out.push_back(Reason(
          v1::BLOCKING_REASON_CODE_TRANSFORMATION_MEASURE_MISSING,
          absl::StrCat("member ", member_id, " is rated ", RatingName(e.rating),
                       ": assign an education-transformation measure with a "
                       "named helper"),
          member_id));
    }
  }
}

absl::Status Refuse(absl::string_view unit_id, absl::string_view action,
                    const std::vector<BlockingReason>& reasons) {
  std::vector<std::string> messages;
  for (size_t i = 0; i < reasons.size() && i < kMaxReasonsInMessage; ++i) {
    messages.push_back(reasons[i].message());
  }
  std::string more;
  if (reasons.size() > kMaxReasonsInMessage) {
    more = absl::StrCat("; and ", reasons.size() - kMaxReasonsInMessage,
                        " more (see GetBlockingReasons)");
  }
  return absl::FailedPreconditionError(
      absl::StrCat("unit ", unit_id, " cannot ", action, ": ",
                   absl::StrJoin(messages, "; "), more));
}

// The unit exists, is not completed, and `requested` (the stage named in
// the request; UNSPECIFIED = current) is its current stage.
absl::Status CheckUnitAndStage(const UnitState& s, absl::string_view unit_id,
                               v1::Stage requested, absl::string_view action) {
  if (requested != v1::STAGE_UNSPECIFIED &&
      (!v1::Stage_IsValid(requested) || requested == v1::STAGE_COMPLETED)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unit ", unit_id, ": stage ", static_cast<int>(requested),
                     " is not a stage a unit transitions out of (1..3)"));
  }
  if (absl::Status error = RequireUnit(s.roster, unit_id); !error.ok()) {
    return error;
  }
  if (s.stage == v1::STAGE_COMPLETED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "unit ", unit_id, " cannot ", action,
        ": it has completed all three stages; no transition is left"));
  }
  if (requested != v1::STAGE_UNSPECIFIED && requested != s.stage) {
    return absl::FailedPreconditionError(
        absl::StrCat("unit ", unit_id, " cannot ", action, ": it is in stage ",
                     StageName(s.stage), ", not ", StageName(requested)));
  }
  return absl::OkStatus();
}

// DOMAIN.md §4 step 5: the city leading group approves the node's own
// leadership's report, the next level up every other unit's.
absl::Status CheckApprover(const UnitState& s, absl::string_view unit_id,
                           v1::Approver approver) {
  if (s.roster.unit.node_leadership()) {
    if (approver == v1::APPROVER_CITY_LEADING_GROUP) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "unit ", unit_id,
        " is the node's own leadership: its transition report is approved "
        "by the city leading group (approver 2), not the next level up"));
  }
  if (approver == v1::APPROVER_NEXT_LEVEL_UP) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "unit ", unit_id,
      "'s transition report is approved by the next level up (approver 1); "
      "the city leading group approves only a node's own leadership"));
}

// The command belongs to `step`; refuses unless it is the next step.
absl::Status CheckStep(const UnitState& s,
                       const EvaluationsByMember& evaluations,
                       v1::TransitionStep step, absl::string_view action) {
  const v1::TransitionStep next = NextStep(s);
  if (next == step) return absl::OkStatus();
  if (step < next) {
    return absl::FailedPreconditionError(absl::StrCat(
        "unit ", s.unit_id(), " cannot ", action, ": the ", StepName(step),
        " is already done in stage ", StageName(s.stage),
        "; the next step is the ", StepName(next)));
  }
  std::vector<BlockingReason> reasons = BlockingReasons(s, evaluations);
  if (reasons.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "unit ", s.unit_id(), " cannot ", action, ": the next step is the ",
        StepName(next), "; take it first"));
  }
  return Refuse(s.unit_id(), action, reasons);
}

// In analysis-and-evaluation, refuses while the roster or an evaluation
// blocks leaving the stage.
absl::Status CheckRoster(const UnitState& s,
                         const EvaluationsByMember& evaluations,
                         absl::string_view action) {
  std::vector<BlockingReason> reasons;
  RosterReasons(s, evaluations, reasons);
  if (reasons.empty()) return absl::OkStatus();
  return Refuse(s.unit_id(), action, reasons);
}

absl::Status RequireField(absl::string_view unit_id, absl::string_view field,
                          absl::string_view value) {
  if (IsBlank(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unit ", unit_id, ": ", field, " is required"));
  }
  return absl::OkStatus();
}

absl::Status CheckDate(absl::string_view unit_id, absl::string_view field,
                       absl::string_view value) {
  if (!value.empty() && !IsValidDate(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unit ", unit_id, ": ", field, " \"", value,
                     "\" is not a date (YYYY-MM-DD)"));
  }
  return absl::OkStatus();
}

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
    if (auto st = Parse(event, m); !st.ok()) return st;
    t.checks[m.check()] = m.passed();
    t.findings[m.check()] = m.finding();
  } else if (Is<v1::SelfInspectionCompleted>(event)) {
    t.self_inspection_completed = true;
  } else if (Is<v1::SatisfactionSurveyRecorded>(event)) {
    v1::SatisfactionSurveyRecorded m;
    if (auto st = Parse(event, m); !st.ok()) return st;
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
    if (auto st = Parse(event, m); !st.ok()) return st;
    if (m.passed()) {
      t.review_passed = true;
    } else {
      t.report_submitted = false;
      t.sent_back = SentBack::kReviewReturned;
      t.sent_back_comments = m.comments();
    }
  } else if (Is<v1::TransitionApprovalRecorded>(event)) {
    v1::TransitionApprovalRecorded m;
    if (auto st = Parse(event, m); !st.ok()) return st;
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
    if (auto st = Parse(event, m); !st.ok()) return st;
    s.stage = m.next_stage();
    t = TransitionProgress();
  } else if (Is<v1::StageWorkSummaryFiled>(event)) {
    v1::StageWorkSummaryFiled m;
    if (auto st = Parse(event, m); !st.ok()) return st;
    s.summaries[m.stage()] = m;
  }
  return absl::OkStatus();
}

}  // namespace

bool OverTenPercent(const SurveyRecord& survey) {
  return static_cast<uint64_t>(survey.dissatisfied) * 10 > survey.respondents;
}

double DissatisfiedPercent(const SurveyRecord& survey) {
  if (survey.respondents == 0) return 0;
  return 100.0 * survey.dissatisfied / survey.respondents;
}

std::string DissatisfiedPercentText(const SurveyRecord& survey) {
  if (survey.respondents == 0) return "0%";
  // Tenths of a percent, rounded half up, in integers.
  const uint64_t tenths =
      (static_cast<uint64_t>(survey.dissatisfied) * 2000 + survey.respondents) /
      (2 * static_cast<uint64_t>(survey.respondents));
  if (tenths % 10 == 0) return absl::StrCat(tenths / 10, "%");
  return absl::StrCat(tenths / 10, ".", tenths % 10, "%");
}

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

std::vector<BlockingReason> BlockingReasons(
    const UnitState& s, const EvaluationsByMember& evaluations) {
  std::vector<BlockingReason> out;
  if (NextStep(s) == v1::TRANSITION_STEP_UNSPECIFIED) return out;
  StepReasons(s, out);
  RosterReasons(s, evaluations, out);
  return out;
}

absl::StatusOr<v1::SelfInspectionCheckRecorded> DecideRecordSelfInspectionCheck(
    const UnitState& s, const v1::SelfInspectionCheckRecorded& request) {
  const std::string& id = request.unit_id();
  const auto check = request.check();
  if (check == v1::LOOK_BACK_CHECK_UNSPECIFIED ||
      !v1::LookBackCheck_IsValid(check)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", id, ": look-back check must be one of the eight (1..8), got ",
        static_cast<int>(check)));
  }
  if (auto st = RequireField(id, "the check's finding", request.finding());
      !st.ok()) {
    return st;
  }
  constexpr absl::string_view kAction = "record a look-back check";
  if (auto st = CheckUnitAndStage(s, id, request.stage(), kAction); !st.ok()) {
    return st;
  }
  if (NextStep(s) != v1::TRANSITION_STEP_SELF_INSPECTION) {
    return absl::FailedPreconditionError(
        absl::StrCat("unit ", id, " cannot ", kAction,
                     ": self-inspection (step 1) of stage ", StageName(s.stage),
                     " is already completed"));
  }
  v1::SelfInspectionCheckRecorded event = request;
  event.set_stage(s.stage);
  return event;
}

absl::StatusOr<v1::SelfInspectionCompleted> DecideCompleteSelfInspection(
    const UnitState& s, const EvaluationsByMember& evaluations,
    const v1::SelfInspectionCompleted& request) {
  const std::string& id = request.unit_id();
  constexpr absl::string_view kAction = "complete its self-inspection";
  if (auto st = CheckUnitAndStage(s, id, request.stage(), kAction); !st.ok()) {
    return st;
  }
  if (auto st = CheckStep(s, evaluations, v1::TRANSITION_STEP_SELF_INSPECTION,
                          kAction);
      !st.ok()) {
    return st;
  }
  std::vector<BlockingReason> reasons = BlockingReasons(s, evaluations);
  if (!reasons.empty()) return Refuse(id, kAction, reasons);
  v1::SelfInspectionCompleted event = request;
  event.set_stage(s.stage);
  return event;
}

absl::StatusOr<v1::SatisfactionSurveyRecorded> DecideRecordSurvey(
    const UnitState& s, const EvaluationsByMember& evaluations,
    const v1::SatisfactionSurveyRecorded& request) {
  const std::string& id = request.unit_id();
  const uint64_t respondents = request.respondents();
  if (respondents == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("unit ", id, ": a survey needs at least one respondent"));
  }
  if (request.dissatisfied() > respondents) {
    return absl::InvalidArgumentError(
        absl::StrCat("unit ", id, ": survey has ", request.dissatisfied(),
                     " dissatisfied but only ", respondents, " respondents"));
  }
  const uint64_t answered = static_cast<uint64_t>(request.satisfied()) +
                            request.basically_satisfied() +
                            request.dissatisfied();
  if (answered > respondents) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", id,
        ": survey has satisfied + basically satisfied + "
        "dissatisfied = ",
        answered, ", more than its ", respondents, " respondents"));
  }
  constexpr absl::string_view kAction = "record a satisfaction survey";
  if (auto st = CheckUnitAndStage(s, id, request.stage(), kAction); !st.ok()) {
    return st;
  }
  if (auto st = CheckStep(s, evaluations, v1::TRANSITION_STEP_SURVEY, kAction);
      !st.ok()) {
    return st;
  }
  const std::vector<SurveyRecord>& surveys = s.transition.surveys;
  if (!surveys.empty() && !surveys.back().remediation_recorded) {
    // The latest survey is over 10% (else the next step would be the
    // report): remediation comes before a new survey.
    std::vector<BlockingReason> reasons;
    StepReasons(s, reasons);
    return Refuse(id, kAction, reasons);
  }
  if (auto st = CheckRoster(s, evaluations, kAction); !st.ok()) return st;
  const uint32_t number = static_cast<uint32_t>(surveys.size()) + 1;
  if (request.survey_number() != 0 && request.survey_number() != number) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", id,
        ": survey_number is assigned by the node; this would be "
        "survey ",
        number, ", not ", request.survey_number(), " (leave it 0)"));
  }
  v1::SatisfactionSurveyRecorded event = request;
  event.set_stage(s.stage);
  event.set_survey_number(number);
  return event;
}

absl::StatusOr<v1::RemediationRecorded> DecideRecordRemediation(
    const UnitState& s, const EvaluationsByMember& evaluations,
    const v1::RemediationRecorded& request) {
  const std::string& id = request.unit_id();
  if (auto st =
          RequireField(id, "the remediation measures", request.measures());
      !st.ok()) {
    return st;
  }
  constexpr absl::string_view kAction = "record remediation";
  if (auto st = CheckUnitAndStage(s, id, request.stage(), kAction); !st.ok()) {
    return st;
  }
  if (auto st = CheckStep(s, evaluations, v1::TRANSITION_STEP_SURVEY, kAction);
      !st.ok()) {
    return st;
  }
  const std::vector<SurveyRecord>& surveys = s.transition.surveys;
  if (surveys.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "unit ", id, " cannot ", kAction, ": no survey is recorded in stage ",
        StageName(s.stage),
        " yet; remediation follows a survey over 10% dissatisfied"));
  }
  if (surveys.back().remediation_recorded) {
    return absl::FailedPreconditionError(
        absl::StrCat("unit ", id, " cannot ", kAction,
                     ": remediation is already recorded after survey ",
                     surveys.back().survey_number, "; record a new survey"));
  }
  if (auto st = CheckRoster(s, evaluations, kAction); !st.ok()) return st;
  v1::RemediationRecorded event = request;
  event.set_stage(s.stage);
  return event;
}

absl::StatusOr<v1::TransitionReportSubmitted> DecideSubmitTransitionReport(
    const UnitState& s, const EvaluationsByMember& evaluations,
    const v1::TransitionReportSubmitted& request) {
  const std::string& id = request.unit_id();
  if (auto st = RequireField(id, "the report's situation", request.situation());
      !st.ok()) {
    return st;
  }
  if (auto st = RequireField(id, "the report's satisfaction result",
                             request.satisfaction_result());
      !st.ok()) {
    return st;
  }
  constexpr absl::string_view kAction = "submit its transition report";
  if (auto st = CheckUnitAndStage(s, id, request.stage(), kAction); !st.ok()) {
    return st;
  }
  // Leaving stage 3 ends the campaign: there is no next stage to plan.
  if (s.stage != v1::STAGE_RECTIFICATION_IMPROVEMENT) {
    if (auto st = RequireField(id, "the report's plan for the next stage",
                               request.next_stage_plan());
        !st.ok()) {
      return st;
    }
  }
  if (auto st = CheckStep(s, evaluations, v1::TRANSITION_STEP_REPORT, kAction);
      !st.ok()) {
    return st;
  }
  if (auto st = CheckRoster(s, evaluations, kAction); !st.ok()) return st;
  v1::TransitionReportSubmitted event = request;
  event.set_stage(s.stage);
  return event;
}

absl::StatusOr<v1::SupervisoryReviewRecorded> DecideRecordSupervisoryReview(
    const UnitState& s, const EvaluationsByMember& evaluations,
    const v1::SupervisoryReviewRecorded& request) {
  const std::string& id = request.unit_id();
  if (auto st = RequireField(id, "the reviewer", request.reviewer());
      !st.ok()) {
    return st;
  }
  if (!request.passed()) {
    if (auto st = RequireField(id, "comments saying why the report is returned",
                               request.comments());
        !st.ok()) {
      return st;
    }
  }
  constexpr absl::string_view kAction = "record the supervisory review";
  if (auto st = CheckUnitAndStage(s, id, request.stage(), kAction); !st.ok()) {
    return st;
  }
  if (auto st = CheckStep(s, evaluations,
                          v1::TRANSITION_STEP_SUPERVISORY_REVIEW, kAction);
      !st.ok()) {
    return st;
  }
  if (auto st = CheckRoster(s, evaluations, kAction); !st.ok()) return st;
  v1::SupervisoryReviewRecorded event = request;
  event.set_stage(s.stage);
  return event;
}

absl::StatusOr<v1::TransitionApprovalRecorded> DecideRecordApproval(
    const UnitState& s, const EvaluationsByMember& evaluations,
    const v1::TransitionApprovalRecorded& request) {
  const std::string& id = request.unit_id();
  if (auto st =
          RequireField(id, "the approving body", request.approving_body());
      !st.ok()) {
    return st;
  }
  if (!request.approved()) {
    if (auto st = RequireField(id, "comments saying why it is rejected",
                               request.comments());
        !st.ok()) {
      return st;
    }
  }
  if (request.approver() != v1::APPROVER_NEXT_LEVEL_UP &&
      request.approver() != v1::APPROVER_CITY_LEADING_GROUP) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", id,
        ": say who approved: approver 1 (the next level up) or 2 (the city "
        "leading group), got ",
        static_cast<int>(request.approver())));
  }
  constexpr absl::string_view kAction = "record the approval";
  if (auto st = CheckUnitAndStage(s, id, request.stage(), kAction); !st.ok()) {
    return st;
  }
  if (auto st =
          CheckStep(s, evaluations, v1::TRANSITION_STEP_APPROVAL, kAction);
      !st.ok()) {
    return st;
  }
  if (auto st = CheckRoster(s, evaluations, kAction); !st.ok()) return st;
  if (auto st = CheckApprover(s, id, request.approver()); !st.ok()) return st;
  v1::TransitionApprovalRecorded event = request;
  event.set_stage(s.stage);
  return event;
}

absl::StatusOr<v1::TransitionMeetingHeld> DecideHoldTransitionMeeting(
    const UnitState& s, const EvaluationsByMember& evaluations,
    const v1::TransitionMeetingHeld& request, absl::string_view today) {
  const std::string& id = request.unit_id();
  if (auto st = RequireField(id, "the party secretary addressing the meeting",
                             request.secretary_name());
      !st.ok()) {
    return st;
  }
  if (auto st = CheckDate(id, "held_on", request.held_on()); !st.ok()) {
    return st;
  }
  constexpr absl::string_view kAction = "hold its transition meeting";
  if (auto st = CheckUnitAndStage(s, id, request.stage(), kAction); !st.ok()) {
    return st;
  }
  const v1::Stage next = StageAfter(s.stage);
  if (request.next_stage() != v1::STAGE_UNSPECIFIED &&
      request.next_stage() != next) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", id, ": next_stage is set by the node; after stage ",
        StageName(s.stage), " it is ", StageName(next), " (leave it unset)"));
  }
  if (auto st = CheckStep(s, evaluations, v1::TRANSITION_STEP_MEETING, kAction);
      !st.ok()) {
    return st;
  }
  if (auto st = CheckRoster(s, evaluations, kAction); !st.ok()) return st;
  v1::TransitionMeetingHeld event = request;
  event.set_stage(s.stage);
  event.set_next_stage(next);
  if (event.held_on().empty()) event.set_held_on(std::string(today));
  return event;
}

absl::StatusOr<v1::StageWorkSummaryFiled> DecideFileWorkSummary(
    const UnitState& s, const v1::StageWorkSummaryFiled& request) {
  const std::string& id = request.unit_id();
  const std::pair<absl::string_view, const std::string*> parts[] = {
      {"basic situation", &request.basic_situation()},
      {"main practices", &request.main_practices()},
      {"initial results", &request.initial_results()},
      {"basic experience", &request.basic_experience()},
      {"prominent problems", &request.prominent_problems()},
      {"improvement measures", &request.improvement_measures()},
      {"suggestions", &request.suggestions()},
  };
  std::vector<absl::string_view> missing;
  for (const auto& [name, value] : parts) {
    if (IsBlank(*value)) missing.push_back(name);
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", id, ": the work summary needs all seven parts; missing: ",
        absl::StrJoin(missing, ", ")));
  }
  v1::Stage stage = request.stage();
  if (stage != v1::STAGE_UNSPECIFIED &&
      (!v1::Stage_IsValid(stage) || stage == v1::STAGE_COMPLETED)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", id, ": a work summary is filed for stage 1, 2 or 3, not ",
        static_cast<int>(stage)));
  }
  if (absl::Status error = RequireUnit(s.roster, id); !error.ok()) return error;
  if (stage == v1::STAGE_UNSPECIFIED) {
    if (s.stage == v1::STAGE_COMPLETED) {
      return absl::InvalidArgumentError(
          absl::StrCat("unit ", id,
                       " has completed the campaign; name the stage the "
                       "summary is for"));
    }
    stage = s.stage;
  }
  if (stage > s.stage) {
    return absl::FailedPreconditionError(absl::StrCat(
        "unit ", id, " cannot file a work summary for stage ", StageName(stage),
        ": it is still in stage ", StageName(s.stage)));
  }
  if (s.summaries.count(stage) != 0) {
    return absl::AlreadyExistsError(absl::StrCat(
        "unit ", id, " has already filed its work summary for stage ",
        StageName(stage)));
  }
  v1::StageWorkSummaryFiled event = request;
  event.set_stage(stage);
  return event;
}

std::string StageName(v1::Stage stage) {
  switch (stage) {
    case v1::STAGE_STUDY_MOBILISATION:
      return "study and mobilisation";
    case v1::STAGE_ANALYSIS_EVALUATION:
      return "analysis and evaluation";
    case v1::STAGE_RECTIFICATION_IMPROVEMENT:
      return "rectification and improvement";
    case v1::STAGE_COMPLETED:
      return "completed";
    default:
      return "unspecified";
  }
}

std::string StepName(v1::TransitionStep step) {
  switch (step) {
    case v1::TRANSITION_STEP_SELF_INSPECTION:
      return "self-inspection (step 1)";
    case v1::TRANSITION_STEP_SURVEY:
      return "satisfaction survey (step 2)";
    case v1::TRANSITION_STEP_REPORT:
      return "transition report (step 3)";
    case v1::TRANSITION_STEP_SUPERVISORY_REVIEW:
      return "supervisory review (step 4)";
    case v1::TRANSITION_STEP_APPROVAL:
      return "approval (step 5)";
    case v1::TRANSITION_STEP_MEETING:
      return "transition meeting (step 6)";
    default:
      return "no step";
  }
}

std::string CheckName(v1::LookBackCheck check) {
  switch (check) {
    case v1::LOOK_BACK_CHECK_IDEOLOGICAL_UNDERSTANDING:
      return "ideological understanding";
    case v1::LOOK_BACK_CHECK_IMPLEMENTATION_MEASURES:
      return "implementation measures";
    case v1::LOOK_BACK_CHECK_PROBLEMS_ACCURACY:
      return "accuracy of problems found";
    case v1::LOOK_BACK_CHECK_CRITICISM_DEPTH:
      return "depth of criticism and self-criticism";
    case v1::LOOK_BACK_CHECK_DEMOCRATIC_EVALUATION:
      return "democratic evaluation";
    case v1::LOOK_BACK_CHECK_FIXING_WHILE_REVIEWING:
      return "fixing while reviewing";
    case v1::LOOK_BACK_CHECK_LEADING_CADRES_EXAMPLE:
      return "leading cadres' example";
    case v1::LOOK_BACK_CHECK_ORGANISATION_LEADERSHIP:
      return "strength of organisation and leadership";
    default:
      return "unknown check";
  }
}

}  // namespace reporting::domain
