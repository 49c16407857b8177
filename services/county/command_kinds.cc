#include "services/county/command_kinds.h"

#include <utility>

namespace reporting::county {
namespace {

#define REPORTING_COMMAND_KIND(Method)                                   \
  CommandKind {                                                          \
#Method, v1::Method##Request::descriptor(),                            \
        [](const CommandHandlers& handlers,                                \
           const google::protobuf::Message& request,                       \
           v1::CommandResult* result, CommandDone done) {                  \
          handlers.Method(static_cast<const v1::Method##Request*>(&request), \
                          result, std::move(done));                        \
        } \
  }

}  // namespace

const std::vector<CommandKind>& CommandKinds() {
  static const auto* kinds = new std::vector<CommandKind>{
      REPORTING_COMMAND_KIND(RegisterNode),
      REPORTING_COMMAND_KIND(RegisterUnit),
      REPORTING_COMMAND_KIND(RegisterBranch),
      REPORTING_COMMAND_KIND(RegisterMember),
      REPORTING_COMMAND_KIND(RecordEvaluation),
      REPORTING_COMMAND_KIND(ShowEvaluation),
      REPORTING_COMMAND_KIND(SignEvaluation),
      REPORTING_COMMAND_KIND(DisputeEvaluation),
      REPORTING_COMMAND_KIND(ReviseEvaluation),
      REPORTING_COMMAND_KIND(GiveEvaluationFeedback),
      REPORTING_COMMAND_KIND(AssignTransformationMeasure),
      REPORTING_COMMAND_KIND(CompleteTransformationMeasure),
      REPORTING_COMMAND_KIND(SubmitMaterial),
      REPORTING_COMMAND_KIND(ReturnMaterial),
      REPORTING_COMMAND_KIND(AcceptMaterial),
      REPORTING_COMMAND_KIND(HoldSpecialMeeting),
      REPORTING_COMMAND_KIND(CirculateMeetingResults),
      REPORTING_COMMAND_KIND(RecordSelfInspectionCheck),
      REPORTING_COMMAND_KIND(CompleteSelfInspection),
      REPORTING_COMMAND_KIND(RecordSurvey),
      REPORTING_COMMAND_KIND(RecordRemediation),
      REPORTING_COMMAND_KIND(SubmitTransitionReport),
      REPORTING_COMMAND_KIND(RecordSupervisoryReview),
      REPORTING_COMMAND_KIND(RecordApproval),
      REPORTING_COMMAND_KIND(HoldTransitionMeeting),
      REPORTING_COMMAND_KIND(FileWorkSummary),
      REPORTING_COMMAND_KIND(IdentifyRectification),
      REPORTING_COMMAND_KIND(PlanRectification),
      REPORTING_COMMAND_KIND(ReportRectificationProgress),
      REPORTING_COMMAND_KIND(CompleteRectification),
      REPORTING_COMMAND_KIND(PublishRectificationExplanation),
      REPORTING_COMMAND_KIND(ReportCensus),
      REPORTING_COMMAND_KIND(ResolveCensusProblem),
  };
  return *kinds;
}

#undef REPORTING_COMMAND_KIND

const CommandKind* FindCommandKind(absl::string_view method) {
  for (const CommandKind& kind : CommandKinds()) {
    if (method == kind.method) return &kind;
  }
  return nullptr;
}

const CommandKind* FindCommandKind(
    const google::protobuf::Descriptor* request_type) {
  for (const CommandKind& kind : CommandKinds()) {
    if (kind.request_type == request_type) return &kind;
  }
  return nullptr;
}

}  // namespace reporting::county
