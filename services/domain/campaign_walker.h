// The one walk through a stage's transition (DOMAIN.md section 4, "six
// steps, strictly in this order"): the generator's campaigns, the county
// tests' TransitionDriver and the projector's random histories all take the
// steps in the order written here, with the same detours (a survey over 10%
// is followed by remediation and a new survey; a returned report or a
// rejected approval sends the unit back to the report).
//
//   StageWalk walk;                   // every step passes, to the meeting
//   walk.failed_surveys = 1;          // ... after one survey over 10%
//   WalkStage(walk, acts);            // acts: what each step does
//
// Pure; thread-compatible.
#ifndef REPORTING_SERVICES_DOMAIN_CAMPAIGN_WALKER_H_
#define REPORTING_SERVICES_DOMAIN_CAMPAIGN_WALKER_H_

#include "reporting/v1/events.pb.h"
#include "services/domain/unit.h"

namespace reporting::domain {

// The acts of a stage's transition, each named after its command.
enum class TransitionAct {
  kNone,
  kRecordCheck,             // step 1, once per look-back check
  kCompleteSelfInspection,  // step 1
  kRecordSurvey,            // step 2
  kRecordRemediation,       // step 2, after a survey over 10%
  kSubmitReport,            // step 3
  kRecordReview,            // step 4
  kRecordApproval,          // step 5
  kHoldMeeting,             // step 6
};

// How one walk through a stage goes: its detours and where it ends.
struct StageWalk {
  // 1..8: this look-back check is recorded as failed, and the walk ends
  // after the eight checks (a failed check keeps self-inspection open).
  // 0: all eight pass.
  int failed_check = 0;
  // Surveys over 10% dissatisfied before one passes; remediation follows
  // each.
  int failed_surveys = 0;
  // Reports the supervisory group returns before one passes.
  int returned_reports = 0;
  // Approvals the next level rejects (each after a passed review) before
  // one is given.
  int rejected_approvals = 0;
  // The walk ends after the first time it does this act (kRecordCheck:
  // after the eight checks). kHoldMeeting: the unit leaves the stage.
  TransitionAct last = TransitionAct::kHoldMeeting;
};

// What a walker does for each act. Each returns false to end the walk
// there (e.g. the command was refused).
class TransitionActs {
 public:
  virtual ~TransitionActs() = default;
  virtual bool RecordCheck(v1::LookBackCheck check, bool passed) = 0;
  virtual bool CompleteSelfInspection() = 0;
  // `number`: the survey's number in the stage, from 1.
  virtual bool RecordSurvey(int number, bool passes) = 0;
  virtual bool RecordRemediation() = 0;
  // `report`: the report's number in the stage, from 1; a review and an
  // approval carry the number of the report they decide.
  virtual bool SubmitReport(int report) = 0;
  virtual bool RecordReview(int report, bool passed) = 0;
  virtual bool RecordApproval(int report, bool approved) = 0;
  virtual bool HoldMeeting() = 0;
};

// Does the acts of one stage's walk in order. True when the walk ended
// where `walk` says; false when an act returned false.
bool WalkStage(const StageWalk& walk, TransitionActs& acts);

// The act that comes next for the unit's current stage, from its state:
// kRecordCheck until all eight checks are recorded, then
// kCompleteSelfInspection (refused while a check stands failed: it is
// recorded again); kRecordRemediation after a survey over 10% that has
// none yet, else kRecordSurvey; then one act per step. kNone when the unit
// is unregistered or has completed the campaign.
TransitionAct NextAct(const UnitState& state);

}  // namespace reporting::domain

#endif  // REPORTING_SERVICES_DOMAIN_CAMPAIGN_WALKER_H_
