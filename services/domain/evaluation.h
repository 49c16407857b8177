// Member evaluation (评议意见): one opinion per member per batch, stream
// "evaluation/<member_id>/<batch number>". DOMAIN.md aggregate 1.
//
// Life of an opinion (phase after each event):
//
//   EvaluationRecorded ─▶ RECORDED ─Shown─▶ SHOWN ─Signed─▶ SIGNED (final)
//                            ▲                │
//                            └──Revised── DISPUTED ◀─Disputed
//
// Rules:
// - Recorded once per member and batch (ALREADY_EXISTS after), with a
//   rating and at least one non-blank shortcoming (INVALID_ARGUMENT:
//   实事求是地提出缺点和不足). Revisions need the same.
// - Shown only when RECORDED (first record or a revision not yet shown).
// - Signed only when SHOWN: not before it was shown, not twice, not while
//   disputed, not after a revision that was not shown again.
// - Disputed only when SHOWN; revised only when DISPUTED; a revised opinion
//   is RECORDED again and must be shown again.
// - Feedback (反馈) once the opinion has been shown at least once (feedback
//   is on an opinion the member has seen); may be given more than once.
// - A transformation measure with a named helper (教育转化措施, 帮教责任)
//   only when the current rating is basically qualified or unqualified;
//   measure and helper are required. It may be reassigned (another helper)
//   until it is completed; completed once, with its outcome.
//
// Pure functions (no I/O, no clock); thread-compatible.
#ifndef REPORTING_SERVICES_DOMAIN_EVALUATION_H_
#define REPORTING_SERVICES_DOMAIN_EVALUATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"
#include "services/domain/registration.h"

namespace reporting::domain {

enum class EvaluationPhase {
  kNone,      // no opinion recorded
  kRecorded,  // recorded or revised, not shown since
  kShown,     // shown, awaiting signature or dispute
  kDisputed,  // disputed, awaiting revision
  kSigned,    // acknowledged and signed: final
};

// Basically qualified and unqualified members need a transformation measure.
bool NeedsTransformation(v1::Rating rating);

struct EvaluationState {
  EvaluationPhase phase = EvaluationPhase::kNone;
  std::string member_id;
  std::string unit_id;
  std::string branch_id;
  v1::Batch batch = v1::BATCH_UNSPECIFIED;
  v1::Rating rating = v1::RATING_UNSPECIFIED;  // current (after revisions)
  std::vector<std::string> shortcomings;       // current
  uint32_t revisions = 0;
  bool ever_shown = false;
  std::string signed_on;
  std::string dispute_reason;  // of the latest dispute
  uint32_t feedback_count = 0;
  std::string measure;      // transformation measure; empty: none
  std::string helper_name;  // its helper
  bool measure_completed = false;
  uint64_t version = 0;  // stream version folded

  bool recorded() const { return phase != EvaluationPhase::kNone; }
  bool is_signed() const { return phase == EvaluationPhase::kSigned; }
  // Current rating needs a measure.
  bool transformation_required() const {
    return recorded() && NeedsTransformation(rating);
  }
  // A measure with a named helper is assigned (completed or not).
  bool has_measure_with_helper() const {
    return !measure.empty() && !helper_name.empty();
  }
};

// Folds the events of one evaluation stream (in stream order). INTERNAL
// when a stored payload does not parse; unknown event types are skipped.
absl::StatusOr<EvaluationState> FoldEvaluation(
    const std::vector<v1::EventEnvelope>& events);

// Folds one event of an evaluation stream into `state` (FoldEvaluation is
// this over the stream), for followers that see one event at a time.
absl::Status ApplyEvaluationEvent(EvaluationState& state,
                                  const v1::EventEnvelope& event);

// Payload messages that ApplyEvaluationEvent parses into, kept by a caller
// that folds many events (the city's projector, one per thread) so that
// each event does not build and free a fresh message.
struct EvaluationPayloads {
  v1::EvaluationRecorded recorded;
  v1::EvaluationSigned signed_;
  v1::EvaluationDisputed disputed;
  v1::EvaluationRevised revised;
  v1::TransformationMeasureAssigned assigned;
};
// ApplyEvaluationEvent with its payloads parsed into `scratch`; the same
// result (the two-argument form is this with a fresh scratch).
absl::Status ApplyEvaluationEvent(EvaluationState& state,
                                  const v1::EventEnvelope& event,
                                  EvaluationPayloads& scratch);

// ---- Decisions: state + request -> the event to record, or a refusal
// whose message names the member and says what to do.

// Fills unit_id, branch_id and batch from the roster (given values must
// match it).
absl::StatusOr<v1::EvaluationRecorded> DecideRecordEvaluation(
    const EvaluationState& state, const RosterMember& member,
    const v1::EvaluationRecorded& request);
absl::StatusOr<v1::EvaluationShown> DecideShowEvaluation(
    const EvaluationState& state, const v1::EvaluationShown& request);
absl::StatusOr<v1::EvaluationSigned> DecideSignEvaluation(
    const EvaluationState& state, const v1::EvaluationSigned& request);
absl::StatusOr<v1::EvaluationDisputed> DecideDisputeEvaluation(
    const EvaluationState& state, const v1::EvaluationDisputed& request);
absl::StatusOr<v1::EvaluationRevised> DecideReviseEvaluation(
    const EvaluationState& state, const v1::EvaluationRevised& request);
absl::StatusOr<v1::EvaluationFeedbackGiven> DecideGiveFeedback(
    const EvaluationState& state, const v1::EvaluationFeedbackGiven& request);
absl::StatusOr<v1::TransformationMeasureAssigned> DecideAssignMeasure(
    const EvaluationState& state,
    const v1::TransformationMeasureAssigned& request);
absl::StatusOr<v1::TransformationMeasureCompleted> DecideCompleteMeasure(
    const EvaluationState& state,
    const v1::TransformationMeasureCompleted& request);

// "excellent", "qualified", "basically qualified", "unqualified".
std::string RatingName(v1::Rating rating);

}  // namespace reporting::domain

#endif  // REPORTING_SERVICES_DOMAIN_EVALUATION_H_
