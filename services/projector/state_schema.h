// The one schema of the city's persisted states: for each aggregate state of
// services/domain/, which struct member is which field of its Projected*
// message (projection.proto). A state field the city keeps is one line here;
// everything that converts a state reads these lines:
//
//   ToProto / FromProto (state_codec.h)  through protobuf reflection;
//   EncodeStateRow (state_row.h)         straight to the row's bytes;
//   state_schema_test                    checks them against the messages:
//                                        every field of a Projected* message
//                                        is named here once (or by the
//                                        hand-written collections below),
//                                        with a matching type.
//
// Each line names the message field by its generated number constant and
// the member, so neither can be misspelt. A visitor V offers:
//
//   Str(n, string)        string             Flag(n, bool)    bool
//   U32(n, uint32_t)      uint32             U64(n, uint64_t) uint64
//   I64(n, int64_t)       int64
//   Enum(n, e)            an enum field, or a uint32 field holding a domain
//                         enum class (EvaluationPhase, SentBack, ...)
//   Part(n, msg, m)       field m of the state's message member `msg` (a
//                         meeting keeps its event; the row keeps two of its
//                         fields)
//   Embedded(n, msg)      a whole message member (the unit's registration,
//                         the census report)
//   Records(n, vector)    a repeated message from a vector of structs that
//                         have their own lines here (the unit's surveys)
//
// The flat states (evaluation, material, meeting, rectification: most of a
// rebuild's rows) use the first six only, which the byte encoder
// implements. Map-shaped members whose row form differs (a unit's branches,
// members, checks, filed summaries; a census's resolutions) are converted by
// hand in state_codec.cc and listed there (kUnitByHand, kCensusByHand).
//
// What a state keeps beyond these lines (names, free texts) the city drops:
// Slim* (state_codec.h) drops it in memory.
#ifndef REPORTING_SERVICES_PROJECTOR_STATE_SCHEMA_H_
#define REPORTING_SERVICES_PROJECTOR_STATE_SCHEMA_H_

#include <type_traits>

#include "reporting/v1/projection.pb.h"
#include "services/domain/census.h"
#include "services/domain/evaluation.h"
#include "services/domain/material.h"
#include "services/domain/meeting.h"
#include "services/domain/rectification.h"
#include "services/domain/unit.h"

namespace reporting::projector {

// S is the state or a const state: one list serves writing and reading.
template <typename S, typename T>
using EnableFor = std::enable_if_t<std::is_same_v<std::remove_const_t<S>, T>>;

// Fields(v, state) visits the state's lines in field-number order (the
// byte encoder writes them in this order, as protobuf does; the schema test
// checks the order).

template <typename V, typename S,
          EnableFor<S, domain::EvaluationState>* = nullptr>
void Fields(V& v, S& s) {
  using P = v1::ProjectedEvaluation;
  v.Str(P::kMemberIdFieldNumber, s.member_id);
  v.Str(P::kUnitIdFieldNumber, s.unit_id);
  v.Str(P::kBranchIdFieldNumber, s.branch_id);
  v.Enum(P::kBatchFieldNumber, s.batch);
  v.Enum(P::kPhaseFieldNumber, s.phase);
  v.Enum(P::kRatingFieldNumber, s.rating);
  v.U32(P::kRevisionsFieldNumber, s.revisions);
  v.Flag(P::kEverShownFieldNumber, s.ever_shown);
  v.U32(P::kFeedbackCountFieldNumber, s.feedback_count);
  v.Str(P::kMeasureFieldNumber, s.measure);
  v.Str(P::kHelperNameFieldNumber, s.helper_name);
  v.Flag(P::kMeasureCompletedFieldNumber, s.measure_completed);
  v.U64(P::kVersionFieldNumber, s.version);
}

template <typename V, typename S,
          EnableFor<S, domain::MaterialState>* = nullptr>
void Fields(V& v, S& s) {
  using P = v1::ProjectedMaterial;
  v.Enum(P::kPhaseFieldNumber, s.phase);
  v.U32(P::kSubmissionsFieldNumber, s.submissions);
  v.U32(P::kReturnsFieldNumber, s.returns);
  v.U64(P::kVersionFieldNumber, s.version);
}

template <typename V, typename S, EnableFor<S, domain::MeetingState>* = nullptr>
void Fields(V& v, S& s) {
  using P = v1::ProjectedMeeting;
  using Held = v1::SpecialMeetingHeld;
  v.Flag(P::kHeldFieldNumber, s.held);
  v.Part(P::kUnitIdFieldNumber, s.meeting, Held::kUnitIdFieldNumber);
  v.Part(P::kKindFieldNumber, s.meeting, Held::kKindFieldNumber);
  v.Flag(P::kCirculatedFieldNumber, s.circulated);
  v.U64(P::kVersionFieldNumber, s.version);
}

template <typename V, typename S,
          EnableFor<S, domain::RectificationState>* = nullptr>
void Fields(V& v, S& s) {
  using P = v1::ProjectedRectification;
  v.Enum(P::kStatusFieldNumber, s.status);
  v.Str(P::kItemIdFieldNumber, s.item_id);
  v.Str(P::kUnitIdFieldNumber, s.unit_id);
  v.Enum(P::kKindFieldNumber, s.kind);
  v.Str(P::kDeadlineFieldNumber, s.deadline);
  v.Enum(P::kItemClassFieldNumber, s.item_class);
  v.U32(P::kPercentDoneFieldNumber, s.percent_done);
  v.Str(P::kClosedOnFieldNumber, s.closed_on);
  v.U64(P::kVersionFieldNumber, s.version);
}

template <typename V, typename S, EnableFor<S, domain::SurveyRecord>* = nullptr>
void Fields(V& v, S& s) {
  using P = v1::ProjectedUnit::Survey;
  v.U32(P::kSurveyNumberFieldNumber, s.survey_number);
  v.U32(P::kRespondentsFieldNumber, s.respondents);
  v.U32(P::kSatisfiedFieldNumber, s.satisfied);
  v.U32(P::kBasicallySatisfiedFieldNumber, s.basically_satisfied);
  v.U32(P::kDissatisfiedFieldNumber, s.dissatisfied);
  v.Flag(P::kRemediationRecordedFieldNumber, s.remediation_recorded);
}

// Besides these: branch_ids, member_ids, member_branch_ids, checks and
// summaries_filed by hand (state_codec.cc), node_id by the projector.
template <typename V, typename S, EnableFor<S, domain::UnitState>* = nullptr>
void Fields(V& v, S& s) {
  using P = v1::ProjectedUnit;
  v.Flag(P::kRegisteredFieldNumber, s.roster.unit_registered);
  v.Embedded(P::kUnitFieldNumber, s.roster.unit);
  v.U64(P::kRosterVersionFieldNumber, s.roster.version);
  v.Enum(P::kStageFieldNumber, s.stage);
  v.Flag(P::kSelfInspectionCompletedFieldNumber,
         s.transition.self_inspection_completed);
  v.Records(P::kSurveysFieldNumber, s.transition.surveys);
  v.Flag(P::kReportSubmittedFieldNumber, s.transition.report_submitted);
  v.Flag(P::kReviewPassedFieldNumber, s.transition.review_passed);
  v.Flag(P::kApprovedFieldNumber, s.transition.approved);
  v.Enum(P::kSentBackFieldNumber, s.transition.sent_back);
  v.Str(P::kSentBackCommentsFieldNumber, s.transition.sent_back_comments);
  v.U64(P::kVersionFieldNumber, s.version);
  v.I64(P::kStepSinceUsFieldNumber, s.step_since_us);
}

// Besides these: resolved_problem_ids by hand (state_codec.cc).
template <typename V, typename S, EnableFor<S, domain::CensusState>* = nullptr>
void Fields(V& v, S& s) {
  using P = v1::ProjectedCensus;
  v.Flag(P::kReportedFieldNumber, s.reported);
  v.Embedded(P::kReportFieldNumber, s.report);
  v.U64(P::kVersionFieldNumber, s.version);
}

}  // namespace reporting::projector

#endif  // REPORTING_SERVICES_PROJECTOR_STATE_SCHEMA_H_
