// The node's commands (proto/reporting/v1/command.proto), listed once, in
// the proto's order. Everything that exists once per command is generated
// from this list: CommandHandlers' methods (command_handlers.h), the
// gRPC service's forwarders (command_service.h) and the table the command
// stream and the clerk's batch import dispatch by (command_kinds.cc).
// command_kinds_test checks the list against the protos.
//
// Adding a command: its RPC and messages in command.proto and a field in
// CommandStreamRequest's oneof (command_stream.proto); one line here; its
// handler in the command_service_<aggregate>.cc named beside its group
// (and the decision in services/domain/); its tests. services/README.md
// lists the steps.
//
// Use: REPORTING_COMMANDS(X) expands X(Method) once per command; the
// request type is v1::Method##Request, the answer v1::CommandResult.
#ifndef REPORTING_SERVICES_COUNTY_COMMAND_LIST_H_
#define REPORTING_SERVICES_COUNTY_COMMAND_LIST_H_

// clang-format off
#define REPORTING_COMMANDS(X)                                                 \
  /* Registration: command_service_registration.cc */                         \
  X(RegisterNode)                                                             \
  X(RegisterUnit)                                                             \
  X(RegisterBranch)                                                           \
  X(RegisterMember)                                                           \
  /* Member evaluation (评议意见), one per member per batch, and its */       \
  /* transformation measures: command_service_evaluation.cc */                \
  X(RecordEvaluation)                                                         \
  X(ShowEvaluation)                                                           \
  X(SignEvaluation)                                                           \
  X(DisputeEvaluation)                                                        \
  X(ReviseEvaluation)                                                         \
  X(GiveEvaluationFeedback)                                                   \
  X(AssignTransformationMeasure)                                              \
  X(CompleteTransformationMeasure)                                            \
  /* Party-spirit analysis material (党性分析材料), one per member: */        \
  /* command_service_material.cc */                                           \
  X(SubmitMaterial)                                                           \
  X(ReturnMaterial)                                                           \
  X(AcceptMaterial)                                                           \
  /* Special meetings (专题民主生活会 / 专题组织生活会): */                   \
  /* command_service_meeting.cc */                                            \
  X(HoldSpecialMeeting)                                                       \
  X(CirculateMeetingResults)                                                  \
  /* Stage transition (转段), six steps strictly in order, and the */         \
  /* stage's work summary (工作总结): command_service_unit.cc */              \
  X(RecordSelfInspectionCheck)                                                \
  X(CompleteSelfInspection)                                                   \
  X(RecordSurvey)                                                             \
  X(RecordRemediation)                                                        \
  X(SubmitTransitionReport)                                                   \
  X(RecordSupervisoryReview)                                                  \
  X(RecordApproval)                                                           \
  X(HoldTransitionMeeting)                                                    \
  X(FileWorkSummary)                                                          \
  /* Rectification (整改), one item per problem: */                           \
  /* command_service_rectification.cc */                                      \
  X(IdentifyRectification)                                                    \
  X(PlanRectification)                                                        \
  X(ReportRectificationProgress)                                              \
  X(CompleteRectification)                                                    \
  X(PublishRectificationExplanation)                                          \
  /* Organisation census (排查摸底) for the next batch: */                    \
  /* command_service_census.cc */                                             \
  X(ReportCensus)                                                             \
  X(ResolveCensusProblem)
// clang-format on

#endif  // REPORTING_SERVICES_COUNTY_COMMAND_LIST_H_
