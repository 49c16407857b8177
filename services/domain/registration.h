// Registration of the node, its units, branches and members (the roster),
// and the roster as other commands need it. DOMAIN.md "Who reports to whom".
//
// Streams: "node/<node_id>" holds NodeRegistered; "unit/<unit_id>" holds
// UnitRegistered, BranchRegistered and MemberRegistered (with the unit's
// stage-transition events, which FoldRoster skips).
//
// Rules:
// - The node is registered once, before any unit (FAILED_PRECONDITION
//   otherwise); a unit before its branches, a branch before its members
//   (NOT_FOUND for the missing parent).
// - Registering something that exists is ALREADY_EXISTS (a retry with the
//   same command id is answered as a duplicate before these rules run).
// - Names are required; a unit reports 1..kMaxUnitMembers members and a
//   batch; a node reports its kind.
//
// Pure functions; thread-compatible.
#ifndef REPORTING_SERVICES_DOMAIN_REGISTRATION_H_
#define REPORTING_SERVICES_DOMAIN_REGISTRATION_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"

namespace reporting::domain {

// Largest member count a unit may report. The biggest party committees of a
// county (a large enterprise, a township) have a few thousand members; a
// figure beyond this is a typing error.
inline constexpr uint32_t kMaxUnitMembers = 100000;

// The registration facts of a unit's stream.
struct Roster {
  bool unit_registered = false;
  v1::UnitRegistered unit;
  std::map<std::string, std::string> branches;          // branch id -> name
  std::map<std::string, v1::MemberRegistered> members;  // member id -> event
  uint64_t version = 0;                                 // stream version folded
};

// Folds the roster events of a unit stream; other event types are skipped.
absl::StatusOr<Roster> FoldRoster(const std::vector<v1::EventEnvelope>& events);

// Folds one event of a unit stream into `roster` (FoldRoster is this over
// the stream); for followers that see one event at a time (the city's
// projector). INTERNAL for a payload that does not parse.
absl::Status ApplyRosterEvent(Roster& roster, const v1::EventEnvelope& event);

// A registered member, as commands about the member need it.
struct RosterMember {
  std::string member_id;
  std::string unit_id;
  std::string branch_id;
  v1::Batch batch = v1::BATCH_UNSPECIFIED;  // the unit's batch
};

// NOT_FOUND "unit X is not registered on this node (RegisterUnit first)".
absl::Status RequireUnit(const Roster& roster, absl::string_view unit_id);
// NOT_FOUND for an unregistered unit or member.
absl::StatusOr<RosterMember> RequireMember(const Roster& roster,
                                           absl::string_view unit_id,
                                           absl::string_view member_id);

// 1 for BATCH_FIRST, 2 for BATCH_SECOND (the "<batch number>" of
// evaluation stream ids).
int BatchNumber(v1::Batch batch);

// ---- Decisions: request + state -> the event to record, or a refusal.
// Ids are checked by the caller (ids.h) before these run.

// `node_events`: the node stream. `own_node`: this node's id.
absl::StatusOr<v1::NodeRegistered> DecideRegisterNode(
    const std::vector<v1::EventEnvelope>& node_events,
    const v1::NodeRegistered& request);

// `node_registered`: the node stream is not empty. `unit_id` is checked.
absl::StatusOr<v1::UnitRegistered> DecideRegisterUnit(
    bool node_registered, const Roster& roster,
    const v1::UnitRegistered& request);

// `unit_id`: the unit of the branch id. Fills unit_id when empty.
absl::StatusOr<v1::BranchRegistered> DecideRegisterBranch(
    const Roster& roster, absl::string_view unit_id,
    const v1::BranchRegistered& request);

// `unit_id`: the unit of the member id. Fills unit_id when empty.
absl::StatusOr<v1::MemberRegistered> DecideRegisterMember(
    const Roster& roster, absl::string_view unit_id,
    const v1::MemberRegistered& request);

}  // namespace reporting::domain

#endif  // REPORTING_SERVICES_DOMAIN_REGISTRATION_H_
