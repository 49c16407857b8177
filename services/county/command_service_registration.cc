// CommandService: registration of the node, units, branches and members.
#include "absl/strings/str_cat.h"
#include "services/common/grpc_status.h"
#include "services/county/command_handlers.h"
#include "services/county/domain/registration.h"
#include "services/county/ids.h"
#include "storage/status_macros.h"

namespace reporting::county {

void CommandHandlers::RegisterNode(const v1::RegisterNodeRequest* request,
                                   v1::CommandResult* result,
                                   CommandDone done) const {
  RunCommand(env_, *request, result, std::move(done), [&](CommandContext& ctx) {
    const v1::NodeRegistered& body = request->body();
    RETURN_IF_ERROR(ValidateNodeId(body.node_id()));
    if (body.node_id() != ctx.node_id()) {
      return absl::PermissionDeniedError(absl::StrCat(
          "this is node ", ctx.node_id(), "; it cannot register node ",
          body.node_id(), ": send RegisterNode to that node"));
    }
    ASSIGN_OR_RETURN(Stream node, ctx.ReadMain(NodeStream(body.node_id())));
    ASSIGN_OR_RETURN(v1::NodeRegistered event,
                     DecideRegisterNode(node.events, body));
    ctx.Emit(node.id, event);
    return absl::OkStatus();
  });
}

void CommandHandlers::RegisterUnit(const v1::RegisterUnitRequest* request,
                                   v1::CommandResult* result,
                                   CommandDone done) const {
  RunCommand(env_, *request, result, std::move(done), [&](CommandContext& ctx) {
    const v1::UnitRegistered& body = request->body();
    ASSIGN_OR_RETURN(
        std::string unit_id,
        CheckId(IdKind::kUnit, "unit_id", body.unit_id(), ctx.node_id()));
    ASSIGN_OR_RETURN(Stream node, ctx.Read(NodeStream(ctx.node_id())));
    ASSIGN_OR_RETURN(Stream unit, ctx.ReadMain(UnitStream(unit_id)));
    ASSIGN_OR_RETURN(Roster roster, FoldRoster(unit.events));
    ASSIGN_OR_RETURN(v1::UnitRegistered event,
                     DecideRegisterUnit(!node.events.empty(), roster, body));
    ctx.Emit(unit.id, event);
    return absl::OkStatus();
  });
}

void CommandHandlers::RegisterBranch(const v1::RegisterBranchRequest* request,
                                     v1::CommandResult* result,
                                     CommandDone done) const {
  RunCommand(env_, *request, result, std::move(done), [&](CommandContext& ctx) {
    const v1::BranchRegistered& body = request->body();
    ASSIGN_OR_RETURN(
        std::string unit_id,
        CheckId(IdKind::kBranch, "branch_id", body.branch_id(), ctx.node_id()));
    ASSIGN_OR_RETURN(Stream unit, ctx.ReadMain(UnitStream(unit_id)));
    ASSIGN_OR_RETURN(Roster roster, FoldRoster(unit.events));
    ASSIGN_OR_RETURN(v1::BranchRegistered event,
                     DecideRegisterBranch(roster, unit_id, body));
    ctx.Emit(unit.id, event);
    return absl::OkStatus();
  });
}

void CommandHandlers::RegisterMember(const v1::RegisterMemberRequest* request,
                                     v1::CommandResult* result,
                                     CommandDone done) const {
  RunCommand(env_, *request, result, std::move(done), [&](CommandContext& ctx) {
    const v1::MemberRegistered& body = request->body();
    ASSIGN_OR_RETURN(
        std::string unit_id,
        CheckId(IdKind::kMember, "member_id", body.member_id(), ctx.node_id()));
    ASSIGN_OR_RETURN(
        std::string branch_unit,
        CheckId(IdKind::kBranch, "branch_id", body.branch_id(), ctx.node_id()));
    if (branch_unit != unit_id) {
      return absl::InvalidArgumentError(absl::StrCat(
          "member ", body.member_id(), " belongs to unit ", unit_id,
          " but branch ", body.branch_id(), " to unit ", branch_unit,
          ": a member joins a branch of its own unit"));
    }
    ASSIGN_OR_RETURN(Stream unit, ctx.ReadMain(UnitStream(unit_id)));
    ASSIGN_OR_RETURN(Roster roster, FoldRoster(unit.events));
    ASSIGN_OR_RETURN(v1::MemberRegistered event,
                     DecideRegisterMember(roster, unit_id, body));
    ctx.Emit(unit.id, event);
    return absl::OkStatus();
  });
}

}  // namespace reporting::county
