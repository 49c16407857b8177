// Names of stages, steps and look-back checks, for messages (unit.h).
#include "services/domain/unit.h"

namespace reporting::domain {

std::string StageName(v1::Stage stage) {
  switch (stage) {
    case v1::STAGE_STUDY_MOBILISATION:
      return "study and mobilisation";
    case v1::STAGE_ANALYSIS_EVALUATION:
      return "analysis and evaluation";
    case v1::STAGE_RECTIFICATION_IMPROVEMENT:
      return "rectification and improvement";
    case v1::STAGE_COMPLETED:
      return "completed";
    default:
      return "unspecified";
  }
}

std::string StepName(v1::TransitionStep step) {
  switch (step) {
    case v1::TRANSITION_STEP_SELF_INSPECTION:
      return "self-inspection (step 1)";
    case v1::TRANSITION_STEP_SURVEY:
      return "satisfaction survey (step 2)";
    case v1::TRANSITION_STEP_REPORT:
      return "transition report (step 3)";
    case v1::TRANSITION_STEP_SUPERVISORY_REVIEW:
      return "supervisory review (step 4)";
    case v1::TRANSITION_STEP_APPROVAL:
      return "approval (step 5)";
    case v1::TRANSITION_STEP_MEETING:
      return "transition meeting (step 6)";
    default:
      return "no step";
  }
}

std::string CheckName(v1::LookBackCheck check) {
  switch (check) {
    case v1::LOOK_BACK_CHECK_IDEOLOGICAL_UNDERSTANDING:
      return "ideological understanding";
    case v1::LOOK_BACK_CHECK_IMPLEMENTATION_MEASURES:
      return "implementation measures";
    case v1::LOOK_BACK_CHECK_PROBLEMS_ACCURACY:
      return "accuracy of problems found";
    case v1::LOOK_BACK_CHECK_CRITICISM_DEPTH:
      return "depth of criticism and self-criticism";
    case v1::LOOK_BACK_CHECK_DEMOCRATIC_EVALUATION:
      return "democratic evaluation";
    case v1::LOOK_BACK_CHECK_FIXING_WHILE_REVIEWING:
      return "fixing while reviewing";
    case v1::LOOK_BACK_CHECK_LEADING_CADRES_EXAMPLE:
      return "leading cadres' example";
    case v1::LOOK_BACK_CHECK_ORGANISATION_LEADERSHIP:
      return "strength of organisation and leadership";
    default:
      return "unknown check";
  }
}

}  // namespace reporting::domain
