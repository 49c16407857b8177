// Internal to the unit aggregate (unit.h): the pieces its fold, blocking
// reasons and decisions share. Not for use outside services/domain/unit_*.cc.
#ifndef REPORTING_SERVICES_DOMAIN_UNIT_INTERNAL_H_
#define REPORTING_SERVICES_DOMAIN_UNIT_INTERNAL_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "reporting/v1/clerk.pb.h"
#include "reporting/v1/events.pb.h"
#include "services/domain/unit.h"

namespace reporting::domain::unit_internal {

// ---- Blocking reasons (unit_reasons.cc, unit_roster_reasons.cc)

v1::BlockingReason Reason(v1::BlockingReasonCode code, std::string message,
                          std::string subject = "");
// Reasons of the transition step itself.
void StepReasons(const UnitState& s, std::vector<v1::BlockingReason>& out);
// Roster and evaluation reasons; only while in analysis-and-evaluation.
void RosterReasons(const UnitState& s, const EvaluationsByMember& evaluations,
                   std::vector<v1::BlockingReason>& out);

// ---- Guards of the decisions (unit_guards.cc)

// FAILED_PRECONDITION "unit U cannot <action>: <reasons>" (the first few
// reasons; the rest counted).
absl::Status Refuse(absl::string_view unit_id, absl::string_view action,
                    const std::vector<v1::BlockingReason>& reasons);
// The unit exists, is not completed, and `requested` (the stage named in
// the request; UNSPECIFIED = current) is its current stage.
absl::Status CheckUnitAndStage(const UnitState& s, absl::string_view unit_id,
                               v1::Stage requested, absl::string_view action);
// DOMAIN.md section 4 step 5: the city leading group approves the node's
// own leadership's report, the next level up every other unit's.
absl::Status CheckApprover(const UnitState& s, absl::string_view unit_id,
                           v1::Approver approver);
// The command belongs to `step`; refuses unless it is the next step.
absl::Status CheckStep(const UnitState& s,
                       const EvaluationsByMember& evaluations,
                       v1::TransitionStep step, absl::string_view action);
// In analysis-and-evaluation, refuses while the roster or an evaluation
// blocks leaving the stage.
absl::Status CheckRoster(const UnitState& s,
                         const EvaluationsByMember& evaluations,
                         absl::string_view action);
// INVALID_ARGUMENT "unit U: <field> is required" when blank.
absl::Status RequireField(absl::string_view unit_id, absl::string_view field,
                          absl::string_view value);
// INVALID_ARGUMENT unless `value` is empty or a real "YYYY-MM-DD" date.
absl::Status CheckDate(absl::string_view unit_id, absl::string_view field,
                       absl::string_view value);

// ---- The stage order (unit_fold.cc)

// The stage a unit enters when it leaves `stage` (STAGE_COMPLETED after
// stage 3).
v1::Stage StageAfter(v1::Stage stage);

}  // namespace reporting::domain::unit_internal

#endif  // REPORTING_SERVICES_DOMAIN_UNIT_INTERNAL_H_
