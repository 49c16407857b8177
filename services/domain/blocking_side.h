// Blocked versus waiting (DOMAIN.md "What the users ask of the system"):
// which side of the city office's count each blocking reason
// (clerk.proto BlockingReasonCode, listed by unit.h BlockingReasons) is on.
//
//   blocked  a rule stops the unit until its own people act: a look-back
//            check to record or redo, a member to register, an opinion to
//            record or have signed, a transformation measure to assign,
//            remediation (补课) after a survey over 10% dissatisfied, a
//            returned report or rejected transition to resubmit.
//   waiting  nothing is missing on the unit's side; the next act is the
//            normal course's, by another level or after its decision: the
//            satisfaction survey (first or after remediation) that the
//            supervisory group organises (source: "由上级党委（党组）派出的
//            督导组、指导组负责，组织一次群众满意度测评"), the supervisory
//            group's review, the next level's approval, and the transition
//            meeting that follows that approval ("经过上级党组（党委）批复同意
//            ... 要及时召开转段会议").
//
// A unit is BLOCKED when any of its reasons is on the blocked side (a
// waiting unit that also lacks a signature cannot take its next step
// until the signature is there: unit.h gates every transition command of
// analysis-and-evaluation on the roster and opinions); WAITING when it has
// reasons and all of them wait; CLEAR when nothing holds it (its next step
// is its own ordinary work, e.g. writing the transition report, or it has
// completed all three stages).
//
// Pure; thread-safe.
#ifndef REPORTING_SERVICES_DOMAIN_BLOCKING_SIDE_H_
#define REPORTING_SERVICES_DOMAIN_BLOCKING_SIDE_H_

#include <vector>

#include "reporting/v1/clerk.pb.h"

namespace reporting::domain {

enum class ReasonSide { kBlocked, kWaiting };

// The side of one reason code. UNSPECIFIED and unknown codes count as
// blocked (never hide a problem as "waiting").
ReasonSide SideOf(v1::BlockingReasonCode code);

enum class UnitCondition { kClear, kBlocked, kWaiting };

// The unit's condition from the codes of its blocking reasons.
UnitCondition ConditionOf(const std::vector<v1::BlockingReasonCode>& codes);

}  // namespace reporting::domain

#endif  // REPORTING_SERVICES_DOMAIN_BLOCKING_SIDE_H_
