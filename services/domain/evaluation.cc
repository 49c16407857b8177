#include "services/domain/evaluation.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/domain/event_payload.h"
#include "services/domain/text.h"

namespace reporting::domain {
namespace {

std::string Subject(const std::string& member_id) {
  return absl::StrCat("member ", member_id);
}

absl::Status CheckRating(const std::string& member_id, v1::Rating rating) {
  if (rating != v1::RATING_UNSPECIFIED && v1::Rating_IsValid(rating)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat(Subject(member_id),
                   ": rating is required: excellent, qualified, "
                   "basically qualified or unqualified"));
}

// 实事求是地提出缺点和不足: at least one shortcoming, none blank.
absl::Status CheckShortcomings(
    const std::string& member_id,
    const google::protobuf::RepeatedPtrField<std::string>& shortcomings) {
  if (shortcomings.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        Subject(member_id),
        ": an opinion must state at least one shortcoming of the member "
        "(实事求是地提出缺点和不足); add the shortcomings and record it "
        "again"));
  }
  for (int i = 0; i < shortcomings.size(); ++i) {
    if (IsBlank(shortcomings[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          Subject(member_id), ": shortcoming ", i + 1,
          " is empty; state each shortcoming in words or remove it"));
    }
  }
  return absl::OkStatus();
}

absl::Status RequireRecorded(const EvaluationState& state,
                             const std::string& member_id,
                             absl::string_view action) {
  if (state.recorded()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      Subject(member_id), ": cannot ", action,
      ": no opinion has been recorded for this batch yet (RecordEvaluation "
      "first)"));
}

// Why the opinion is not in the SHOWN phase, for refusals of sign/dispute.
absl::Status NotShown(const EvaluationState& state,
                      const std::string& member_id, absl::string_view action) {
  const std::string prefix =
      absl::StrCat(Subject(member_id), ": cannot ", action, ": ");
  switch (state.phase) {
    case EvaluationPhase::kNone:
      return RequireRecorded(state, member_id, action);
    case EvaluationPhase::kRecorded:
      if (state.revisions > 0) {
        return absl::FailedPreconditionError(
            absl::StrCat(prefix,
                         "the revised opinion has not been shown to the member "
                         "yet (ShowEvaluation first)"));
      }
      return absl::FailedPreconditionError(absl::StrCat(
          prefix,
          "it has not been shown to the member yet (ShowEvaluation first)"));
    case EvaluationPhase::kDisputed:
      return absl::FailedPreconditionError(absl::StrCat(
          prefix, "the member disputed it (\"", state.dispute_reason,
          "\"); revise it (ReviseEvaluation) and show it again first"));
    case EvaluationPhase::kSigned:
      return absl::FailedPreconditionError(
          absl::StrCat(prefix, "the member already signed it on ",
                       state.signed_on, "; a signed opinion is final"));
    case EvaluationPhase::kShown:
      break;
  }
  return absl::OkStatus();
}

}  // namespace

bool NeedsTransformation(v1::Rating rating) {
  return rating == v1::RATING_BASICALLY_QUALIFIED ||
         rating == v1::RATING_UNQUALIFIED;
}

std::string RatingName(v1::Rating rating) {
  switch (rating) {
    case v1::RATING_EXCELLENT:
      return "excellent";
    case v1::RATING_QUALIFIED:
      return "qualified";
    case v1::RATING_BASICALLY_QUALIFIED:
      return "basically qualified";
    case v1::RATING_UNQUALIFIED:
      return "unqualified";
    default:
      return "unrated";
  }
}

absl::Status ApplyEvaluationEvent(EvaluationState& s,
                                  const v1::EventEnvelope& e) {
  EvaluationPayloads scratch;
  return ApplyEvaluationEvent(s, e, scratch);
}

absl::Status ApplyEvaluationEvent(EvaluationState& s,
                                  const v1::EventEnvelope& e,
                                  EvaluationPayloads& scratch) {
  s.version = e.stream_version();
  if (Is<v1::EvaluationRecorded>(e)) {
    v1::EvaluationRecorded& r = scratch.recorded;
    if (absl::Status error = PayloadInto(e, r); !error.ok()) return error;
    s.phase = EvaluationPhase::kRecorded;
    s.member_id = r.member_id();
    s.unit_id = r.unit_id();
    s.branch_id = r.branch_id();
    s.batch = r.batch();
    s.rating = r.rating();
    s.shortcomings.assign(r.shortcomings().begin(), r.shortcomings().end());
  } else if (Is<v1::EvaluationShown>(e)) {
    s.phase = EvaluationPhase::kShown;
    s.ever_shown = true;
  } else if (Is<v1::EvaluationSigned>(e)) {
    v1::EvaluationSigned& r = scratch.signed_;
    if (absl::Status error = PayloadInto(e, r); !error.ok()) return error;
    s.phase = EvaluationPhase::kSigned;
    s.signed_on = r.signed_on();
  } else if (Is<v1::EvaluationDisputed>(e)) {
    v1::EvaluationDisputed& r = scratch.disputed;
    if (absl::Status error = PayloadInto(e, r); !error.ok()) return error;
    s.phase = EvaluationPhase::kDisputed;
    s.dispute_reason = r.reason();
  } else if (Is<v1::EvaluationRevised>(e)) {
    v1::EvaluationRevised& r = scratch.revised;
    if (absl::Status error = PayloadInto(e, r); !error.ok()) return error;
    s.phase = EvaluationPhase::kRecorded;
    s.rating = r.rating();
    s.shortcomings.assign(r.shortcomings().begin(), r.shortcomings().end());
    ++s.revisions;
  } else if (Is<v1::EvaluationFeedbackGiven>(e)) {
    ++s.feedback_count;
  } else if (Is<v1::TransformationMeasureAssigned>(e)) {
    v1::TransformationMeasureAssigned& r = scratch.assigned;
    if (absl::Status error = PayloadInto(e, r); !error.ok()) return error;
    s.measure = r.measure();
    s.helper_name = r.helper_name();
  } else if (Is<v1::TransformationMeasureCompleted>(e)) {
    s.measure_completed = true;
  }
  return absl::OkStatus();
}

absl::StatusOr<EvaluationState> FoldEvaluation(
    const std::vector<v1::EventEnvelope>& events) {
  EvaluationState s;
  for (const v1::EventEnvelope& e : events) {
    if (absl::Status error = ApplyEvaluationEvent(s, e); !error.ok()) {
      return error;
    }
  }
  return s;
}

absl::StatusOr<v1::EvaluationRecorded> DecideRecordEvaluation(
    const EvaluationState& state, const RosterMember& member,
    const v1::EvaluationRecorded& request) {
  const std::string& id = member.member_id;
  if (!request.unit_id().empty() && request.unit_id() != member.unit_id) {
    return absl::InvalidArgumentError(
        absl::StrCat(Subject(id), ": unit_id ", request.unit_id(),
                     " is not the member's unit ", member.unit_id,
                     " (leave it empty to derive it)"));
  }
  if (!request.branch_id().empty() && request.branch_id() != member.branch_id) {
    return absl::InvalidArgumentError(
        absl::StrCat(Subject(id), ": branch_id ", request.branch_id(),
                     " is not the member's branch ", member.branch_id,
                     " (leave it empty to derive it)"));
  }
  if (request.batch() != v1::BATCH_UNSPECIFIED &&
      request.batch() != member.batch) {
    return absl::InvalidArgumentError(absl::StrCat(
        Subject(id), ": batch ", BatchNumber(request.batch()),
        " is not the batch of unit ", member.unit_id, " (batch ",
        BatchNumber(member.batch), "); leave it unspecified to derive it"));
  }
  if (absl::Status error = CheckRating(id, request.rating()); !error.ok()) {
    return error;
  }
  if (absl::Status error = CheckShortcomings(id, request.shortcomings());
      !error.ok()) {
    return error;
  }
  if (state.recorded()) {
    return absl::AlreadyExistsError(absl::StrCat(
        Subject(id), ": an opinion for batch ", BatchNumber(member.batch),
        " is already recorded (rated ", RatingName(state.rating),
        "); to change it, the member disputes it and the branch revises it "
        "(ReviseEvaluation)"));
  }
  v1::EvaluationRecorded event = request;
  event.set_unit_id(member.unit_id);
  event.set_branch_id(member.branch_id);
  event.set_batch(member.batch);
  return event;
}

absl::StatusOr<v1::EvaluationShown> DecideShowEvaluation(
    const EvaluationState& state, const v1::EvaluationShown& request) {
  const std::string& id = request.member_id();
  if (absl::Status error =
          RequireDate(Subject(id), "shown_on", request.shown_on());
      !error.ok()) {
    return error;
  }
  if (absl::Status error = RequireRecorded(state, id, "show the opinion");
      !error.ok()) {
    return error;
  }
  switch (state.phase) {
    case EvaluationPhase::kShown:
      return absl::FailedPreconditionError(
          absl::StrCat(Subject(id),
                       ": the opinion was already shown to the member; the "
                       "member now signs it (SignEvaluation) or disputes it "
                       "(DisputeEvaluation)"));
    case EvaluationPhase::kDisputed:
      return absl::FailedPreconditionError(
          absl::StrCat(Subject(id),
                       ": cannot show the opinion again: the member disputed "
                       "it; revise it first (ReviseEvaluation)"));
    case EvaluationPhase::kSigned:
      return absl::FailedPreconditionError(absl::StrCat(
          Subject(id), ": the member already signed the opinion on ",
          state.signed_on, "; nothing more to show"));
    default:
      break;
  }
  return request;
}

absl::StatusOr<v1::EvaluationSigned> DecideSignEvaluation(
    const EvaluationState& state, const v1::EvaluationSigned& request) {
  const std::string& id = request.member_id();
  if (absl::Status error =
          RequireDate(Subject(id), "signed_on", request.signed_on());
      !error.ok()) {
    return error;
  }
  if (absl::Status error = NotShown(state, id, "sign the opinion");
      !error.ok()) {
    return error;
  }
  return request;
}

absl::StatusOr<v1::EvaluationDisputed> DecideDisputeEvaluation(
    const EvaluationState& state, const v1::EvaluationDisputed& request) {
  const std::string& id = request.member_id();
  if (absl::Status error = RequireText(Subject(id), "reason", request.reason(),
                                       "what the member disagrees with");
      !error.ok()) {
    return error;
  }
  if (absl::Status error = NotShown(state, id, "dispute the opinion");
      !error.ok()) {
    return error;
  }
  return request;
}

absl::StatusOr<v1::EvaluationRevised> DecideReviseEvaluation(
    const EvaluationState& state, const v1::EvaluationRevised& request) {
  const std::string& id = request.member_id();
  if (absl::Status error = CheckRating(id, request.rating()); !error.ok()) {
    return error;
  }
  if (absl::Status error = CheckShortcomings(id, request.shortcomings());
      !error.ok()) {
    return error;
  }
  if (absl::Status error = RequireRecorded(state, id, "revise the opinion");
      !error.ok()) {
    return error;
  }
  if (state.phase != EvaluationPhase::kDisputed) {
    return absl::FailedPreconditionError(absl::StrCat(
        Subject(id),
        ": cannot revise the opinion: only a disputed opinion is "
        "revised, and this one is ",
        state.phase == EvaluationPhase::kSigned ? "signed (final)"
        : state.phase == EvaluationPhase::kShown
            ? "shown and awaiting the member's signature or dispute"
            : "not shown to the member yet (ShowEvaluation)"));
  }
  return request;
}

absl::StatusOr<v1::EvaluationFeedbackGiven> DecideGiveFeedback(
    const EvaluationState& state, const v1::EvaluationFeedbackGiven& request) {
  const std::string& id = request.member_id();
  if (absl::Status error =
          RequireText(Subject(id), "feedback", request.feedback(),
                      "what the branch tells the member");
      !error.ok()) {
    return error;
  }
  if (absl::Status error = RequireRecorded(state, id, "give feedback");
      !error.ok()) {
    return error;
  }
  if (!state.ever_shown) {
    return absl::FailedPreconditionError(
        absl::StrCat(Subject(id),
                     ": cannot give feedback on an opinion the member has not "
                     "seen: show it first (ShowEvaluation)"));
  }
  return request;
}

absl::StatusOr<v1::TransformationMeasureAssigned> DecideAssignMeasure(
    const EvaluationState& state,
    const v1::TransformationMeasureAssigned& request) {
  const std::string& id = request.member_id();
  if (absl::Status error =
          RequireText(Subject(id), "measure", request.measure(),
                      "the education-transformation measure");
      !error.ok()) {
    return error;
  }
  if (absl::Status error =
          RequireText(Subject(id), "helper_name", request.helper_name(),
                      "the person responsible for helping (帮教责任人)");
      !error.ok()) {
    return error;
  }
  if (absl::Status error =
          RequireRecorded(state, id, "assign a transformation measure");
      !error.ok()) {
    return error;
  }
  if (!NeedsTransformation(state.rating)) {
    return absl::FailedPreconditionError(absl::StrCat(
        Subject(id), ": is rated ", RatingName(state.rating),
        "; a transformation measure is only for basically qualified or "
        "unqualified members"));
  }
  if (state.measure_completed) {
    return absl::FailedPreconditionError(absl::StrCat(
        Subject(id), ": the transformation measure (helper ", state.helper_name,
        ") is already completed; it cannot be reassigned"));
  }
  return request;
}

absl::StatusOr<v1::TransformationMeasureCompleted> DecideCompleteMeasure(
    const EvaluationState& state,
    const v1::TransformationMeasureCompleted& request) {
  const std::string& id = request.member_id();
  if (absl::Status error =
          RequireText(Subject(id), "outcome", request.outcome(),
                      "what the measure achieved");
      !error.ok()) {
    return error;
  }
  if (absl::Status error =
          RequireRecorded(state, id, "complete a transformation measure");
      !error.ok()) {
    return error;
  }
  if (state.measure.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(Subject(id),
                     ": cannot complete a transformation measure: none is "
                     "assigned (AssignTransformationMeasure first)"));
  }
  if (state.measure_completed) {
    return absl::FailedPreconditionError(absl::StrCat(
        Subject(id), ": the transformation measure is already completed"));
  }
  return request;
}

}  // namespace reporting::domain
