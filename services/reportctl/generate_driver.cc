#include "services/reportctl/generate_driver.h"

#include <algorithm>
#include <functional>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace reporting::reportctl {
namespace {

using Call = std::function<grpc::Status(
    v1::CommandService::Stub&, grpc::ClientContext*,
    const google::protobuf::Message&, v1::CommandResult*)>;

#define REPORTING_CALL(Method)                                          \
  {                                                                     \
#Method, [](v1::CommandService::Stub& stub, grpc::ClientContext* ctx, \
                const google::protobuf::Message& request,               \
                v1::CommandResult* result) {                            \
      return stub.Method(                                                \
          ctx, static_cast<const v1::Method##Request&>(request), result); \
    } \
  }

// Every CommandService RPC, by name.
const std::map<std::string, Call>& Calls() {
  static const auto* calls = new std::map<std::string, Call>{
      REPORTING_CALL(RegisterNode),
      REPORTING_CALL(RegisterUnit),
      REPORTING_CALL(RegisterBranch),
      REPORTING_CALL(RegisterMember),
      REPORTING_CALL(RecordEvaluation),
      REPORTING_CALL(ShowEvaluation),
      REPORTING_CALL(SignEvaluation),
      REPORTING_CALL(DisputeEvaluation),
      REPORTING_CALL(ReviseEvaluation),
      REPORTING_CALL(GiveEvaluationFeedback),
      REPORTING_CALL(AssignTransformationMeasure),
      REPORTING_CALL(CompleteTransformationMeasure),
      REPORTING_CALL(SubmitMaterial),
      REPORTING_CALL(ReturnMaterial),
      REPORTING_CALL(AcceptMaterial),
      REPORTING_CALL(HoldSpecialMeeting),
      REPORTING_CALL(CirculateMeetingResults),
      REPORTING_CALL(RecordSelfInspectionCheck),
      REPORTING_CALL(CompleteSelfInspection),
      REPORTING_CALL(RecordSurvey),
      REPORTING_CALL(RecordRemediation),
      REPORTING_CALL(SubmitTransitionReport),
      REPORTING_CALL(RecordSupervisoryReview),
      REPORTING_CALL(RecordApproval),
      REPORTING_CALL(HoldTransitionMeeting),
      REPORTING_CALL(FileWorkSummary),
      REPORTING_CALL(IdentifyRectification),
      REPORTING_CALL(PlanRectification),
      REPORTING_CALL(ReportRectificationProgress),
      REPORTING_CALL(CompleteRectification),
      REPORTING_CALL(PublishRectificationExplanation),
      REPORTING_CALL(ReportCensus),
      REPORTING_CALL(ResolveCensusProblem),
  };
  return *calls;
}

#undef REPORTING_CALL

}  // namespace

CommandSender::CommandSender(std::shared_ptr<grpc::Channel> channel,
                             absl::Duration retry_for)
    : stub_(v1::CommandService::NewStub(std::move(channel))),
      retry_for_(retry_for) {}

absl::StatusOr<v1::CommandResult> CommandSender::Send(const Command& command) {
  auto call = Calls().find(command.method);
  if (call == Calls().end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no CommandService method ", command.method));
  }
  const absl::Time give_up = absl::Now() + retry_for_;
  absl::Duration backoff = absl::Milliseconds(50);
  while (true) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    v1::CommandResult result;
    grpc::Status status = call->second(*stub_, &ctx, *command.request, &result);
    if (status.ok()) return result;
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE &&
        absl::Now() + backoff < give_up) {
      absl::SleepFor(backoff);
      backoff = std::min(backoff * 2, absl::Seconds(2));
      continue;
    }
    // The codes are the same numbers (absl's are gRPC's).
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        absl::StrCat(command.method, " ", CommandId(command),
                                     ": ", status.error_message()));
  }
}

}  // namespace reporting::reportctl
