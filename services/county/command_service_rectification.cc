// CommandService: rectification items (整改), one stream per item
// ("rectification/<item_id>"). Rules: domain/rectification.h.
//
// The item id names its unit (ids.h), so no lookup is needed to find it;
// identifying an item also reads the unit's stream to check the unit is
// registered (outside the read set: registration is never undone). The node's
// date (unit_loader.h) fills completion and publication dates left empty.
#include "services/county/command_handlers.h"
#include "services/county/domain/rectification.h"
#include "services/county/domain/registration.h"
#include "services/county/ids.h"
#include "services/county/unit_loader.h"
#include "storage/status_macros.h"

namespace reporting::county {
namespace {

// Runs one command on an existing or new item: checks the item id, reads
// and folds the item's stream, asks `decide` for the event and emits it.
template <typename Request, typename Decide>
void RunItemCommand(const NodeEnv& env, const Request& request,
                    v1::CommandResult* result, CommandDone done,
                    Decide decide) {
  RunCommand(env, request, result, std::move(done), [&](CommandContext& ctx) {
    ASSIGN_OR_RETURN(std::string unit_id,
                     CheckId(IdKind::kItem, "item_id", request.body().item_id(),
                             ctx.node_id()));
    ASSIGN_OR_RETURN(
        Stream item,
        ctx.ReadMain(RectificationStream(request.body().item_id())));
    ASSIGN_OR_RETURN(RectificationState state, FoldRectification(item.events));
    ASSIGN_OR_RETURN(auto event, decide(ctx, unit_id, state));
    ctx.Emit(item.id, event);
    return absl::OkStatus();
  });
}

}  // namespace

void CommandHandlers::IdentifyRectification(
    const v1::IdentifyRectificationRequest* request, v1::CommandResult* result,
    CommandDone done) const {
  RunItemCommand(
      env_, *request, result, std::move(done),
      [&](CommandContext& ctx, const std::string& unit_id,
          const RectificationState& state)
          -> absl::StatusOr<v1::RectificationItemIdentified> {
        // Outside the read set: registration is never undone, so the
        // unit's later events cannot change this decision.
        ASSIGN_OR_RETURN(Stream unit,
                         ReadWholeStream(*ctx.env().log, UnitStream(unit_id)));
        ASSIGN_OR_RETURN(Roster roster, FoldRoster(unit.events));
        RETURN_IF_ERROR(RequireUnit(roster, unit_id));
        return DecideIdentifyRectification(state, unit_id, request->body());
      });
}

void CommandHandlers::PlanRectification(
    const v1::PlanRectificationRequest* request, v1::CommandResult* result,
    CommandDone done) const {
  RunItemCommand(env_, *request, result, std::move(done),
                 [&](CommandContext&, const std::string&,
                     const RectificationState& state) {
                   return DecidePlanRectification(state, request->body());
                 });
}

void CommandHandlers::ReportRectificationProgress(
    const v1::ReportRectificationProgressRequest* request,
    v1::CommandResult* result, CommandDone done) const {
  RunItemCommand(env_, *request, result, std::move(done),
                 [&](CommandContext&, const std::string&,
                     const RectificationState& state) {
                   return DecideReportProgress(state, request->body());
                 });
}

void CommandHandlers::CompleteRectification(
    const v1::CompleteRectificationRequest* request, v1::CommandResult* result,
    CommandDone done) const {
  RunItemCommand(env_, *request, result, std::move(done),
                 [&](CommandContext& ctx, const std::string&,
                     const RectificationState& state) {
                   return DecideCompleteRectification(state, request->body(),
                                                      NodeToday(ctx.env()));
                 });
}

void CommandHandlers::PublishRectificationExplanation(
    const v1::PublishRectificationExplanationRequest* request,
    v1::CommandResult* result, CommandDone done) const {
  RunItemCommand(env_, *request, result, std::move(done),
                 [&](CommandContext& ctx, const std::string&,
                     const RectificationState& state) {
                   return DecidePublishExplanation(state, request->body(),
                                                   NodeToday(ctx.env()));
                 });
}

}  // namespace reporting::county
