// The campaign generator of `reportctl generate`: pure (no I/O, no clock).
// Seed and sizes in, out the ordered CommandService requests of each node
// and the figures the city overview must show once they are all applied.
//
// Every unit gets a *fate*, the state it is left in; the fates are dealt
// over all units of all nodes in a seed-shuffled order, so a campaign with
// at least kFateCount units has each fate at least once:
//
//   completed                 three stages walked, a disputed and revised
//                             opinion, every rectification item closed
//   rectification, report due stage 2 had a failed survey (>10%),
//                             remediation and a passing resurvey; unblocked
//   study: a check failed     SELF_INSPECTION_INCOMPLETE
//   study: survey missing     SURVEY_MISSING
//   study: awaiting approval  AWAITING_APPROVAL
//   analysis: member missing  MEMBERS_NOT_REGISTERED (reports one more)
//   analysis: opinion missing EVALUATION_MISSING
//   analysis: unsigned        EVALUATION_UNSIGNED (one disputed, one shown)
//   analysis: no measure      TRANSFORMATION_MEASURE_MISSING
//   analysis: survey failed   REMEDIATION_REQUIRED
//   analysis: remediated      RESURVEY_REQUIRED
//   analysis: awaiting review AWAITING_REVIEW
//   rectification: returned   REPORT_RETURNED
//   rectification: rejected   APPROVAL_REJECTED
//   rectification: approved   AWAITING_MEETING
//
// Units past study have opinions, materials (some returned, then
// accepted), special meetings and work summaries; units in or past
// rectification have one item of each class (kinds rotate; some overdue on
// `today`, some closed by a published explanation); second-batch units have
// a census. The expected figures are counted here from what the script
// did, independently of the county's and the projector's code.
//
// Command ids are "gen<seed>:<subject>:<action>": the same seed gives the
// same ids, so a second run is answered as duplicates and appends nothing.
// Dates are relative to `today` (keep it when re-running).
//
// Thread-compatible.
#ifndef REPORTING_SERVICES_GENERATOR_GENERATE_CAMPAIGN_H_
#define REPORTING_SERVICES_GENERATOR_GENERATE_CAMPAIGN_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "reporting/v1/events.pb.h"

namespace reporting::generator {

inline constexpr int kFateCount = 15;
inline constexpr int kMinMembersPerUnit = 4;

struct CampaignOptions {
  // Node ids, one per county node; names and kinds come from the Linyi
  // table (LinyiNodes) when the id is there, "节点<id>" otherwise.
  std::vector<std::string> node_ids;
  int units_per_node = 15;
  int members_per_unit = 6;  // >= kMinMembersPerUnit
  uint64_t seed = 1;
  std::string today = "2026-11-30";  // YYYY-MM-DD
};

// One CommandService call: `method` is the RPC name ("RecordEvaluation"),
// `request` its full request message (meta and body filled).
struct Command {
  std::string method;
  std::shared_ptr<const google::protobuf::Message> request;
};

// The command's meta.command_id.
std::string CommandId(const Command& command);

// What the city overview shows for one node (or, summed, the city).
struct OverviewLine {
  std::string node_id;  // "city" for the city-wide line
  std::string name;
  uint64_t units = 0;
  uint64_t study = 0, analysis = 0, rectification = 0, completed = 0;
  uint64_t blocked = 0;  // blocked by a rule (blocking_side.h)
  uint64_t waiting = 0;  // waiting for another level
  uint64_t opinions = 0, signed_opinions = 0, disputed = 0;
  uint64_t transformation_required = 0, transformation_assigned = 0;
  uint64_t materials_accepted = 0;
  uint64_t meetings = 0;
  uint64_t items = 0, items_open = 0, items_overdue = 0;
  uint64_t items_completed = 0, items_explained = 0;
  uint64_t summaries = 0;
  uint64_t census_units = 0, census_problems_open = 0;
  uint64_t events = 0;

  void Add(const OverviewLine& other);  // every count; not the names
};

struct NodePlan {
  std::string node_id;
  std::string name;
  v1::NodeKind kind = v1::NODE_KIND_UNSPECIFIED;
  std::vector<Command> commands;  // in order; one event each
  OverviewLine expected;
  // BlockingReasonCode -> units (blocked or waiting) with at least one
  // reason of that code.
  std::map<int, uint64_t> blocked_by_reason;
  // Fate index (0..kFateCount-1) -> units left in it.
  std::map<int, uint64_t> fates;
};

struct Campaign {
  std::vector<NodePlan> nodes;
  OverviewLine city;  // node_id "city"
  std::string today;
};

// INVALID_ARGUMENT for impossible sizes, a bad date or a bad node id.
absl::StatusOr<Campaign> BuildCampaign(const CampaignOptions& options);

struct LinyiNode {
  const char* id;
  const char* name;
  v1::NodeKind kind;
};
// The 12 county-level nodes of Linyi (DOMAIN.md), in id order.
const std::vector<LinyiNode>& LinyiNodes();

// A short name of a fate, for tests and messages ("analysis: unsigned").
const char* FateName(int fate);

}  // namespace reporting::generator

#endif  // REPORTING_SERVICES_GENERATOR_GENERATE_CAMPAIGN_H_
