// The unit aggregate (单位): the fold of stream "unit/<unit_id>" and the pure
// decisions of the stage transition (转段, six steps) and the stage work
// summary (工作总结). DOMAIN.md sections "The campaign" and 4.
//
// The stream holds UnitRegistered, the roster (BranchRegistered,
// MemberRegistered), every transition event of every stage and the work
// summaries, so one read gives the unit's whole state.
//
// Rules (each decision below names the ones it enforces):
// - Six steps strictly in order: self-inspection (eight look-back checks,
//   then "completed"), satisfaction survey, transition report, supervisory
//   review, approval, transition meeting. A command for a step that is not
//   the next one is FAILED_PRECONDITION; the message says what blocks.
// - A survey with more than 10% dissatisfied (dissatisfied * 10 >
//   respondents; exactly 10% passes) requires remediation (补课) and a new
//   survey; until a survey passes the report is refused.
// - Approval (step 5) names the level that decided: the city leading group
//   for the node's own leadership (UnitRegistered.node_leadership: the
//   county's or district's committee, a city department's party group),
//   the next level up for every other unit. The wrong one is
//   FAILED_PRECONDITION, none INVALID_ARGUMENT.
// - A returned review or a rejected approval sends the unit back to step 3:
//   the report is submitted again, then reviewed and approved again.
// - After the meeting the unit is in the next stage (STAGE_COMPLETED after
//   stage 3) and the transition starts afresh.
// - Leaving analysis-and-evaluation (分析评议): every member the unit
//   reported must be registered, and every registered member needs an
//   opinion for the unit's batch that is signed, and, when rated basically
//   qualified or unqualified, an education-transformation measure with a
//   named helper. This gate applies to every transition command from
//   CompleteSelfInspection up to and including the meeting (the moment the
//   unit leaves the stage), so a member registered late cannot slip
//   through; recording look-back checks is not gated.
// - Work summary (source silent on timing; our decision): filed once per
//   stage, for the current stage or any stage the unit has finished; the
//   summary is a record (备案) for the city office, not a gate of the
//   transition. All seven parts are required.
//
// Blocking reasons: BlockingReasons() lists what blocks the unit's next
// step. Refusals are built from the same list, so GetBlockingReasons and a
// refused command say the same thing.
//
// Everything here is pure (no I/O, no clock: dates are passed in) and
// thread-compatible.
#ifndef REPORTING_SERVICES_DOMAIN_UNIT_H_
#define REPORTING_SERVICES_DOMAIN_UNIT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "reporting/v1/clerk.pb.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"
#include "services/domain/evaluation.h"
#include "services/domain/registration.h"

namespace reporting::domain {

inline constexpr int kLookBackCheckCount = 8;

// One satisfaction survey of the current stage.
struct SurveyRecord {
  uint32_t survey_number = 0;
  uint32_t respondents = 0;
  uint32_t satisfied = 0;
  uint32_t basically_satisfied = 0;
  uint32_t dissatisfied = 0;
  // Remediation (补课) recorded after this survey.
  bool remediation_recorded = false;
};

// More than 10% dissatisfied, in integers: dissatisfied * 10 > respondents.
bool OverTenPercent(const SurveyRecord& survey);
// Percentage dissatisfied, 0..100 (0 when nobody responded).
double DissatisfiedPercent(const SurveyRecord& survey);
// "12.5%", "20%": one decimal at most, for messages.
std::string DissatisfiedPercentText(const SurveyRecord& survey);

// How the unit was last sent back to step 3, if it was.
enum class SentBack { kNone, kReviewReturned, kApprovalRejected };

// Progress of the transition out of the current stage. Reset when the unit
// enters the next stage.
struct TransitionProgress {
  // Latest record of each look-back check: passed or not, and its finding.
  std::map<v1::LookBackCheck, bool> checks;
  std::map<v1::LookBackCheck, std::string> findings;
  bool self_inspection_completed = false;
  std::vector<SurveyRecord> surveys;  // in order; survey_number = index + 1
  // A report is submitted and not sent back since.
  bool report_submitted = false;
  bool review_passed = false;  // of the current report
  bool approved = false;       // of the current report
  SentBack sent_back = SentBack::kNone;
  std::string sent_back_comments;  // the reviewer's or approver's comments
};

struct UnitState {
  Roster roster;  // registration, branches, members (registration.h)
  v1::Stage stage = v1::STAGE_UNSPECIFIED;
  TransitionProgress transition;
  std::map<v1::Stage, v1::StageWorkSummaryFiled> summaries;
  uint64_t version = 0;  // stream version folded
  // recorded_at_us of the unit's latest registration or transition event
  // (a look-back check, self-inspection completed, a survey, remediation,
  // report, review, approval, meeting; not a work summary): since when the
  // unit stands where it stands. A unit waiting for another level
  // (blocking_side.h) has waited since then.
  int64_t step_since_us = 0;

  bool registered() const { return roster.unit_registered; }
  const std::string& unit_id() const { return roster.unit.unit_id(); }
};

// Folds the unit's stream (in stream order): the roster with FoldRoster,
// the transition and summaries here. INTERNAL when a stored payload does
// not parse; event types that do not belong to the unit are skipped.
absl::StatusOr<UnitState> FoldUnit(
    const std::vector<v1::EventEnvelope>& events);

// Folds one event of the unit's stream into `state`, for followers that see
// one event at a time (the city's projector). Applying a stream's events in
// order gives what FoldUnit gives for the stream.
absl::Status ApplyUnitEvent(UnitState& state, const v1::EventEnvelope& event);

// The next transition step of the unit's current stage;
// TRANSITION_STEP_UNSPECIFIED when unregistered or completed.
v1::TransitionStep NextStep(const UnitState& state);

// Member id -> the member's evaluation in the unit's batch (FoldEvaluation
// of stream "evaluation/<member_id>/<batch number>"); a registered member
// missing here has no opinion recorded.
using EvaluationsByMember = std::map<std::string, EvaluationState>;

// True when the unit's rules need its members' evaluations now: the unit is
// in analysis-and-evaluation (then they gate every transition command
// except RecordSelfInspectionCheck, and appear in BlockingReasons).
bool NeedsMemberEvaluations(const UnitState& state);

// Reasons the unit cannot take or pass its next step, in a stable order:
// the step's own reasons, then (analysis-and-evaluation only) roster and
// evaluation reasons. Empty: nothing blocks.
std::vector<v1::BlockingReason> BlockingReasons(
    const UnitState& state, const EvaluationsByMember& evaluations);

// ---- Decisions. Each checks the request (INVALID_ARGUMENT), then the
// state (NOT_FOUND for an unregistered unit, FAILED_PRECONDITION for a
// step out of order, ALREADY_EXISTS for a second summary), and returns the
// event to record, with the fields the node derives filled in (stage when
// left unspecified, survey_number, next_stage, dates left empty = today).
// `today` is the node's date, "YYYY-MM-DD".

absl::StatusOr<v1::SelfInspectionCheckRecorded> DecideRecordSelfInspectionCheck(
    const UnitState& state, const v1::SelfInspectionCheckRecorded& request);

absl::StatusOr<v1::SelfInspectionCompleted> DecideCompleteSelfInspection(
    const UnitState& state, const EvaluationsByMember& evaluations,
    const v1::SelfInspectionCompleted& request);

absl::StatusOr<v1::SatisfactionSurveyRecorded> DecideRecordSurvey(
    const UnitState& state, const EvaluationsByMember& evaluations,
    const v1::SatisfactionSurveyRecorded& request);

absl::StatusOr<v1::RemediationRecorded> DecideRecordRemediation(
    const UnitState& state, const EvaluationsByMember& evaluations,
    const v1::RemediationRecorded& request);

absl::StatusOr<v1::TransitionReportSubmitted> DecideSubmitTransitionReport(
    const UnitState& state, const EvaluationsByMember& evaluations,
    const v1::TransitionReportSubmitted& request);

absl::StatusOr<v1::SupervisoryReviewRecorded> DecideRecordSupervisoryReview(
    const UnitState& state, const EvaluationsByMember& evaluations,
    const v1::SupervisoryReviewRecorded& request);

absl::StatusOr<v1::TransitionApprovalRecorded> DecideRecordApproval(
    const UnitState& state, const EvaluationsByMember& evaluations,
    const v1::TransitionApprovalRecorded& request);

absl::StatusOr<v1::TransitionMeetingHeld> DecideHoldTransitionMeeting(
    const UnitState& state, const EvaluationsByMember& evaluations,
    const v1::TransitionMeetingHeld& request, absl::string_view today);

absl::StatusOr<v1::StageWorkSummaryFiled> DecideFileWorkSummary(
    const UnitState& state, const v1::StageWorkSummaryFiled& request);

// Names for messages: "analysis and evaluation", "transition report
// (step 3)", "ideological understanding".
std::string StageName(v1::Stage stage);
std::string StepName(v1::TransitionStep step);
std::string CheckName(v1::LookBackCheck check);

}  // namespace reporting::domain

#endif  // REPORTING_SERVICES_DOMAIN_UNIT_H_
