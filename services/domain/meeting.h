// Special meetings (专题民主生活会 for the leadership, 专题组织生活会 for a
// branch): stream "meeting/<meeting_id>". DOMAIN.md aggregate 3.
//
// Rules:
// - Held once (ALREADY_EXISTS after) for a registered unit, with a kind, a
//   campaign stage, the date and at least one attendee. A branch meeting
//   names a registered branch of the unit; a leadership meeting names none.
// - Results circulated (通报) once, only after the meeting was held, within
//   a named scope.
//
// Pure functions; thread-compatible.
#ifndef REPORTING_SERVICES_DOMAIN_MEETING_H_
#define REPORTING_SERVICES_DOMAIN_MEETING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"
#include "services/domain/registration.h"

namespace reporting::domain {

struct MeetingState {
  bool held = false;
  v1::SpecialMeetingHeld meeting;
  bool circulated = false;
  std::string scope;
  uint64_t version = 0;
};

absl::StatusOr<MeetingState> FoldMeeting(
    const std::vector<v1::EventEnvelope>& events);

// Folds one event of a meeting stream into `state` (FoldMeeting is this
// over the stream), for followers that see one event at a time.
absl::Status ApplyMeetingEvent(MeetingState& state,
                               const v1::EventEnvelope& event);

// `unit_id`: the unit of the meeting id (checked by the caller); fills
// unit_id when empty. Branch ids are checked against the roster.
absl::StatusOr<v1::SpecialMeetingHeld> DecideHoldMeeting(
    const MeetingState& state, const Roster& roster, absl::string_view unit_id,
    const v1::SpecialMeetingHeld& request);
absl::StatusOr<v1::SpecialMeetingResultsCirculated> DecideCirculateResults(
    const MeetingState& state,
    const v1::SpecialMeetingResultsCirculated& request);

}  // namespace reporting::domain

#endif  // REPORTING_SERVICES_DOMAIN_MEETING_H_
