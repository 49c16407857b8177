// CommandService: special meetings (专题民主生活会 / 专题组织生活会). Each
// command reads the unit stream of the meeting's unit (registered? the
// branch?) and the meeting stream (the main stream).
#include "absl/strings/str_cat.h"
#include "services/county/command_handlers.h"
#include "services/domain/ids.h"
#include "services/domain/meeting.h"
#include "services/domain/registration.h"
#include "storage/status_macros.h"

namespace reporting::county {

void CommandHandlers::HoldSpecialMeeting(
    const v1::HoldSpecialMeetingRequest* request, v1::CommandResult* result,
    CommandDone done) const {
  RunCommand(env_, *request, result, std::move(done), [&](CommandContext& ctx) {
    const v1::SpecialMeetingHeld& body = request->body();
    ASSIGN_OR_RETURN(std::string unit_id,
                     domain::CheckId(domain::IdKind::kMeeting, "meeting_id",
                                     body.meeting_id(), ctx.node_id()));
    if (!body.branch_id().empty()) {
      ASSIGN_OR_RETURN(std::string branch_unit,
                       domain::CheckId(domain::IdKind::kBranch, "branch_id",
                                       body.branch_id(), ctx.node_id()));
      if (branch_unit != unit_id) {
        return absl::InvalidArgumentError(absl::StrCat(
            "meeting ", body.meeting_id(), " belongs to unit ", unit_id,
            " but branch ", body.branch_id(), " to unit ", branch_unit,
            ": a branch meeting is held in the branch's own unit"));
      }
    }
    ASSIGN_OR_RETURN(domain::Stream unit,
                     ctx.Read(domain::UnitStream(unit_id)));
    ASSIGN_OR_RETURN(domain::Roster roster, domain::FoldRoster(unit.events));
    ASSIGN_OR_RETURN(domain::Stream meeting,
                     ctx.ReadMain(domain::MeetingStream(body.meeting_id())));
    ASSIGN_OR_RETURN(domain::MeetingState state,
                     domain::FoldMeeting(meeting.events));
    ASSIGN_OR_RETURN(v1::SpecialMeetingHeld event,
                     domain::DecideHoldMeeting(state, roster, unit_id, body));
    ctx.Emit(meeting.id, event);
    return absl::OkStatus();
  });
}

void CommandHandlers::CirculateMeetingResults(
    const v1::CirculateMeetingResultsRequest* request,
    v1::CommandResult* result, CommandDone done) const {
  RunCommand(env_, *request, result, std::move(done), [&](CommandContext& ctx) {
    const v1::SpecialMeetingResultsCirculated& body = request->body();
    RETURN_IF_ERROR(domain::CheckId(domain::IdKind::kMeeting, "meeting_id",
                                    body.meeting_id(), ctx.node_id())
                        .status());
    ASSIGN_OR_RETURN(domain::Stream meeting,
                     ctx.ReadMain(domain::MeetingStream(body.meeting_id())));
    ASSIGN_OR_RETURN(domain::MeetingState state,
                     domain::FoldMeeting(meeting.events));
    ASSIGN_OR_RETURN(v1::SpecialMeetingResultsCirculated event,
                     domain::DecideCirculateResults(state, body));
    ctx.Emit(meeting.id, event);
    return absl::OkStatus();
  });
}

}  // namespace reporting::county
