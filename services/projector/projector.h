// Projector: the city's read models as a pure function of the nodes' logs
// (ARCHITECTURE.md decision 5). Start here for services/projector/.
//
// (state, event) -> state: Apply() folds one event of one node's log with
// the county's own domain code (services/domain/ Apply*Event), keeps
// the node's figures up to date, and remembers what changed. Flush() turns
// what changed into rows: the projector's state, the read-model rows and
// the per-node checkpoint, to be written in ONE atomic write (the runner
// does that; this class knows neither RocksDB nor gRPC, so audit "state as
// of" and tests reuse it unchanged).
//
// Rows (tables and keys; the store's column families, storage/README.md):
//
//   kState      node_id 0x00 stream_id      -> ProjectedAggregate
//   kRows       "n/" node_id                -> NodeFigures
//               "u/" node_id 0x00 unit_id   -> UnitRow
//               "r/" node_id 0x00 item_id   -> RectificationRow
//   kCheckpoint node_id                     -> NodeCheckpoint
//
// Checkpoint: one position per node (each node is the only writer of its
// log). Apply() skips an event at or below its node's checkpoint (so a
// restart that re-reads a batch never double-counts) and refuses a gap.
//
// The centre re-checks (ARCHITECTURE.md decision 10): Apply() first asks
// rule_check.h whether a county running the campaign's rules could have
// recorded the event, on the state folded so far. If not, the node is
// quarantined: its checkpoint stays before the event and records the rule
// broken (NodeCheckpoint.quarantine, flushed like any checkpoint), and no
// later event of that node is applied. The quarantine is a function of the
// log, so a rebuild finds the same one.
//
// Thread-compatible: one thread applies and flushes.
#ifndef REPORTING_SERVICES_PROJECTOR_PROJECTOR_H_
#define REPORTING_SERVICES_PROJECTOR_PROJECTOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/projection.pb.h"
#include "services/domain/census.h"
#include "services/domain/evaluation.h"
#include "services/domain/material.h"
#include "services/domain/meeting.h"
#include "services/domain/rectification.h"
#include "services/domain/unit.h"

namespace reporting::projector {

// The version of the projection code: the rows' meaning. Bump it whenever
// Apply or the rows change meaning; a store built by another version is
// rebuilt from the logs on start.
// 2: UnitRow.condition and step_since_us, UnitFigures.blocked counts
// blocked units only, waiting apart (blocked versus waiting).
// 3: the re-check (quarantined logs stop), member branches in unit state.
inline constexpr uint32_t kModelVersion = 3;

enum class Table { kState, kRows, kCheckpoint };

struct RowChange {
  Table table;
  std::string key;
  std::string value;  // SerializeRow of the row's message
};

// Deterministic serialization (map entries sorted): equal rows are equal
// bytes, so two stores can be compared byte for byte.
std::string SerializeRow(const google::protobuf::Message& m);

// Keys (the grammar above).
std::string StateKey(absl::string_view node_id, absl::string_view stream_id);
std::string NodeRowKey(absl::string_view node_id);
std::string UnitRowKey(absl::string_view node_id, absl::string_view unit_id);
std::string RectRowKey(absl::string_view node_id, absl::string_view item_id);
inline constexpr char kNodeRowPrefix[] = "n/";
inline constexpr char kUnitRowPrefix[] = "u/";
inline constexpr char kRectRowPrefix[] = "r/";

class Projector {
 public:
  // kIncremental remembers what each Apply changed, so that Flush emits
  // only that (the live path). kRebuild is for a fresh projector folding
  // whole logs: it skips the per-event bookkeeping, and its first Flush
  // emits every row; after that Flush it is incremental. Both modes give
  // the same rows for the same events (the property test proves it).
  enum class Mode { kIncremental, kRebuild };

  explicit Projector(Mode mode = Mode::kIncremental)
      : track_changes_(mode == Mode::kIncremental) {}
  Projector(const Projector&) = delete;
  Projector& operator=(const Projector&) = delete;

  // ---- Loading what an earlier Flush wrote (before any Apply).
  absl::Status LoadRow(Table table, absl::string_view key,
                       absl::string_view value);
  // Links loaded opinions to their units; call once after the last LoadRow.
  absl::Status FinishLoad();

  // Folds one event. OK and nothing changes for an event at or below its
  // node's checkpoint, or of a quarantined node; OK and the node is
  // quarantined when the event breaks a campaign rule (Quarantine() says
  // which); FAILED_PRECONDITION for a gap (an event past checkpoint + 1).
  absl::Status Apply(const v1::EventEnvelope& event);
  // Parses a stored envelope and applies it. `scratch` is reused.
  absl::Status ApplyBytes(absl::string_view envelope_bytes,
                          v1::EventEnvelope& scratch);

  // Last sequence applied for the node (0 when none).
  uint64_t Checkpoint(absl::string_view node_id) const;
  // The rule the node's log broke, when it is quarantined; else null.
  const v1::RuleBreak* Quarantine(absl::string_view node_id) const;
  std::map<std::string, v1::NodeCheckpoint> Checkpoints() const;

  // True when something was applied since the last Flush.
  bool HasChanges() const {
    return track_changes_ ? !dirty_nodes_.empty() : !nodes_.empty();
  }

  // Emits every row changed since the last Flush, then forgets the changes.
  // Rows come in chunks of at most max_rows (0: one chunk), state first and
  // checkpoints in the last chunk. For atomicity write everything in one
  // chunk; a rebuild into a fresh store may use several. kRebuild's first
  // Flush emits the rows in (table, key) order.
  using ChunkSink = std::function<absl::Status(std::vector<RowChange>&&)>;
  absl::Status Flush(size_t max_rows, const ChunkSink& sink);
  // At least as many rows as the next Flush emits (to reserve for them).
  size_t FlushRowsUpperBound() const;
  // Flush into one vector (tests, small batches).
  std::vector<RowChange> FlushAll();

  // Every node's figures as of the last Flush (units) and Apply (the rest;
  // in kRebuild mode before the first Flush: as of that Flush).
  std::map<std::string, v1::NodeFigures> AllNodeFigures() const;

  // Takes over every node of `other`, whose nodes must all be absent here
  // (nodes are independent: no state crosses nodes, so projectors that
  // folded disjoint sets of nodes add up to one that folded them all; a
  // parallel rebuild relies on it). Both must have nothing to flush (fresh
  // or just flushed, and not between LoadRow and FinishLoad); afterwards
  // this projector is incremental and `other` is empty.
  // FAILED_PRECONDITION (nothing moved) otherwise.
  absl::Status Absorb(Projector&& other);

 private:
  struct UnitEntry {
    std::string node_id;
    std::string state_key;
    domain::UnitState state;
    // Member id -> opinion in the unit's batch (owned here so that
    // BlockingReasons reads them in place).
    domain::EvaluationsByMember evaluations;
    v1::UnitRow row;  // as last flushed; contributes to figures
    bool has_row = false;
    bool dirty = false;
  };
  // Where an evaluation stream's state lives.
  struct EvaluationRef {
    UnitEntry* unit = nullptr;  // null: the opinion's unit is unknown
    std::string member_id;
    // The state itself: in unit->evaluations, or in orphan_evaluations
    // (node-based containers: the address stays while the entry lives,
    // also across Absorb).
    domain::EvaluationState* state = nullptr;
  };
  // One node: its figures, checkpoint and aggregates. The aggregates are
  // kept per node (by state key) because nodes are independent: a fold
  // goes node by node, so only one node's tables are hot in the cache, and
  // Absorb moves whole nodes.
  struct NodeEntry {
    v1::NodeFigures figures;
    v1::NodeCheckpoint checkpoint;
    std::unordered_map<std::string, UnitEntry> units;
    std::unordered_map<std::string, EvaluationRef> evaluation_refs;
    std::unordered_map<std::string, domain::EvaluationState> orphan_evaluations;
    std::unordered_map<std::string, domain::MaterialState> materials;
    std::unordered_map<std::string, domain::MeetingState> meetings;
    std::unordered_map<std::string, domain::RectificationState> items;
    std::unordered_map<std::string, domain::CensusState> censuses;
  };

  // The node's folds as rule_check.h reads them (projector_apply.cc).
  class RuleView;
  // Where Flush puts rows: chunks of at most max_rows to the sink
  // (projector_flush.cc).
  class RowOut;

  NodeEntry& Node(const std::string& node_id);
  // Stops the node before `e`, which breaks `rule`.
  void Quarantine(NodeEntry& node, const v1::EventEnvelope& e,
                  const absl::Status& rule);
  // The node of a state key; null when it has none.
  NodeEntry* NodeOfState(absl::string_view key);
  // The state row of `key` (a stream's aggregate), serialized into `row`;
  // false for streams that have none (node, unknown kinds).
  bool StateRow(const std::string& key, std::string& row);
  using Emit = std::function<absl::Status(Table, std::string,
                                          const google::protobuf::Message&)>;
  // Recomputes the unit's row and moves its figures; false (no row) while
  // the unit is not registered.
  bool RefreshUnitRow(UnitEntry& unit);
  absl::Status EmitUnitRow(UnitEntry& unit, const Emit& emit);
  // Flush's two modes: the rows of what changed since the last flush, and
  // a rebuild's first flush (every row, in (table, key) order).
  absl::Status FlushChanges(RowOut& out);
  absl::Status FlushEverything(RowOut& out);
  absl::Status ApplyUnit(NodeEntry& node, const std::string& key,
                         const v1::EventEnvelope& e);
  absl::Status ApplyEvaluation(NodeEntry& node, const std::string& key,
                               const v1::EventEnvelope& e);
  domain::EvaluationState* EvaluationAt(NodeEntry& node,
                                        const std::string& key);
  UnitEntry* UnitById(NodeEntry& node, const std::string& node_id,
                      const std::string& unit_id);

  std::map<std::string, NodeEntry> nodes_;
  // Loaded opinions waiting for FinishLoad: state key -> state.
  std::vector<std::pair<std::string, domain::EvaluationState>> loaded_;

  // False in kRebuild mode until the first Flush: every entry is dirty, and
  // figures are counted then rather than moved with each event.
  bool track_changes_;
  std::string key_;       // Apply's state key, reused
  std::string rule_key_;  // the re-check's lookups (RuleView), reused
  domain::EvaluationPayloads evaluation_payloads_;  // Apply's, reused
  NodeEntry* last_node_ = nullptr;  // Apply's node, looked up again on change
  const std::string* last_node_id_ = nullptr;

  std::unordered_set<std::string> dirty_state_;  // state keys
  std::unordered_set<std::string> dirty_items_;  // state keys of items
  std::vector<UnitEntry*> dirty_units_;
  std::unordered_set<std::string> dirty_nodes_;
};

}  // namespace reporting::projector

#endif  // REPORTING_SERVICES_PROJECTOR_PROJECTOR_H_
