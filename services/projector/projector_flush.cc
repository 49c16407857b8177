// Projector::Flush: what changed since the last flush as rows (state,
// read-model rows, checkpoints), or, for a rebuild's first flush, every
// row in (table, key) order.
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "services/projector/figures.h"
#include "services/projector/projector.h"
#include "services/projector/row_keys.h"
#include "services/projector/state_codec.h"
#include "services/projector/state_row.h"
#include "storage/status_macros.h"

namespace reporting::projector {
namespace {

// Pointers to a table's entries, in key order.
template <typename Map>
std::vector<const typename Map::value_type*> InKeyOrder(const Map& table) {
  std::vector<const typename Map::value_type*> out;
  out.reserve(table.size());
  for (const auto& entry : table) out.push_back(&entry);
  std::sort(out.begin(), out.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  return out;
}

}  // namespace

bool Projector::StateRow(const std::string& key, std::string& row) {
  NodeEntry* node = NodeOfState(key);
  if (node == nullptr) return false;
  v1::ProjectedAggregate aggregate;
  switch (KindOf(StreamOfKey(key))) {
    case Kind::kUnit:
      *aggregate.mutable_unit() = ToProto(node->units.at(key).state);
      aggregate.mutable_unit()->set_node_id(std::string(NodeOfKey(key)));
      row = SerializeRow(aggregate);
      return true;
    case Kind::kCensus:
      *aggregate.mutable_census() = ToProto(node->censuses.at(key));
      row = SerializeRow(aggregate);
      return true;
    // The numerous kinds: encoded straight from the state (state_row.h).
    case Kind::kEvaluation:
      row = EncodeStateRow(*EvaluationAt(*node, key));
      return true;
    case Kind::kMaterial:
      row = EncodeStateRow(node->materials.at(key));
      return true;
    case Kind::kMeeting:
      row = EncodeStateRow(node->meetings.at(key));
      return true;
    case Kind::kItem:
      row = EncodeStateRow(node->items.at(key));
      return true;
    case Kind::kNode:
    case Kind::kOther:
      return false;
  }
  return false;
}

// Unit rows: recomputed once per flush for each unit touched (its own
// events or its members' opinions), and their figures moved.
bool Projector::RefreshUnitRow(UnitEntry& unit) {
  unit.dirty = false;
  if (!unit.state.registered()) return false;
  v1::UnitRow row = MakeUnitRow(unit.node_id, unit.state, unit.evaluations);
  v1::UnitFigures& figures = *Node(unit.node_id).figures.mutable_units();
  if (unit.has_row) AddUnit(unit.row, -1, figures);
  AddUnit(row, +1, figures);
  unit.row = std::move(row);
  unit.has_row = true;
  return true;
}

absl::Status Projector::EmitUnitRow(UnitEntry& unit, const Emit& emit) {
  if (!RefreshUnitRow(unit)) return absl::OkStatus();
  return emit(Table::kRows, UnitRowKey(unit.node_id, unit.row.unit_id()),
              unit.row);
}

size_t Projector::FlushRowsUpperBound() const {
  if (track_changes_) {
    return dirty_units_.size() + dirty_state_.size() + dirty_items_.size() +
           2 * dirty_nodes_.size();
  }
  size_t rows = 2 * nodes_.size();
  for (const auto& [id, node] : nodes_) {
    rows += 2 * node.units.size() + node.evaluation_refs.size() +
            node.materials.size() + node.meetings.size() +
            2 * node.items.size() + node.censuses.size();
  }
  return rows;
}

class Projector::RowOut {
 public:
  RowOut(size_t max_rows, const ChunkSink& sink)
      : max_rows_(max_rows), sink_(sink) {}

  // Rows held for the next chunk (a rebuild reserves them up front).
  std::vector<RowChange>& chunk() { return chunk_; }

  absl::Status Bytes(Table table, std::string key, std::string value) {
    chunk_.push_back(RowChange{table, std::move(key), std::move(value)});
    if (max_rows_ != 0 && chunk_.size() >= max_rows_) return Send();
    return absl::OkStatus();
  }
  absl::Status Row(Table table, std::string key,
                   const google::protobuf::Message& m) {
    return Bytes(table, std::move(key), SerializeRow(m));
  }
  // EmitUnitRow's form of Row.
  Emit AsEmit() {
    return [this](Table table, std::string key,
                  const google::protobuf::Message& m) {
      return Row(table, std::move(key), m);
    };
  }
  // The rows not sent yet, if any.
  absl::Status Finish() { return chunk_.empty() ? absl::OkStatus() : Send(); }

 private:
  absl::Status Send() {
    absl::Status st = sink_(std::move(chunk_));
    chunk_.clear();
    return st;
  }

  const size_t max_rows_;
  const ChunkSink& sink_;
  std::vector<RowChange> chunk_;
};

absl::Status Projector::Flush(size_t max_rows, const ChunkSink& sink) {
  RowOut out(max_rows, sink);
  if (track_changes_) {
    RETURN_IF_ERROR(FlushChanges(out));
  } else {
    if (max_rows == 0) out.chunk().reserve(FlushRowsUpperBound());
    RETURN_IF_ERROR(FlushEverything(out));
    track_changes_ = true;
  }
  return out.Finish();
}

absl::Status Projector::FlushChanges(RowOut& out) {
  const Emit emit = out.AsEmit();
  for (UnitEntry* unit : dirty_units_) {
    RETURN_IF_ERROR(EmitUnitRow(*unit, emit));
  }
  dirty_units_.clear();
  std::string row;
  for (const std::string& key : dirty_state_) {
    if (StateRow(key, row)) {
      RETURN_IF_ERROR(out.Bytes(Table::kState, key, std::move(row)));
    }
  }
  dirty_state_.clear();
  for (const std::string& key : dirty_items_) {
    const domain::RectificationState& item = NodeOfState(key)->items.at(key);
    if (!item.identified()) continue;
    const absl::string_view node_id = NodeOfKey(key);
    RETURN_IF_ERROR(out.Row(Table::kRows, RectRowKey(node_id, item.item_id),
                            MakeRectificationRow(node_id, item)));
  }
  dirty_items_.clear();
  for (const std::string& node_id : dirty_nodes_) {
    RETURN_IF_ERROR(
        out.Row(Table::kRows, NodeRowKey(node_id), nodes_.at(node_id).figures));
  }
  for (const std::string& node_id : dirty_nodes_) {
    RETURN_IF_ERROR(
        out.Row(Table::kCheckpoint, node_id, nodes_.at(node_id).checkpoint));
  }
  dirty_nodes_.clear();
  return absl::OkStatus();
}

// A rebuild's first flush: everything applied is new. The rows come in
// (table, key) order, so that a bulk load merges the runs without sorting
// them (rebuild.h); each node's tables are sorted apart (a node's keys share
// its prefix, and nodes_ is in node order). The state rows are made from
// the entries in hand (StateRow would look each up again by key).
absl::Status Projector::FlushEverything(RowOut& out) {
  v1::ProjectedAggregate aggregate;
  // The unit rows move the figures that the node rows ("n/", before
  // "u/") carry: made first, emitted last.
  for (auto& [id, node] : nodes_) {
    for (auto& [key, unit] : node.units) RefreshUnitRow(unit);
  }
  // Each node's identified items, for their "r/" rows.
  std::map<std::string, std::vector<const domain::RectificationState*>>
      items_in_order;
  for (auto& [id, node] : nodes_) {
    // Each aggregate but the units (RefreshUnitRow counted those) is
    // counted into its node's figures once, from its final state, as its
    // row is made: the sums the per-event moves of kIncremental give.
    v1::NodeFigures& f = node.figures;
    // A node's state keys are "node_id \0 kind/...": the kinds in the
    // order of their names, each table in key order.
    for (const auto* e : InKeyOrder(node.censuses)) {
      AddCensus(e->second, +1, *f.mutable_census());
      aggregate.Clear();
      *aggregate.mutable_census() = ToProto(e->second);
      RETURN_IF_ERROR(out.Row(Table::kState, e->first, aggregate));
    }
    // The numerous kinds: encoded straight from the state (state_row.h).
    for (const auto* e : InKeyOrder(node.evaluation_refs)) {
      AddEvaluation(*e->second.state, +1, *f.mutable_evaluations());
      RETURN_IF_ERROR(
          out.Bytes(Table::kState, e->first, EncodeStateRow(*e->second.state)));
    }
    for (const auto* e : InKeyOrder(node.materials)) {
      AddMaterial(e->second, +1, *f.mutable_materials());
      RETURN_IF_ERROR(
          out.Bytes(Table::kState, e->first, EncodeStateRow(e->second)));
    }
    for (const auto* e : InKeyOrder(node.meetings)) {
      AddMeeting(e->second, +1, *f.mutable_meetings());
      RETURN_IF_ERROR(
          out.Bytes(Table::kState, e->first, EncodeStateRow(e->second)));
    }
    std::vector<const domain::RectificationState*>& identified =
        items_in_order[id];
    for (const auto* e : InKeyOrder(node.items)) {
      AddRectification(e->second, +1, *f.mutable_rectifications());
      RETURN_IF_ERROR(
          out.Bytes(Table::kState, e->first, EncodeStateRow(e->second)));
      if (e->second.identified()) identified.push_back(&e->second);
    }
    for (const auto* e : InKeyOrder(node.units)) {
      aggregate.Clear();
      *aggregate.mutable_unit() = ToProto(e->second.state);
      aggregate.mutable_unit()->set_node_id(e->second.node_id);
      RETURN_IF_ERROR(out.Row(Table::kState, e->first, aggregate));
    }
  }
  // kRows: "n/" node, "r/" node \0 item id, "u/" node \0 unit id.
  for (const auto& [id, node] : nodes_) {
    RETURN_IF_ERROR(out.Row(Table::kRows, NodeRowKey(id), node.figures));
  }
  for (auto& [id, items] : items_in_order) {
    // In state key order already when each item's stream is named after
    // the item (events.proto); sorted by item id otherwise.
    auto by_id = [](const auto* a, const auto* b) {
      return a->item_id < b->item_id;
    };
    if (!std::is_sorted(items.begin(), items.end(), by_id)) {
      std::sort(items.begin(), items.end(), by_id);
    }
    for (const domain::RectificationState* s : items) {
      RETURN_IF_ERROR(out.Row(Table::kRows, RectRowKey(id, s->item_id),
                              MakeRectificationRow(id, *s)));
    }
  }
  for (const auto& [id, node] : nodes_) {
    std::vector<const UnitEntry*> units;
    units.reserve(node.units.size());
    for (const auto& [key, unit] : node.units) {
      if (unit.has_row) units.push_back(&unit);
    }
    std::sort(units.begin(), units.end(), [](const auto* a, const auto* b) {
      return a->row.unit_id() < b->row.unit_id();
    });
    for (const UnitEntry* unit : units) {
      RETURN_IF_ERROR(out.Row(Table::kRows,
                              UnitRowKey(unit->node_id, unit->row.unit_id()),
                              unit->row));
    }
  }
  for (const auto& [id, node] : nodes_) {
    RETURN_IF_ERROR(out.Row(Table::kCheckpoint, id, node.checkpoint));
  }
  return absl::OkStatus();
}

std::vector<RowChange> Projector::FlushAll() {
  std::vector<RowChange> all;
  absl::Status st = Flush(0, [&](std::vector<RowChange>&& rows) {
    all = std::move(rows);
    return absl::OkStatus();
  });
  (void)st;  // the sink above never fails
  return all;
}

}  // namespace reporting::projector
