// CommandService: the organisation census (排查摸底), one stream per unit
// ("census/<unit_id>"). Rules: domain/census.h.
#include "services/common/log_stream.h"
#include "services/county/command_handlers.h"
#include "services/domain/census.h"
#include "services/domain/ids.h"
#include "services/domain/registration.h"
#include "storage/status_macros.h"

namespace reporting::county {

void CommandHandlers::ReportCensus(const v1::ReportCensusRequest* request,
                                   v1::CommandResult* result,
                                   CommandDone done) const {
  RunCommand(env_, *request, result, std::move(done), [&](CommandContext& ctx) {
    const v1::CensusReported& body = request->body();
    ASSIGN_OR_RETURN(std::string unit_id,
                     domain::CheckId(domain::IdKind::kUnit, "unit_id",
                                     body.unit_id(), ctx.node_id()));
    ASSIGN_OR_RETURN(domain::Stream census,
                     ctx.ReadMain(domain::CensusStream(unit_id)));
    ASSIGN_OR_RETURN(domain::CensusState state,
                     domain::FoldCensus(census.events));
    // Read outside the read set: a registered unit stays registered, so the
    // unit's later events cannot change this decision, and leaving them out
    // spares the census an ABORTED for every concurrent transition step.
    ASSIGN_OR_RETURN(
        domain::Stream unit,
        services::ReadWholeStream(*ctx.env().log, domain::UnitStream(unit_id)));
    ASSIGN_OR_RETURN(domain::Roster roster, domain::FoldRoster(unit.events));
    // The request's own figures are checked before the unit's existence,
    // so a clerk fixing a form hears about the form first.
    absl::StatusOr<v1::CensusReported> event =
        domain::DecideReportCensus(state, unit_id, body);
    if (!event.ok() &&
        event.status().code() == absl::StatusCode::kInvalidArgument) {
      return event.status();
    }
    RETURN_IF_ERROR(domain::RequireUnit(roster, unit_id));
    if (!event.ok()) return event.status();
    ctx.Emit(census.id, *event);
    return absl::OkStatus();
  });
}

void CommandHandlers::ResolveCensusProblem(
    const v1::ResolveCensusProblemRequest* request, v1::CommandResult* result,
    CommandDone done) const {
  RunCommand(env_, *request, result, std::move(done), [&](CommandContext& ctx) {
    const v1::CensusProblemResolved& body = request->body();
    ASSIGN_OR_RETURN(std::string unit_id,
                     domain::CheckId(domain::IdKind::kUnit, "unit_id",
                                     body.unit_id(), ctx.node_id()));
    ASSIGN_OR_RETURN(domain::Stream census,
                     ctx.ReadMain(domain::CensusStream(unit_id)));
    ASSIGN_OR_RETURN(domain::CensusState state,
                     domain::FoldCensus(census.events));
    ASSIGN_OR_RETURN(v1::CensusProblemResolved event,
                     domain::DecideResolveCensusProblem(state, unit_id, body));
    ctx.Emit(census.id, event);
    return absl::OkStatus();
  });
}

}  // namespace reporting::county
