// Step 2, the satisfaction survey and remediation after one over 10%
// (unit.h).
#include "absl/strings/str_cat.h"
#include "services/domain/unit.h"
#include "services/domain/unit_internal.h"

namespace reporting::domain {

using unit_internal::CheckRoster;
using unit_internal::CheckStep;
using unit_internal::CheckUnitAndStage;
using unit_internal::Refuse;
using unit_internal::RequireField;
using unit_internal::StepReasons;
using v1::BlockingReason;

absl::StatusOr<v1::SatisfactionSurveyRecorded> DecideRecordSurvey(
    const UnitState& s, const EvaluationsByMember& evaluations,
    const v1::SatisfactionSurveyRecorded& request) {
  const std::string& id = request.unit_id();
  const uint64_t respondents = request.respondents();
  if (respondents == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("unit ", id, ": a survey needs at least one respondent"));
  }
  if (request.dissatisfied() > respondents) {
    return absl::InvalidArgumentError(
        absl::StrCat("unit ", id, ": survey has ", request.dissatisfied(),
                     " dissatisfied but only ", respondents, " respondents"));
  }
  const uint64_t answered = static_cast<uint64_t>(request.satisfied()) +
                            request.basically_satisfied() +
                            request.dissatisfied();
  if (answered > respondents) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", id,
        ": survey has satisfied + basically satisfied + "
        "dissatisfied = ",
        answered, ", more than its ", respondents, " respondents"));
  }
  constexpr absl::string_view kAction = "record a satisfaction survey";
  if (auto st = CheckUnitAndStage(s, id, request.stage(), kAction); !st.ok()) {
    return st;
  }
  if (auto st = CheckStep(s, evaluations, v1::TRANSITION_STEP_SURVEY, kAction);
      !st.ok()) {
    return st;
  }
  const std::vector<SurveyRecord>& surveys = s.transition.surveys;
  if (!surveys.empty() && !surveys.back().remediation_recorded) {
    // The latest survey is over 10% (else the next step would be the
    // report): remediation comes before a new survey.
    std::vector<BlockingReason> reasons;
    StepReasons(s, reasons);
    return Refuse(id, kAction, reasons);
  }
  if (auto st = CheckRoster(s, evaluations, kAction); !st.ok()) return st;
  const uint32_t number = static_cast<uint32_t>(surveys.size()) + 1;
  if (request.survey_number() != 0 && request.survey_number() != number) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unit ", id,
        ": survey_number is assigned by the node; this would be "
        "survey ",
        number, ", not ", request.survey_number(), " (leave it 0)"));
  }
  v1::SatisfactionSurveyRecorded event = request;
  event.set_stage(s.stage);
  event.set_survey_number(number);
  return event;
}

absl::StatusOr<v1::RemediationRecorded> DecideRecordRemediation(
    const UnitState& s, const EvaluationsByMember& evaluations,
    const v1::RemediationRecorded& request) {
  const std::string& id = request.unit_id();
  if (auto st =
          RequireField(id, "the remediation measures", request.measures());
      !st.ok()) {
    return st;
  }
  constexpr absl::string_view kAction = "record remediation";
  if (auto st = CheckUnitAndStage(s, id, request.stage(), kAction); !st.ok()) {
    return st;
  }
  if (auto st = CheckStep(s, evaluations, v1::TRANSITION_STEP_SURVEY, kAction);
      !st.ok()) {
    return st;
  }
  const std::vector<SurveyRecord>& surveys = s.transition.surveys;
  if (surveys.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "unit ", id, " cannot ", kAction, ": no survey is recorded in stage ",
        StageName(s.stage),
        " yet; remediation follows a survey over 10% dissatisfied"));
  }
  if (surveys.back().remediation_recorded) {
    return absl::FailedPreconditionError(
        absl::StrCat("unit ", id, " cannot ", kAction,
                     ": remediation is already recorded after survey ",
                     surveys.back().survey_number, "; record a new survey"));
  }
  if (auto st = CheckRoster(s, evaluations, kAction); !st.ok()) return st;
  v1::RemediationRecorded event = request;
  event.set_stage(s.stage);
  return event;
}

}  // namespace reporting::domain
