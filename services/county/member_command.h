// The shape shared by commands on a member's own stream (evaluation,
// party-spirit material): check the member id, read the member's unit
// stream (is the member registered?), read the member's stream as the main
// stream, fold it, decide, emit one event onto it.
#ifndef REPORTING_SERVICES_COUNTY_MEMBER_COMMAND_H_
#define REPORTING_SERVICES_COUNTY_MEMBER_COMMAND_H_

#include <string>
#include <utility>

#include "services/county/command_context.h"
#include "services/domain/ids.h"
#include "services/domain/registration.h"
#include "services/domain/stream.h"
#include "storage/status_macros.h"

namespace reporting::county {

// A member as registered, its stream and that stream folded.
template <typename State>
struct MemberStream {
  domain::RosterMember member;
  domain::Stream stream;
  State state;
};

// `stream_of(member)` names the member's stream; `fold(events)` folds it
// into a State (StatusOr); `decide(loaded)` returns the event to emit
// (StatusOr of a message) or the refusal.
template <typename State, typename Request, typename StreamOf, typename Fold,
          typename Decide>
void RunMemberCommand(const NodeEnv& env, const Request& request,
                      const std::string& member_id, v1::CommandResult* result,
                      CommandDone done, StreamOf stream_of, Fold fold,
                      Decide decide) {
  RunCommand(
      env, request, result, std::move(done),
      [&](CommandContext& ctx) -> absl::Status {
        ASSIGN_OR_RETURN(std::string unit_id,
                         domain::CheckId(domain::IdKind::kMember, "member_id",
                                         member_id, ctx.node_id()));
        ASSIGN_OR_RETURN(domain::Stream unit,
                         ctx.Read(domain::UnitStream(unit_id)));
        ASSIGN_OR_RETURN(domain::Roster roster,
                         domain::FoldRoster(unit.events));
        MemberStream<State> loaded;
        ASSIGN_OR_RETURN(loaded.member,
                         domain::RequireMember(roster, unit_id, member_id));
        ASSIGN_OR_RETURN(loaded.stream, ctx.ReadMain(stream_of(loaded.member)));
        ASSIGN_OR_RETURN(loaded.state, fold(loaded.stream.events));
        ASSIGN_OR_RETURN(auto event, decide(loaded));
        ctx.Emit(loaded.stream.id, event);
        return absl::OkStatus();
      });
}

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_MEMBER_COMMAND_H_
