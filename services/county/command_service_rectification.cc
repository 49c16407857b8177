// CommandService: rectification items (整改), one stream per item
// ("rectification/<item_id>"). Rules: domain/rectification.h.
//
// The item id names its unit (ids.h), so no lookup is needed to find it;
// identifying an item also reads the unit's stream to check the unit is
// registered (outside the read set: registration is never undone). The node's
// date (node_today.h) fills completion and publication dates left empty.
#include "services/common/log_stream.h"
#include "services/county/command_handlers.h"
#include "services/county/node_today.h"
#include "services/domain/ids.h"
#include "services/domain/rectification.h"
#include "services/domain/registration.h"
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
                     domain::CheckId(domain::IdKind::kItem, "item_id",
                                     request.body().item_id(), ctx.node_id()));
    ASSIGN_OR_RETURN(
        domain::Stream item,
        ctx.ReadMain(domain::RectificationStream(request.body().item_id())));
    ASSIGN_OR_RETURN(domain::RectificationState state,
                     domain::FoldRectification(item.events));
    ASSIGN_OR_RETURN(auto event, decide(ctx, unit_id, state));
    ctx.Emit(item.id, event);
    return absl::OkStatus();
  });
}

}  // namespace

void CommandHandlers::IdentifyRectification(
    const v1::IdentifyRectificationRequest* request, v1::CommandResult* result,
    CommandDone done) const {
  RunItemCommand(env_, *request, result, std::move(done),
                 [&](CommandContext& ctx, const std::string& unit_id,
                     const domain::RectificationState& state)
                     -> absl::StatusOr<v1::RectificationItemIdentified> {
                   // Outside the read set: registration is never undone, so the
                   // unit's later events cannot change this decision.
                   ASSIGN_OR_RETURN(
                       domain::Stream unit,
                       services::ReadWholeStream(*ctx.env().log,
                                                 domain::UnitStream(unit_id)));
                   ASSIGN_OR_RETURN(domain::Roster roster,
                                    domain::FoldRoster(unit.events));
                   RETURN_IF_ERROR(domain::RequireUnit(roster, unit_id));
                   return domain::DecideIdentifyRectification(state, unit_id,
                                                              request->body());
                 });
}

void CommandHandlers::PlanRectification(
    const v1::PlanRectificationRequest* request, v1::CommandResult* result,
    CommandDone done) const {
  RunItemCommand(env_, *request, result, std::move(done),
                 [&](CommandContext&, const std::string&,
                     const domain::RectificationState& state) {
                   return domain::DecidePlanRectification(state,
                                                          request->body());
                 });
}

void CommandHandlers::ReportRectificationProgress(
    const v1::ReportRectificationProgressRequest* request,
    v1::CommandResult* result, CommandDone done) const {
  RunItemCommand(env_, *request, result, std::move(done),
                 [&](CommandContext&, const std::string&,
                     const domain::RectificationState& state) {
                   return domain::DecideReportProgress(state, request->body());
                 });
}

void CommandHandlers::CompleteRectification(
    const v1::CompleteRectificationRequest* request, v1::CommandResult* result,
    CommandDone done) const {
  RunItemCommand(env_, *request, result, std::move(done),
                 [&](CommandContext& ctx, const std::string&,
                     const domain::RectificationState& state) {
                   return domain::DecideCompleteRectification(
                       state, request->body(), NodeToday(ctx.env()));
                 });
}

void CommandHandlers::PublishRectificationExplanation(
    const v1::PublishRectificationExplanationRequest* request,
    v1::CommandResult* result, CommandDone done) const {
  RunItemCommand(env_, *request, result, std::move(done),
                 [&](CommandContext& ctx, const std::string&,
                     const domain::RectificationState& state) {
                   return domain::DecidePublishExplanation(
                       state, request->body(), NodeToday(ctx.env()));
                 });
}

}  // namespace reporting::county
