// ClerkService: GetUnit, GetBlockingReasons and GetRectification. The views
// are folded from the log with the same domain code the commands decide
// with; blocking reasons come from the same BlockingReasons() the
// transition commands refuse with, so the two never disagree.
#include "absl/strings/str_cat.h"
#include "services/common/grpc_status.h"
#include "services/common/log_stream.h"
#include "services/county/clerk_service.h"
#include "services/county/node_today.h"
#include "services/domain/ids.h"
#include "services/domain/rectification.h"
#include "services/domain/registration.h"
#include "services/domain/unit.h"
#include "services/domain/unit_loader.h"
#include "storage/status_macros.h"

namespace reporting::county {
namespace {

// Reads a unit with its members' evaluations straight from the log;
// NOT_FOUND when it is not registered.
absl::StatusOr<domain::LoadedUnit> ReadUnit(const NodeEnv& env,
                                            absl::string_view raw_unit_id) {
  ASSIGN_OR_RETURN(std::string unit_id,
                   domain::CheckId(domain::IdKind::kUnit, "unit_id",
                                   raw_unit_id, env.node_id));
  auto read = [&](absl::string_view id) {
    return services::ReadWholeStream(*env.log, id);
  };
  ASSIGN_OR_RETURN(
      domain::LoadedUnit unit,
      domain::LoadUnit(unit_id, /*with_evaluations=*/true, read, read));
  RETURN_IF_ERROR(domain::RequireUnit(unit.state.roster, unit_id));
  return unit;
}

void FillUnitView(const domain::LoadedUnit& unit, v1::UnitView* view) {
  const domain::UnitState& s = unit.state;
  const v1::UnitRegistered& reg = s.roster.unit;
  view->set_unit_id(reg.unit_id());
  view->set_name(reg.name());
  view->set_batch(reg.batch());
  view->set_category(reg.category());
  view->set_node_leadership(reg.node_leadership());
  view->set_member_count(reg.member_count());
  view->set_members_registered(static_cast<uint32_t>(s.roster.members.size()));
  view->set_branches_registered(
      static_cast<uint32_t>(s.roster.branches.size()));
  view->set_stage(s.stage);
  view->set_next_step(domain::NextStep(s));
  for (const auto& [check, passed] : s.transition.checks) {
    if (passed) view->add_checks_passed(check);
  }
  if (!s.transition.surveys.empty()) {
    const domain::SurveyRecord& last = s.transition.surveys.back();
    v1::SurveyView* survey = view->mutable_latest_survey();
    survey->set_survey_number(last.survey_number);
    survey->set_respondents(last.respondents);
    survey->set_satisfied(last.satisfied);
    survey->set_basically_satisfied(last.basically_satisfied);
    survey->set_dissatisfied(last.dissatisfied);
    survey->set_dissatisfied_percent(domain::DissatisfiedPercent(last));
    survey->set_remediation_recorded(last.remediation_recorded);
  }
  view->set_report_submitted(s.transition.report_submitted);
  for (const auto& summary : s.summaries) {
    view->add_summaries_filed(summary.first);
  }
  for (v1::BlockingReason& reason :
       domain::BlockingReasons(s, unit.evaluations)) {
    *view->add_blocking() = std::move(reason);
  }
  view->set_stream_version(s.version);
}

}  // namespace

grpc::Status ClerkServiceImpl::GetUnit(grpc::ServerContext*,
                                       const v1::GetUnitRequest* request,
                                       v1::UnitView* response) {
  absl::StatusOr<domain::LoadedUnit> unit = ReadUnit(env_, request->unit_id());
  if (!unit.ok()) return services::ToGrpcStatus(unit.status());
  FillUnitView(*unit, response);
  return grpc::Status::OK;
}

grpc::Status ClerkServiceImpl::GetBlockingReasons(
    grpc::ServerContext*, const v1::GetBlockingReasonsRequest* request,
    v1::GetBlockingReasonsResponse* response) {
  absl::StatusOr<domain::LoadedUnit> unit = ReadUnit(env_, request->unit_id());
  if (!unit.ok()) return services::ToGrpcStatus(unit.status());
  response->set_unit_id(unit->state.unit_id());
  response->set_stage(unit->state.stage);
  response->set_next_step(domain::NextStep(unit->state));
  for (v1::BlockingReason& reason :
       domain::BlockingReasons(unit->state, unit->evaluations)) {
    *response->add_reasons() = std::move(reason);
  }
  return grpc::Status::OK;
}

grpc::Status ClerkServiceImpl::GetRectification(
    grpc::ServerContext*, const v1::GetRectificationRequest* request,
    v1::RectificationView* response) {
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(domain::CheckId(domain::IdKind::kItem, "item_id",
                                    request->item_id(), env_.node_id)
                        .status());
    ASSIGN_OR_RETURN(
        domain::Stream item,
        services::ReadWholeStream(
            *env_.log, domain::RectificationStream(request->item_id())));
    ASSIGN_OR_RETURN(domain::RectificationState state,
                     domain::FoldRectification(item.events));
    if (!state.identified()) {
      return absl::NotFoundError(
          absl::StrCat("rectification item ", request->item_id(),
                       " is not identified on this node"));
    }
    *response = domain::ToRectificationView(state, NodeToday(env_));
    return absl::OkStatus();
  }();
  return services::ToGrpcStatus(status);
}

}  // namespace reporting::county
