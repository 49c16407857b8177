// The centre re-checks (ARCHITECTURE.md decision 10): CheckEvent asks
// whether a county node running the campaign's rules could have recorded
// an event, by deciding its command again with the county's own domain
// code (services/domain/ Decide*) on the state before it.
//
// Every event of a county log is the output of one command's decision
// (county/command_handlers.h: each command emits one event), and the
// county's optimistic concurrency makes the log order a serial order of
// those decisions: each saw exactly the state its streams have just before
// its event. So for every event e of an honest log:
//
//   decision(state before e, payload of e as the request) == payload of e
//
// (a decision returns its request with the derived fields filled in, and a
// filled request decides the same again). CheckEvent runs that decision,
// with the same inputs the county's handler reads:
//   - the ids the payload names, checked like the handler checks them
//     (domain/ids.h CheckId: well-formed and of the log's own node; a
//     member's branch and a branch meeting in the member's or meeting's
//     unit) and the stream the handler would have written to;
//   - the registered member (RequireMember) for evaluation and material
//     events, the unit for rectification and census reports;
//   - the unit's members' opinions for the transition steps that the
//     analysis-and-evaluation gate covers;
//   - `today` for the dates a decision fills in: the node's date of the
//     event's recorded_at (the county takes both from one clock), in the
//     aggregator's local time zone, which must be the counties' (a city
//     and its counties share one).
// and compares the decided payload with the stored one byte for byte (a
// county serializes the decided message; a payload with unknown fields or
// a non-canonical encoding is not what a county writes).
//
// OK: a county could have recorded the event. Otherwise the status says
// which rule it breaks: the decision's own refusal (its code and message,
// e.g. INVALID_ARGUMENT "unit 371302-U1: member_count 4000000000 is
// impossible ..."), or FAILED_PRECONDITION for an event that differs from
// what the rules decide, sits on another stream, names another node, or
// has a type no county command records (a newer county: upgrade the city
// first).
//
// The state comes from RuleState, which the projector implements over the
// folds it keeps anyway (projector.h), so checking costs one decision per
// event and no reads. Pure; thread-compatible.
#ifndef REPORTING_SERVICES_PROJECTOR_RULE_CHECK_H_
#define REPORTING_SERVICES_PROJECTOR_RULE_CHECK_H_

#include <string>

#include "absl/status/status.h"
#include "reporting/v1/envelope.pb.h"
#include "services/domain/census.h"
#include "services/domain/evaluation.h"
#include "services/domain/material.h"
#include "services/domain/meeting.h"
#include "services/domain/rectification.h"
#include "services/domain/unit.h"

namespace reporting::projector {

// One node's state just before the event being checked: what the county's
// handlers read. A null pointer is a stream with no events yet.
class RuleState {
 public:
  virtual ~RuleState() = default;
  // The node stream holds NodeRegistered.
  virtual bool NodeRegistered() const = 0;
  // The fold of "unit/<unit_id>", and its members' opinions in the unit's
  // batch (member id -> opinion; members without one are absent).
  virtual const domain::UnitState* Unit(const std::string& unit_id) const = 0;
  virtual const domain::EvaluationsByMember* Evaluations(
      const std::string& unit_id) const = 0;
  // The fold of one stream, by stream id.
  virtual const domain::EvaluationState* Evaluation(
      const std::string& stream_id) const = 0;
  virtual const domain::MaterialState* Material(
      const std::string& stream_id) const = 0;
  virtual const domain::MeetingState* Meeting(
      const std::string& stream_id) const = 0;
  virtual const domain::RectificationState* Item(
      const std::string& stream_id) const = 0;
  virtual const domain::CensusState* Census(
      const std::string& stream_id) const = 0;
};

// See the top of this file.
absl::Status CheckEvent(const RuleState& state, const v1::EventEnvelope& event);

}  // namespace reporting::projector

#endif  // REPORTING_SERVICES_PROJECTOR_RULE_CHECK_H_
