// CommandService: party-spirit analysis material (党性分析材料). Each command
// reads the member's unit stream (registered?) and the material stream
// (the main stream).
#include "services/county/command_service.h"
#include "services/county/domain/material.h"
#include "services/county/domain/registration.h"
#include "services/county/ids.h"
#include "storage/status_macros.h"

namespace reporting::county {
namespace {

struct Loaded {
  RosterMember member;
  Stream stream;
  MaterialState state;
};

absl::StatusOr<Loaded> Load(CommandContext& ctx, const std::string& member_id) {
  ASSIGN_OR_RETURN(std::string unit_id,
                   CheckId(IdKind::kMember, "member_id", member_id,
                           ctx.node_id()));
  ASSIGN_OR_RETURN(Stream unit, ctx.Read(UnitStream(unit_id)));
  ASSIGN_OR_RETURN(Roster roster, FoldRoster(unit.events));
  Loaded loaded;
  ASSIGN_OR_RETURN(loaded.member, RequireMember(roster, unit_id, member_id));
  ASSIGN_OR_RETURN(loaded.stream, ctx.ReadMain(MaterialStream(member_id)));
  ASSIGN_OR_RETURN(loaded.state, FoldMaterial(loaded.stream.events));
  return loaded;
}

template <typename Body, typename Decide>
grpc::Status Run(const NodeEnv& env, const v1::CommandMeta& meta,
                 const Body& body, v1::CommandResult* result, Decide decide) {
  return RunCommand(env, meta, result, [&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(Loaded loaded, Load(ctx, body.member_id()));
    ASSIGN_OR_RETURN(auto event, decide(loaded));
    ctx.Emit(loaded.stream.id, event);
    return absl::OkStatus();
  });
}

}  // namespace

grpc::Status CommandServiceImpl::SubmitMaterial(
    grpc::ServerContext*, const v1::SubmitMaterialRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body(), result,
             [&](const Loaded& l) {
               return DecideSubmitMaterial(l.state, l.member, request->body());
             });
}

grpc::Status CommandServiceImpl::ReturnMaterial(
    grpc::ServerContext*, const v1::ReturnMaterialRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body(), result,
             [&](const Loaded& l) {
               return DecideReturnMaterial(l.state, request->body());
             });
}

grpc::Status CommandServiceImpl::AcceptMaterial(
    grpc::ServerContext*, const v1::AcceptMaterialRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body(), result,
             [&](const Loaded& l) {
               return DecideAcceptMaterial(l.state, request->body());
             });
}

}  // namespace reporting::county
