#include "services/domain/meeting.h"

#include "absl/strings/str_cat.h"
#include "services/domain/event_payload.h"
#include "services/domain/text.h"

namespace reporting::domain {

absl::Status ApplyMeetingEvent(MeetingState& s, const v1::EventEnvelope& e) {
  s.version = e.stream_version();
  if (Is<v1::SpecialMeetingHeld>(e)) {
    absl::StatusOr<v1::SpecialMeetingHeld> held =
        PayloadAs<v1::SpecialMeetingHeld>(e);
    if (!held.ok()) return held.status();
    s.meeting = *std::move(held);
    s.held = true;
  } else if (Is<v1::SpecialMeetingResultsCirculated>(e)) {
    absl::StatusOr<v1::SpecialMeetingResultsCirculated> c =
        PayloadAs<v1::SpecialMeetingResultsCirculated>(e);
    if (!c.ok()) return c.status();
    s.circulated = true;
    s.scope = c->scope();
  }
  return absl::OkStatus();
}

absl::StatusOr<MeetingState> FoldMeeting(
    const std::vector<v1::EventEnvelope>& events) {
  MeetingState s;
  for (const v1::EventEnvelope& e : events) {
    if (absl::Status error = ApplyMeetingEvent(s, e); !error.ok()) return error;
  }
  return s;
}

absl::StatusOr<v1::SpecialMeetingHeld> DecideHoldMeeting(
    const MeetingState& state, const Roster& roster, absl::string_view unit_id,
    const v1::SpecialMeetingHeld& request) {
  const std::string subject = absl::StrCat("meeting ", request.meeting_id());
  if (!request.unit_id().empty() && request.unit_id() != unit_id) {
    return absl::InvalidArgumentError(
        absl::StrCat(subject, ": unit_id ", request.unit_id(),
                     " does not match the meeting id, which belongs to unit ",
                     unit_id, " (leave unit_id empty to derive it)"));
  }
  if (request.kind() == v1::MEETING_KIND_UNSPECIFIED ||
      !v1::MeetingKind_IsValid(request.kind())) {
    return absl::InvalidArgumentError(
        absl::StrCat(subject,
                     ": kind is required: leadership democratic-life meeting "
                     "(专题民主生活会) or branch organisational-life meeting "
                     "(专题组织生活会)"));
  }
  const bool branch_meeting =
      request.kind() == v1::MEETING_KIND_BRANCH_ORGANISATIONAL_LIFE;
  if (branch_meeting && request.branch_id().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(subject,
                     ": a branch organisational-life meeting names its branch "
                     "(branch_id)"));
  }
  if (!branch_meeting && !request.branch_id().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        subject,
        ": a leadership democratic-life meeting is the unit's, not "
        "a branch's: leave branch_id empty"));
  }
  if (request.stage() != v1::STAGE_STUDY_MOBILISATION &&
      request.stage() != v1::STAGE_ANALYSIS_EVALUATION &&
      request.stage() != v1::STAGE_RECTIFICATION_IMPROVEMENT) {
    return absl::InvalidArgumentError(absl::StrCat(
        subject,
        ": stage is required: the campaign stage the meeting belongs "
        "to (study and mobilisation, analysis and evaluation, or "
        "rectification and improvement)"));
  }
  if (absl::Status error = RequireDate(subject, "held_on", request.held_on());
      !error.ok()) {
    return error;
  }
  if (request.attendees() < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        subject, ": attendees must be at least 1 (people who attended)"));
  }
  if (absl::Status error = RequireUnit(roster, unit_id); !error.ok()) {
    return error;
  }
  if (branch_meeting && roster.branches.count(request.branch_id()) == 0) {
    return absl::NotFoundError(
        absl::StrCat(subject, ": branch ", request.branch_id(),
                     " is not registered in unit ", unit_id,
                     ": register the branch first (RegisterBranch)"));
  }
  if (state.held) {
    return absl::AlreadyExistsError(absl::StrCat(
        subject, " is already recorded as held on ", state.meeting.held_on(),
        "; use a new meeting id for another meeting"));
  }
  v1::SpecialMeetingHeld event = request;
  event.set_unit_id(std::string(unit_id));
  return event;
}

absl::StatusOr<v1::SpecialMeetingResultsCirculated> DecideCirculateResults(
    const MeetingState& state,
    const v1::SpecialMeetingResultsCirculated& request) {
  const std::string subject = absl::StrCat("meeting ", request.meeting_id());
  if (absl::Status error = RequireText(subject, "scope", request.scope(),
                                       "within which scope the results were "
                                       "circulated, e.g. 全体党员");
      !error.ok()) {
    return error;
  }
  if (!state.held) {
    return absl::FailedPreconditionError(
        absl::StrCat(subject,
                     ": cannot circulate results of a meeting that is not "
                     "recorded as held (HoldSpecialMeeting first)"));
  }
  if (state.circulated) {
    return absl::FailedPreconditionError(absl::StrCat(
        subject, ": results were already circulated (scope: ", state.scope,
        "); they are circulated once"));
  }
  return request;
}

}  // namespace reporting::domain
