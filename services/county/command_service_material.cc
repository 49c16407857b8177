// CommandService: party-spirit analysis material (党性分析材料). Each command
// reads the member's unit stream (registered?) and the material stream
// (the main stream).
#include "services/county/command_service.h"
#include "services/county/domain/material.h"
#include "services/county/member_command.h"

namespace reporting::county {
namespace {

using Loaded = MemberStream<MaterialState>;

template <typename Decide>
grpc::Status Run(const NodeEnv& env, const v1::CommandMeta& meta,
                 const std::string& member_id, v1::CommandResult* result,
                 Decide decide) {
  return RunMemberCommand<MaterialState>(
      env, meta, member_id, result,
      [](const RosterMember& m) { return MaterialStream(m.member_id); },
      [](const std::vector<v1::EventEnvelope>& events) {
        return FoldMaterial(events);
      },
      decide);
}

}  // namespace

grpc::Status CommandServiceImpl::SubmitMaterial(
    grpc::ServerContext*, const v1::SubmitMaterialRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body().member_id(), result,
             [&](const Loaded& l) {
               return DecideSubmitMaterial(l.state, l.member, request->body());
             });
}

grpc::Status CommandServiceImpl::ReturnMaterial(
    grpc::ServerContext*, const v1::ReturnMaterialRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body().member_id(), result,
             [&](const Loaded& l) {
               return DecideReturnMaterial(l.state, request->body());
             });
}

grpc::Status CommandServiceImpl::AcceptMaterial(
    grpc::ServerContext*, const v1::AcceptMaterialRequest* request,
    v1::CommandResult* result) {
  return Run(env_, request->meta(), request->body().member_id(), result,
             [&](const Loaded& l) {
               return DecideAcceptMaterial(l.state, request->body());
             });
}

}  // namespace reporting::county
