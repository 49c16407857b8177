// ClerkService: GetEvaluation. The other reads are in clerk_service_unit.cc.
#include "services/county/clerk_service.h"

#include "absl/strings/str_cat.h"
#include "services/common/grpc_status.h"
#include "services/common/log_stream.h"
#include "services/domain/evaluation.h"
#include "services/domain/ids.h"
#include "services/domain/registration.h"
#include "storage/status_macros.h"

namespace reporting::county {
namespace {

v1::EvaluationStatus StatusOf(domain::EvaluationPhase phase) {
  switch (phase) {
    case domain::EvaluationPhase::kRecorded:
      return v1::EVALUATION_STATUS_RECORDED;
    case domain::EvaluationPhase::kShown:
      return v1::EVALUATION_STATUS_SHOWN;
    case domain::EvaluationPhase::kDisputed:
      return v1::EVALUATION_STATUS_DISPUTED;
    case domain::EvaluationPhase::kSigned:
      return v1::EVALUATION_STATUS_SIGNED;
    case domain::EvaluationPhase::kNone:
      break;
  }
  return v1::EVALUATION_STATUS_UNSPECIFIED;
}

absl::Status GetEvaluationView(const NodeEnv& env,
                               const v1::GetEvaluationRequest& request,
                               v1::EvaluationView* view) {
  const std::string& member_id = request.member_id();
  ASSIGN_OR_RETURN(std::string unit_id,
                   domain::CheckId(domain::IdKind::kMember, "member_id",
                                   member_id, env.node_id));
  if (!v1::Batch_IsValid(request.batch())) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch ", request.batch(),
                     " is not a batch: give 1 (first), 2 "
                     "(second) or leave it unspecified"));
  }
  ASSIGN_OR_RETURN(
      domain::Stream unit,
      services::ReadWholeStream(*env.log, domain::UnitStream(unit_id)));
  ASSIGN_OR_RETURN(domain::Roster roster, domain::FoldRoster(unit.events));
  ASSIGN_OR_RETURN(domain::RosterMember member,
                   domain::RequireMember(roster, unit_id, member_id));
  const v1::Batch batch =
      request.batch() == v1::BATCH_UNSPECIFIED ? member.batch : request.batch();
  ASSIGN_OR_RETURN(domain::Stream stream,
                   services::ReadWholeStream(
                       *env.log, domain::EvaluationStream(
                                     member_id, domain::BatchNumber(batch))));
  ASSIGN_OR_RETURN(domain::EvaluationState state,
                   domain::FoldEvaluation(stream.events));
  if (!state.recorded()) {
    return absl::NotFoundError(absl::StrCat(
        "member ", member_id, ": no opinion is recorded for batch ",
        domain::BatchNumber(batch), " yet (RecordEvaluation)"));
  }
  view->set_member_id(member_id);
  view->set_batch(batch);
  view->set_rating(state.rating);
  for (const std::string& s : state.shortcomings) view->add_shortcomings(s);
  view->set_status(StatusOf(state.phase));
  view->set_revisions(state.revisions);
  view->set_transformation_required(state.transformation_required());
  view->set_transformation_measure(state.measure);
  view->set_helper_name(state.helper_name);
  view->set_transformation_completed(state.measure_completed);
  view->set_stream_version(state.version);
  return absl::OkStatus();
}

}  // namespace

grpc::Status ClerkServiceImpl::GetEvaluation(
    grpc::ServerContext*, const v1::GetEvaluationRequest* request,
    v1::EvaluationView* response) {
  return services::ToGrpcStatus(GetEvaluationView(env_, *request, response));
}

}  // namespace reporting::county
