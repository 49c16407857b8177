// CommandService: registration of the node, units, branches and members.
#include "absl/strings/str_cat.h"
#include "services/common/grpc_status.h"
#include "services/county/command_handlers.h"
#include "services/domain/ids.h"
#include "services/domain/registration.h"
#include "storage/status_macros.h"

namespace reporting::county {

void CommandHandlers::RegisterNode(const v1::RegisterNodeRequest* request,
                                   v1::CommandResult* result,
                                   CommandDone done) const {
  RunCommand(env_, *request, result, std::move(done), [&](CommandContext& ctx) {
    const v1::NodeRegistered& body = request->body();
    RETURN_IF_ERROR(domain::ValidateNodeId(body.node_id()));
    if (body.node_id() != ctx.node_id()) {
      return absl::PermissionDeniedError(absl::StrCat(
          "this is node ", ctx.node_id(), "; it cannot register node ",
          body.node_id(), ": send RegisterNode to that node"));
    }
    ASSIGN_OR_RETURN(domain::Stream node,
                     ctx.ReadMain(domain::NodeStream(body.node_id())));
    ASSIGN_OR_RETURN(v1::NodeRegistered event,
                     domain::DecideRegisterNode(node.events, body));
    ctx.Emit(node.id, event);
    return absl::OkStatus();
  });
}

void CommandHandlers::RegisterUnit(const v1::RegisterUnitRequest* request,
                                   v1::CommandResult* result,
                                   CommandDone done) const {
  RunCommand(env_, *request, result, std::move(done), [&](CommandContext& ctx) {
    const v1::UnitRegistered& body = request->body();
    ASSIGN_OR_RETURN(std::string unit_id,
                     domain::CheckId(domain::IdKind::kUnit, "unit_id",
                                     body.unit_id(), ctx.node_id()));
    ASSIGN_OR_RETURN(domain::Stream node,
                     ctx.Read(domain::NodeStream(ctx.node_id())));
    ASSIGN_OR_RETURN(domain::Stream unit,
                     ctx.ReadMain(domain::UnitStream(unit_id)));
    ASSIGN_OR_RETURN(domain::Roster roster, domain::FoldRoster(unit.events));
    ASSIGN_OR_RETURN(
        v1::UnitRegistered event,
        domain::DecideRegisterUnit(!node.events.empty(), roster, body));
    ctx.Emit(unit.id, event);
    return absl::OkStatus();
  });
}

void CommandHandlers::RegisterBranch(const v1::RegisterBranchRequest* request,
                                     v1::CommandResult* result,
                                     CommandDone done) const {
  RunCommand(env_, *request, result, std::move(done), [&](CommandContext& ctx) {
    const v1::BranchRegistered& body = request->body();
    ASSIGN_OR_RETURN(std::string unit_id,
                     domain::CheckId(domain::IdKind::kBranch, "branch_id",
                                     body.branch_id(), ctx.node_id()));
    ASSIGN_OR_RETURN(domain::Stream unit,
                     ctx.ReadMain(domain::UnitStream(unit_id)));
    ASSIGN_OR_RETURN(domain::Roster roster, domain::FoldRoster(unit.events));
    ASSIGN_OR_RETURN(v1::BranchRegistered event,
                     domain::DecideRegisterBranch(roster, unit_id, body));
    ctx.Emit(unit.id, event);
    return absl::OkStatus();
  });
}

void CommandHandlers::RegisterMember(const v1::RegisterMemberRequest* request,
                                     v1::CommandResult* result,
                                     CommandDone done) const {
  RunCommand(env_, *request, result, std::move(done), [&](CommandContext& ctx) {
    const v1::MemberRegistered& body = request->body();
    ASSIGN_OR_RETURN(std::string unit_id,
                     domain::CheckId(domain::IdKind::kMember, "member_id",
                                     body.member_id(), ctx.node_id()));
    ASSIGN_OR_RETURN(std::string branch_unit,
                     domain::CheckId(domain::IdKind::kBranch, "branch_id",
                                     body.branch_id(), ctx.node_id()));
    if (branch_unit != unit_id) {
      return absl::InvalidArgumentError(absl::StrCat(
          "member ", body.member_id(), " belongs to unit ", unit_id,
          " but branch ", body.branch_id(), " to unit ", branch_unit,
          ": a member joins a branch of its own unit"));
    }
    ASSIGN_OR_RETURN(domain::Stream unit,
                     ctx.ReadMain(domain::UnitStream(unit_id)));
    ASSIGN_OR_RETURN(domain::Roster roster, domain::FoldRoster(unit.events));
    ASSIGN_OR_RETURN(v1::MemberRegistered event,
                     domain::DecideRegisterMember(roster, unit_id, body));
    ctx.Emit(unit.id, event);
    return absl::OkStatus();
  });
}

}  // namespace reporting::county
