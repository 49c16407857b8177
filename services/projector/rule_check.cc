#include "services/projector/rule_check.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "reporting/v1/events.pb.h"
#include "services/domain/dates.h"
#include "services/domain/ids.h"
#include "services/domain/registration.h"
#include "storage/status_macros.h"

namespace reporting::projector {
namespace {

using domain::IdKind;

const domain::UnitState& UnitOrEmpty(const RuleState& s,
                                     const std::string& unit_id) {
  static const domain::UnitState* const kNone = new domain::UnitState;
  const domain::UnitState* unit = s.Unit(unit_id);
  return unit != nullptr ? *unit : *kNone;
}

template <typename State>
const State& OrEmpty(const State* state) {
  static const State* const kNone = new State;
  return state != nullptr ? *state : *kNone;
}

// The node's date when the event was recorded (what NodeToday gave the
// county's decision).
std::string Today(const v1::EventEnvelope& e) {
  return domain::DateOf(absl::FromUnixMicros(e.recorded_at_us()),
                        absl::LocalTimeZone());
}

absl::Status OnStream(const v1::EventEnvelope& e, const std::string& expected) {
  if (e.stream_id() == expected) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("it is on stream ", e.stream_id(),
                   ", but a county records it on stream ", expected));
}

// The stored payload against the decided one, byte for byte.
template <typename M>
absl::Status Same(const v1::EventEnvelope& e, const M& decided) {
  // Serialized into a buffer the thread reuses: one per event otherwise.
  const size_t size = decided.ByteSizeLong();
  if (size == e.payload().size()) {
    thread_local std::string bytes;
    bytes.resize(size);
    decided.SerializeWithCachedSizesToArray(
        reinterpret_cast<uint8_t*>(bytes.data()));
    if (bytes == e.payload()) return absl::OkStatus();
  }
  M stored;
  stored.ParseFromString(e.payload());
  std::string diff;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  if (differencer.Compare(decided, stored)) {
    return absl::FailedPreconditionError(
        "its payload is not the canonical encoding a county writes");
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "it differs from the event the campaign's rules decide for it (first "
      "the decided value, then the stored one): ",
      diff));
}

// True when `m`, or a message inside it, carries fields its schema does not
// have. Read where they are kept, without copying or changing `m`.
bool HasUnknownFields(const google::protobuf::Message& m) {
  const google::protobuf::Reflection& r = *m.GetReflection();
  if (!r.GetUnknownFields(m).empty()) return true;
  const google::protobuf::Descriptor& d = *m.GetDescriptor();
  for (int i = 0; i < d.field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d.field(i);
    if (f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      continue;
    }
    if (f->is_repeated()) {
      for (int j = 0; j < r.FieldSize(m, f); ++j) {
        if (HasUnknownFields(r.GetRepeatedMessage(m, f, j))) return true;
      }
    } else if (r.HasField(m, f) && HasUnknownFields(r.GetMessage(m, f))) {
      return true;
    }
  }
  return false;
}

// Parses the payload as the request, decides it with `decide` (request ->
// StatusOr<M>) and compares.
template <typename M, typename Decide>
absl::Status Redecide(const v1::EventEnvelope& e, Decide decide) {
  M request;
  if (!request.ParseFromString(e.payload())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "its payload does not parse as ", M::descriptor()->full_name()));
  }
  if (HasUnknownFields(request)) {
    return absl::FailedPreconditionError(
        "its payload carries fields the schema does not have (a county "
        "refuses them)");
  }
  absl::StatusOr<M> decided = decide(request);
  if (!decided.ok()) return decided.status();
  return Same(e, *decided);
}

// ---- Registration (county/command_service_registration.cc).

absl::Status CheckNode(const RuleState& s, const v1::EventEnvelope& e) {
  return Redecide<v1::NodeRegistered>(
      e,
      [&](const v1::NodeRegistered& p) -> absl::StatusOr<v1::NodeRegistered> {
        RETURN_IF_ERROR(domain::ValidateNodeId(p.node_id()));
        if (p.node_id() != e.node_id()) {
          return absl::PermissionDeniedError(
              absl::StrCat("node ", e.node_id(), " registers node ",
                           p.node_id(), ": a node registers only itself"));
        }
        RETURN_IF_ERROR(OnStream(e, domain::NodeStream(e.node_id())));
        // DecideRegisterNode asks only whether the node stream is empty.
        const std::vector<v1::EventEnvelope> node_events(
            s.NodeRegistered() ? 1 : 0);
        return domain::DecideRegisterNode(node_events, p);
      });
}

absl::Status CheckUnitRegistered(const RuleState& s,
                                 const v1::EventEnvelope& e) {
  return Redecide<v1::UnitRegistered>(
      e,
      [&](const v1::UnitRegistered& p) -> absl::StatusOr<v1::UnitRegistered> {
        ASSIGN_OR_RETURN(std::string unit_id,
                         domain::CheckId(IdKind::kUnit, "unit_id", p.unit_id(),
                                         e.node_id()));
        RETURN_IF_ERROR(OnStream(e, domain::UnitStream(unit_id)));
        return domain::DecideRegisterUnit(s.NodeRegistered(),
                                          UnitOrEmpty(s, unit_id).roster, p);
      });
}

absl::Status CheckBranch(const RuleState& s, const v1::EventEnvelope& e) {
  return Redecide<v1::BranchRegistered>(
      e,
      [&](const v1::BranchRegistered& p)
          -> absl::StatusOr<v1::BranchRegistered> {
        ASSIGN_OR_RETURN(std::string unit_id,
                         domain::CheckId(IdKind::kBranch, "branch_id",
                                         p.branch_id(), e.node_id()));
        RETURN_IF_ERROR(OnStream(e, domain::UnitStream(unit_id)));
        return domain::DecideRegisterBranch(UnitOrEmpty(s, unit_id).roster,
                                            unit_id, p);
      });
}

absl::Status CheckMember(const RuleState& s, const v1::EventEnvelope& e) {
  return Redecide<v1::MemberRegistered>(
      e,
      [&](const v1::MemberRegistered& p)
          -> absl::StatusOr<v1::MemberRegistered> {
        ASSIGN_OR_RETURN(std::string unit_id,
                         domain::CheckId(IdKind::kMember, "member_id",
                                         p.member_id(), e.node_id()));
        ASSIGN_OR_RETURN(std::string branch_unit,
                         domain::CheckId(IdKind::kBranch, "branch_id",
                                         p.branch_id(), e.node_id()));
        if (branch_unit != unit_id) {
          return absl::InvalidArgumentError(absl::StrCat(
              "member ", p.member_id(), " belongs to unit ", unit_id,
              " but branch ", p.branch_id(), " to unit ", branch_unit));
        }
        RETURN_IF_ERROR(OnStream(e, domain::UnitStream(unit_id)));
        return domain::DecideRegisterMember(UnitOrEmpty(s, unit_id).roster,
                                            unit_id, p);
      });
}

// ---- A member's own streams (county/member_command.h): the member must be
// registered in the unit its id names.

template <typename M, typename Decide>
absl::Status MemberEvent(const RuleState& s, const v1::EventEnvelope& e,
                         bool evaluation, Decide decide) {
  return Redecide<M>(e, [&](const M& p) -> absl::StatusOr<M> {
    ASSIGN_OR_RETURN(std::string unit_id,
                     domain::CheckId(IdKind::kMember, "member_id",
                                     p.member_id(), e.node_id()));
    ASSIGN_OR_RETURN(domain::RosterMember member,
                     domain::RequireMember(UnitOrEmpty(s, unit_id).roster,
                                           unit_id, p.member_id()));
    const std::string stream =
        evaluation ? domain::EvaluationStream(member.member_id,
                                              domain::BatchNumber(member.batch))
                   : domain::MaterialStream(member.member_id);
    RETURN_IF_ERROR(OnStream(e, stream));
    return decide(stream, member, p);
  });
}

// Evaluation events decided from the opinion's state alone.
template <typename M, absl::StatusOr<M> (*kDecide)(
                          const domain::EvaluationState&, const M&)>
absl::Status CheckEvaluation(const RuleState& s, const v1::EventEnvelope& e) {
  return MemberEvent<M>(
      s, e, /*evaluation=*/true,
      [&](const std::string& stream, const domain::RosterMember&, const M& p) {
        return kDecide(OrEmpty(s.Evaluation(stream)), p);
      });
}

absl::Status CheckEvaluationRecorded(const RuleState& s,
                                     const v1::EventEnvelope& e) {
  return MemberEvent<v1::EvaluationRecorded>(
      s, e, /*evaluation=*/true,
      [&](const std::string& stream, const domain::RosterMember& member,
          const v1::EvaluationRecorded& p) {
        return domain::DecideRecordEvaluation(OrEmpty(s.Evaluation(stream)),
                                              member, p);
      });
}

template <typename M,
          absl::StatusOr<M> (*kDecide)(const domain::MaterialState&, const M&)>
absl::Status CheckMaterial(const RuleState& s, const v1::EventEnvelope& e) {
  return MemberEvent<M>(
      s, e, /*evaluation=*/false,
      [&](const std::string& stream, const domain::RosterMember&, const M& p) {
        return kDecide(OrEmpty(s.Material(stream)), p);
      });
}

absl::Status CheckMaterialSubmitted(const RuleState& s,
                                    const v1::EventEnvelope& e) {
  return MemberEvent<v1::PartySpiritMaterialSubmitted>(
      s, e, /*evaluation=*/false,
      [&](const std::string& stream, const domain::RosterMember& member,
          const v1::PartySpiritMaterialSubmitted& p) {
        return domain::DecideSubmitMaterial(OrEmpty(s.Material(stream)), member,
                                            p);
      });
}

// ---- Special meetings (county/command_service_meeting.cc).

absl::Status CheckMeetingHeld(const RuleState& s, const v1::EventEnvelope& e) {
  return Redecide<v1::SpecialMeetingHeld>(
      e,
      [&](const v1::SpecialMeetingHeld& p)
          -> absl::StatusOr<v1::SpecialMeetingHeld> {
        ASSIGN_OR_RETURN(std::string unit_id,
                         domain::CheckId(IdKind::kMeeting, "meeting_id",
                                         p.meeting_id(), e.node_id()));
        if (!p.branch_id().empty()) {
          ASSIGN_OR_RETURN(std::string branch_unit,
                           domain::CheckId(IdKind::kBranch, "branch_id",
                                           p.branch_id(), e.node_id()));
          if (branch_unit != unit_id) {
            return absl::InvalidArgumentError(absl::StrCat(
                "meeting ", p.meeting_id(), " belongs to unit ", unit_id,
                " but branch ", p.branch_id(), " to unit ", branch_unit));
          }
        }
        const std::string stream = domain::MeetingStream(p.meeting_id());
        RETURN_IF_ERROR(OnStream(e, stream));
        return domain::DecideHoldMeeting(OrEmpty(s.Meeting(stream)),
                                         UnitOrEmpty(s, unit_id).roster,
                                         unit_id, p);
      });
}

absl::Status CheckMeetingCirculated(const RuleState& s,
                                    const v1::EventEnvelope& e) {
  return Redecide<v1::SpecialMeetingResultsCirculated>(
      e,
      [&](const v1::SpecialMeetingResultsCirculated& p)
          -> absl::StatusOr<v1::SpecialMeetingResultsCirculated> {
        RETURN_IF_ERROR(domain::CheckId(IdKind::kMeeting, "meeting_id",
                                        p.meeting_id(), e.node_id())
                            .status());
        const std::string stream = domain::MeetingStream(p.meeting_id());
        RETURN_IF_ERROR(OnStream(e, stream));
        return domain::DecideCirculateResults(OrEmpty(s.Meeting(stream)), p);
      });
}

// ---- The unit's transition and summary (county/command_service_unit.cc).

// `decide(unit, evaluations, request)`; the evaluations are the members'
// opinions when `gated` (the analysis-and-evaluation gate applies to the
// step) and the unit's rules need them now, else none (as LoadUnit).
template <typename M, typename Decide>
absl::Status UnitStep(const RuleState& s, const v1::EventEnvelope& e,
                      bool gated, Decide decide) {
  return Redecide<M>(e, [&](const M& p) -> absl::StatusOr<M> {
    ASSIGN_OR_RETURN(
        std::string unit_id,
        domain::CheckId(IdKind::kUnit, "unit_id", p.unit_id(), e.node_id()));
    RETURN_IF_ERROR(OnStream(e, domain::UnitStream(unit_id)));
    const domain::UnitState& unit = UnitOrEmpty(s, unit_id);
    const domain::EvaluationsByMember* evaluations = nullptr;
    if (gated && domain::NeedsMemberEvaluations(unit)) {
      evaluations = s.Evaluations(unit_id);
    }
    return decide(unit, OrEmpty(evaluations), p);
  });
}

template <typename M, absl::StatusOr<M> (*kDecide)(
                          const domain::UnitState&,
                          const domain::EvaluationsByMember&, const M&)>
absl::Status CheckGatedStep(const RuleState& s, const v1::EventEnvelope& e) {
  return UnitStep<M>(s, e, /*gated=*/true,
                     [](const domain::UnitState& unit,
                        const domain::EvaluationsByMember& evaluations,
                        const M& p) { return kDecide(unit, evaluations, p); });
}

template <typename M,
          absl::StatusOr<M> (*kDecide)(const domain::UnitState&, const M&)>
absl::Status CheckUngatedStep(const RuleState& s, const v1::EventEnvelope& e) {
  return UnitStep<M>(
      s, e, /*gated=*/false,
      [](const domain::UnitState& unit, const domain::EvaluationsByMember&,
         const M& p) { return kDecide(unit, p); });
}

absl::Status CheckTransitionMeeting(const RuleState& s,
                                    const v1::EventEnvelope& e) {
  return UnitStep<v1::TransitionMeetingHeld>(
      s, e, /*gated=*/true,
      [&](const domain::UnitState& unit,
          const domain::EvaluationsByMember& evaluations,
          const v1::TransitionMeetingHeld& p) {
        return domain::DecideHoldTransitionMeeting(unit, evaluations, p,
                                                   Today(e));
      });
}

// ---- Rectification items (county/command_service_rectification.cc).

template <typename M, typename Decide>
absl::Status ItemEvent(const RuleState& s, const v1::EventEnvelope& e,
                       Decide decide) {
  return Redecide<M>(e, [&](const M& p) -> absl::StatusOr<M> {
    ASSIGN_OR_RETURN(
        std::string unit_id,
        domain::CheckId(IdKind::kItem, "item_id", p.item_id(), e.node_id()));
    const std::string stream = domain::RectificationStream(p.item_id());
    RETURN_IF_ERROR(OnStream(e, stream));
    return decide(unit_id, OrEmpty(s.Item(stream)), p);
  });
}

absl::Status CheckItemIdentified(const RuleState& s,
                                 const v1::EventEnvelope& e) {
  return ItemEvent<v1::RectificationItemIdentified>(
      s, e,
      [&](const std::string& unit_id, const domain::RectificationState& item,
          const v1::RectificationItemIdentified& p)
          -> absl::StatusOr<v1::RectificationItemIdentified> {
        RETURN_IF_ERROR(
            domain::RequireUnit(UnitOrEmpty(s, unit_id).roster, unit_id));
        return domain::DecideIdentifyRectification(item, unit_id, p);
      });
}

template <typename M, absl::StatusOr<M> (*kDecide)(
                          const domain::RectificationState&, const M&)>
absl::Status CheckItem(const RuleState& s, const v1::EventEnvelope& e) {
  return ItemEvent<M>(
      s, e,
      [](const std::string&, const domain::RectificationState& item,
         const M& p) { return kDecide(item, p); });
}

template <typename M,
          absl::StatusOr<M> (*kDecide)(const domain::RectificationState&,
                                       const M&, absl::string_view)>
absl::Status CheckDatedItem(const RuleState& s, const v1::EventEnvelope& e) {
  return ItemEvent<M>(
      s, e,
      [&](const std::string&, const domain::RectificationState& item,
          const M& p) { return kDecide(item, p, Today(e)); });
}

// ---- The census (county/command_service_census.cc).

template <typename M, typename Decide>
absl::Status CensusEvent(const RuleState& s, const v1::EventEnvelope& e,
                         Decide decide) {
  return Redecide<M>(e, [&](const M& p) -> absl::StatusOr<M> {
    ASSIGN_OR_RETURN(
        std::string unit_id,
        domain::CheckId(IdKind::kUnit, "unit_id", p.unit_id(), e.node_id()));
    const std::string stream = domain::CensusStream(unit_id);
    RETURN_IF_ERROR(OnStream(e, stream));
    return decide(unit_id, OrEmpty(s.Census(stream)), p);
  });
}

absl::Status CheckCensusReported(const RuleState& s,
                                 const v1::EventEnvelope& e) {
  return CensusEvent<v1::CensusReported>(
      s, e,
      [&](const std::string& unit_id, const domain::CensusState& census,
          const v1::CensusReported& p) -> absl::StatusOr<v1::CensusReported> {
        ASSIGN_OR_RETURN(v1::CensusReported decided,
                         domain::DecideReportCensus(census, unit_id, p));
        RETURN_IF_ERROR(
            domain::RequireUnit(UnitOrEmpty(s, unit_id).roster, unit_id));
        return decided;
      });
}

absl::Status CheckCensusResolved(const RuleState& s,
                                 const v1::EventEnvelope& e) {
  return CensusEvent<v1::CensusProblemResolved>(
      s, e,
      [](const std::string& unit_id, const domain::CensusState& census,
         const v1::CensusProblemResolved& p) {
        return domain::DecideResolveCensusProblem(census, unit_id, p);
      });
}

// ---- Every event type a county command records, with its check.

using CheckFn = absl::Status (*)(const RuleState&, const v1::EventEnvelope&);

template <typename M>
std::pair<std::string, CheckFn> Entry(CheckFn fn) {
  return {std::string(M::descriptor()->full_name()), fn};
}

const std::unordered_map<std::string, CheckFn>& Checks() {
  static const auto* const kChecks = new std::unordered_map<std::string,
                                                            CheckFn>{
      Entry<v1::NodeRegistered>(CheckNode),
      Entry<v1::UnitRegistered>(CheckUnitRegistered),
      Entry<v1::BranchRegistered>(CheckBranch),
      Entry<v1::MemberRegistered>(CheckMember),
      Entry<v1::EvaluationRecorded>(CheckEvaluationRecorded),
      Entry<v1::EvaluationShown>(
          CheckEvaluation<v1::EvaluationShown, domain::DecideShowEvaluation>),
      Entry<v1::EvaluationSigned>(
          CheckEvaluation<v1::EvaluationSigned, domain::DecideSignEvaluation>),
      Entry<v1::EvaluationDisputed>(
          CheckEvaluation<v1::EvaluationDisputed,
                          domain::DecideDisputeEvaluation>),
      Entry<v1::EvaluationRevised>(
          CheckEvaluation<v1::EvaluationRevised,
                          domain::DecideReviseEvaluation>),
      Entry<v1::EvaluationFeedbackGiven>(
          CheckEvaluation<v1::EvaluationFeedbackGiven,
                          domain::DecideGiveFeedback>),
      Entry<v1::TransformationMeasureAssigned>(
          CheckEvaluation<v1::TransformationMeasureAssigned,
                          domain::DecideAssignMeasure>),
      Entry<v1::TransformationMeasureCompleted>(
          CheckEvaluation<v1::TransformationMeasureCompleted,
                          domain::DecideCompleteMeasure>),
      Entry<v1::PartySpiritMaterialSubmitted>(CheckMaterialSubmitted),
      Entry<v1::PartySpiritMaterialReturned>(
          CheckMaterial<v1::PartySpiritMaterialReturned,
                        domain::DecideReturnMaterial>),
      Entry<v1::PartySpiritMaterialAccepted>(
          CheckMaterial<v1::PartySpiritMaterialAccepted,
                        domain::DecideAcceptMaterial>),
      Entry<v1::SpecialMeetingHeld>(CheckMeetingHeld),
      Entry<v1::SpecialMeetingResultsCirculated>(CheckMeetingCirculated),
      Entry<v1::SelfInspectionCheckRecorded>(
          CheckUngatedStep<v1::SelfInspectionCheckRecorded,
                           domain::DecideRecordSelfInspectionCheck>),
      Entry<v1::SelfInspectionCompleted>(
          CheckGatedStep<v1::SelfInspectionCompleted,
                         domain::DecideCompleteSelfInspection>),
      Entry<v1::SatisfactionSurveyRecorded>(
          CheckGatedStep<v1::SatisfactionSurveyRecorded,
                         domain::DecideRecordSurvey>),
      Entry<v1::RemediationRecorded>(
          CheckGatedStep<v1::RemediationRecorded,
                         domain::DecideRecordRemediation>),
      Entry<v1::TransitionReportSubmitted>(
          CheckGatedStep<v1::TransitionReportSubmitted,
                         domain::DecideSubmitTransitionReport>),
      Entry<v1::SupervisoryReviewRecorded>(
          CheckGatedStep<v1::SupervisoryReviewRecorded,
                         domain::DecideRecordSupervisoryReview>),
      Entry<v1::TransitionApprovalRecorded>(
          CheckGatedStep<v1::TransitionApprovalRecorded,
                         domain::DecideRecordApproval>),
      Entry<v1::TransitionMeetingHeld>(CheckTransitionMeeting),
      Entry<v1::StageWorkSummaryFiled>(
          CheckUngatedStep<v1::StageWorkSummaryFiled,
                           domain::DecideFileWorkSummary>),
      Entry<v1::RectificationItemIdentified>(CheckItemIdentified),
      Entry<v1::RectificationItemPlanned>(
          CheckItem<v1::RectificationItemPlanned,
                    domain::DecidePlanRectification>),
      Entry<v1::RectificationProgressReported>(
          CheckItem<v1::RectificationProgressReported,
                    domain::DecideReportProgress>),
      Entry<v1::RectificationItemCompleted>(
          CheckDatedItem<v1::RectificationItemCompleted,
                         domain::DecideCompleteRectification>),
      Entry<v1::RectificationExplanationPublished>(
          CheckDatedItem<v1::RectificationExplanationPublished,
                         domain::DecidePublishExplanation>),
      Entry<v1::CensusReported>(CheckCensusReported),
      Entry<v1::CensusProblemResolved>(CheckCensusResolved),
  };
  return *kChecks;
}

}  // namespace

absl::Status CheckEvent(const RuleState& state,
                        const v1::EventEnvelope& event) {
  auto it = Checks().find(event.event_type());
  if (it == Checks().end()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "event type \"", event.event_type(),
        "\" is not one a county command records with this version of the "
        "rules (a newer county? upgrade the city before its counties)"));
  }
  return it->second(state, event);
}

}  // namespace reporting::projector
