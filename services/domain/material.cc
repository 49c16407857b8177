#include "services/domain/material.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "services/domain/event_payload.h"
#include "services/domain/text.h"

namespace reporting::domain {
namespace {

std::string Subject(const std::string& member_id) {
  return absl::StrCat("member ", member_id, ": party-spirit material");
}

absl::Status RequireAwaitingReview(const MaterialState& state,
                                   const std::string& member_id,
                                   absl::string_view action) {
  const std::string prefix =
      absl::StrCat(Subject(member_id), ": cannot ", action, ": ");
  switch (state.phase) {
    case MaterialPhase::kSubmitted:
      return absl::OkStatus();
    case MaterialPhase::kNone:
      return absl::FailedPreconditionError(absl::StrCat(
          prefix, "nothing has been submitted yet (SubmitMaterial first)"));
    case MaterialPhase::kReturned:
      return absl::FailedPreconditionError(absl::StrCat(
          prefix,
          "it was returned for revision and has not been resubmitted "
          "yet (SubmitMaterial)"));
    case MaterialPhase::kAccepted:
      return absl::FailedPreconditionError(
          absl::StrCat(prefix, "it is already accepted"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyMaterialEvent(MaterialState& s, const v1::EventEnvelope& e) {
  s.version = e.stream_version();
  if (Is<v1::PartySpiritMaterialSubmitted>(e)) {
    s.phase = MaterialPhase::kSubmitted;
    ++s.submissions;
  } else if (Is<v1::PartySpiritMaterialReturned>(e)) {
    s.phase = MaterialPhase::kReturned;
    ++s.returns;
  } else if (Is<v1::PartySpiritMaterialAccepted>(e)) {
    s.phase = MaterialPhase::kAccepted;
  }
  return absl::OkStatus();
}

absl::StatusOr<MaterialState> FoldMaterial(
    const std::vector<v1::EventEnvelope>& events) {
  MaterialState s;
  for (const v1::EventEnvelope& e : events) {
    if (absl::Status error = ApplyMaterialEvent(s, e); !error.ok()) {
      return error;
    }
  }
  return s;
}

absl::StatusOr<v1::PartySpiritMaterialSubmitted> DecideSubmitMaterial(
    const MaterialState& state, const RosterMember& member,
    const v1::PartySpiritMaterialSubmitted& request) {
  const std::string subject = Subject(member.member_id);
  if (!request.unit_id().empty() && request.unit_id() != member.unit_id) {
    return absl::InvalidArgumentError(absl::StrCat(
        subject, ": unit_id ", request.unit_id(), " is not the member's unit ",
        member.unit_id, " (leave it empty to derive it)"));
  }
  if (absl::Status error = RequireText(subject, "summary", request.summary(),
                                       "a summary of the material");
      !error.ok()) {
    return error;
  }
  if (state.phase == MaterialPhase::kSubmitted) {
    return absl::FailedPreconditionError(absl::StrCat(
        subject,
        " is already submitted and awaiting review: it is accepted "
        "(AcceptMaterial) or returned (ReturnMaterial) before it can "
        "be submitted again"));
  }
  if (state.phase == MaterialPhase::kAccepted) {
    return absl::FailedPreconditionError(
        absl::StrCat(subject, " is already accepted; nothing to resubmit"));
  }
  v1::PartySpiritMaterialSubmitted event = request;
  event.set_unit_id(member.unit_id);
  return event;
}

absl::StatusOr<v1::PartySpiritMaterialReturned> DecideReturnMaterial(
    const MaterialState& state,
    const v1::PartySpiritMaterialReturned& request) {
  const std::string subject = Subject(request.member_id());
  if (request.reasons().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        subject,
        ": give at least one reason for returning it: problems not "
        "pinned down, analysis shallow, or not tied to practice"));
  }
  std::set<int> seen;
  for (int reason : request.reasons()) {
    if (reason == v1::MATERIAL_RETURN_REASON_UNSPECIFIED ||
        !v1::MaterialReturnReason_IsValid(reason)) {
      return absl::InvalidArgumentError(absl::StrCat(
          subject, ": return reason ", reason,
          " is not one of: problems not pinned down, analysis shallow, not "
          "tied to practice"));
    }
    if (!seen.insert(reason).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(subject, ": return reason ",
                       v1::MaterialReturnReason_Name(
                           static_cast<v1::MaterialReturnReason>(reason)),
                       " is given twice; give each reason once"));
    }
  }
  if (absl::Status error =
          RequireAwaitingReview(state, request.member_id(), "return it");
      !error.ok()) {
    return error;
  }
  return request;
}

absl::StatusOr<v1::PartySpiritMaterialAccepted> DecideAcceptMaterial(
    const MaterialState& state,
    const v1::PartySpiritMaterialAccepted& request) {
  if (absl::Status error =
          RequireAwaitingReview(state, request.member_id(), "accept it");
      !error.ok()) {
    return error;
  }
  return request;
}

}  // namespace reporting::domain
