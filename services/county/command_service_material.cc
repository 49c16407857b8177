// CommandService: party-spirit analysis material (党性分析材料). Each command
// reads the member's unit stream (registered?) and the material stream
// (the main stream).
#include "services/county/command_handlers.h"
#include "services/county/member_command.h"
#include "services/domain/material.h"

namespace reporting::county {
namespace {

using Loaded = MemberStream<domain::MaterialState>;

template <typename Request, typename Decide>
void Run(const NodeEnv& env, const Request& request,
         const std::string& member_id, v1::CommandResult* result,
         CommandDone done, Decide decide) {
  RunMemberCommand<domain::MaterialState>(
      env, request, member_id, result, std::move(done),
      [](const domain::RosterMember& m) {
        return domain::MaterialStream(m.member_id);
      },
      [](const std::vector<v1::EventEnvelope>& events) {
        return domain::FoldMaterial(events);
      },
      decide);
}

}  // namespace

void CommandHandlers::SubmitMaterial(const v1::SubmitMaterialRequest* request,
                                     v1::CommandResult* result,
                                     CommandDone done) const {
  Run(env_, *request, request->body().member_id(), result, std::move(done),
      [&](const Loaded& l) {
        return domain::DecideSubmitMaterial(l.state, l.member, request->body());
      });
}

void CommandHandlers::ReturnMaterial(const v1::ReturnMaterialRequest* request,
                                     v1::CommandResult* result,
                                     CommandDone done) const {
  Run(env_, *request, request->body().member_id(), result, std::move(done),
      [&](const Loaded& l) {
        return domain::DecideReturnMaterial(l.state, request->body());
      });
}

void CommandHandlers::AcceptMaterial(const v1::AcceptMaterialRequest* request,
                                     v1::CommandResult* result,
                                     CommandDone done) const {
  Run(env_, *request, request->body().member_id(), result, std::move(done),
      [&](const Loaded& l) {
        return domain::DecideAcceptMaterial(l.state, request->body());
      });
}

}  // namespace reporting::county
