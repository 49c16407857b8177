#include "services/projector/projector.h"

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/projector/figures.h"
#include "services/projector/rule_check.h"
#include "services/projector/state_codec.h"
#include "services/projector/state_row.h"
#include "storage/status_macros.h"

namespace reporting::projector {
namespace {

constexpr char kSep = '\0';

enum class Kind {
  kNode,
  kUnit,
  kEvaluation,
  kMaterial,
  kMeeting,
  kItem,
  kCensus,
  kOther
};

// The aggregate kind of a stream id ("unit/371302-U0042" -> kUnit); the
// stream layout is documented in events.proto.
Kind KindOf(absl::string_view stream_id) {
  const absl::string_view kind = stream_id.substr(0, stream_id.find('/'));
  if (kind == "unit") return Kind::kUnit;
  if (kind == "evaluation") return Kind::kEvaluation;
  if (kind == "material") return Kind::kMaterial;
  if (kind == "meeting") return Kind::kMeeting;
  if (kind == "rectification") return Kind::kItem;
  if (kind == "census") return Kind::kCensus;
  if (kind == "node") return Kind::kNode;
  return Kind::kOther;
}

absl::string_view NodeOfKey(absl::string_view key) {
  return key.substr(0, key.find(kSep));
}

absl::string_view StreamOfKey(absl::string_view key) {
  const size_t sep = key.find(kSep);
  return sep == absl::string_view::npos ? absl::string_view()
                                        : key.substr(sep + 1);
}

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

template <typename M>
absl::Status ParseRow(absl::string_view key, absl::string_view value,
                      M& message) {
  if (!message.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(
        absl::StrCat("projector: stored row \"", absl::CEscape(key),
                     "\" does not parse as ", M::descriptor()->full_name()));
  }
  return absl::OkStatus();
}

// Longest rule text kept in a checkpoint (projection.proto RuleBreak).
constexpr size_t kMaxRuleBytes = 1000;

}  // namespace

class Projector::RuleView final : public RuleState {
 public:
  RuleView(Projector& p, NodeEntry& node, const std::string& node_id)
      : p_(p), node_(node), node_id_(node_id) {}

  bool NodeRegistered() const override {
    // DecideRegisterNode requires a kind; the node row keeps it.
    return node_.figures.kind() != v1::NODE_KIND_UNSPECIFIED;
  }
  const domain::UnitState* Unit(const std::string& unit_id) const override {
    UnitEntry* unit = p_.UnitById(node_, node_id_, unit_id);
    return unit == nullptr ? nullptr : &unit->state;
  }
  const domain::EvaluationsByMember* Evaluations(
      const std::string& unit_id) const override {
    UnitEntry* unit = p_.UnitById(node_, node_id_, unit_id);
    return unit == nullptr ? nullptr : &unit->evaluations;
  }
  const domain::EvaluationState* Evaluation(
      const std::string& stream_id) const override {
    auto it = node_.evaluation_refs.find(StateKey(node_id_, stream_id));
    return it == node_.evaluation_refs.end() ? nullptr : it->second.state;
  }
  const domain::MaterialState* Material(
      const std::string& stream_id) const override {
    return Find(node_.materials, stream_id);
  }
  const domain::MeetingState* Meeting(
      const std::string& stream_id) const override {
    return Find(node_.meetings, stream_id);
  }
  const domain::RectificationState* Item(
      const std::string& stream_id) const override {
    return Find(node_.items, stream_id);
  }
  const domain::CensusState* Census(
      const std::string& stream_id) const override {
    return Find(node_.censuses, stream_id);
  }

 private:
  template <typename Map>
  const typename Map::mapped_type* Find(const Map& table,
                                        const std::string& stream_id) const {
    auto it = table.find(StateKey(node_id_, stream_id));
    return it == table.end() ? nullptr : &it->second;
  }

  Projector& p_;
  NodeEntry& node_;
  const std::string& node_id_;
};

std::string SerializeRow(const google::protobuf::Message& m) {
  std::string out;
  out.reserve(m.ByteSizeLong());
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    m.SerializeWithCachedSizes(&coded);
  }
  return out;
}

std::string StateKey(absl::string_view node_id, absl::string_view stream_id) {
  std::string key;
  key.reserve(node_id.size() + 1 + stream_id.size());
  absl::StrAppend(&key, node_id, absl::string_view(&kSep, 1), stream_id);
  return key;
}

std::string NodeRowKey(absl::string_view node_id) {
  return absl::StrCat(kNodeRowPrefix, node_id);
}

std::string UnitRowKey(absl::string_view node_id, absl::string_view unit_id) {
  return absl::StrCat(kUnitRowPrefix, node_id, absl::string_view(&kSep, 1),
                      unit_id);
}

std::string RectRowKey(absl::string_view node_id, absl::string_view item_id) {
  return absl::StrCat(kRectRowPrefix, node_id, absl::string_view(&kSep, 1),
                      item_id);
}

Projector::NodeEntry& Projector::Node(const std::string& node_id) {
  auto [it, inserted] = nodes_.try_emplace(node_id);
  if (inserted) it->second.figures.set_node_id(node_id);
  return it->second;
}

Projector::NodeEntry* Projector::NodeOfState(absl::string_view key) {
  auto it = nodes_.find(std::string(NodeOfKey(key)));
  return it == nodes_.end() ? nullptr : &it->second;
}

Projector::UnitEntry* Projector::UnitById(NodeEntry& node,
                                          const std::string& node_id,
                                          const std::string& unit_id) {
  auto it = node.units.find(StateKey(node_id, absl::StrCat("unit/", unit_id)));
  return it == node.units.end() ? nullptr : &it->second;
}

domain::EvaluationState* Projector::EvaluationAt(NodeEntry& node,
                                                 const std::string& key) {
  auto it = node.evaluation_refs.find(key);
  if (it == node.evaluation_refs.end()) return nullptr;
  return it->second.state;
}

uint64_t Projector::Checkpoint(absl::string_view node_id) const {
  auto it = nodes_.find(std::string(node_id));
  return it == nodes_.end() ? 0 : it->second.checkpoint.sequence();
}

const v1::RuleBreak* Projector::Quarantine(absl::string_view node_id) const {
  auto it = nodes_.find(std::string(node_id));
  if (it == nodes_.end() || !it->second.checkpoint.has_quarantine()) {
    return nullptr;
  }
  return &it->second.checkpoint.quarantine();
}

void Projector::Quarantine(NodeEntry& node, const v1::EventEnvelope& e,
                           const absl::Status& rule) {
  v1::RuleBreak& q = *node.checkpoint.mutable_quarantine();
  q.set_sequence(e.sequence());
  q.set_event_type(e.event_type());
  q.set_stream_id(e.stream_id());
  q.set_recorded_at_us(e.recorded_at_us());
  std::string text = rule.ToString();
  if (text.size() > kMaxRuleBytes) {
    text.resize(kMaxRuleBytes - 3);
    text += "...";
  }
  q.set_rule(std::move(text));
  if (track_changes_) dirty_nodes_.insert(e.node_id());
}

std::map<std::string, v1::NodeCheckpoint> Projector::Checkpoints() const {
  std::map<std::string, v1::NodeCheckpoint> out;
  for (const auto& [id, node] : nodes_) out[id] = node.checkpoint;
  return out;
}

std::map<std::string, v1::NodeFigures> Projector::AllNodeFigures() const {
  std::map<std::string, v1::NodeFigures> out;
  for (const auto& [id, node] : nodes_) out[id] = node.figures;
  return out;
}

absl::Status Projector::Absorb(Projector&& other) {
  if (HasChanges() || other.HasChanges() || !loaded_.empty() ||
      !other.loaded_.empty()) {
    return absl::FailedPreconditionError(
        "projector: absorb needs two projectors with nothing to flush");
  }
  for (const auto& [id, node] : other.nodes_) {
    if (nodes_.count(id) != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "projector: absorb: node ", id, " is in both projectors"));
    }
  }
  // merge() moves the map nodes themselves: a NodeEntry (with its tables)
  // keeps its address, so the opinions' UnitEntry pointers stay valid.
  if (nodes_.empty()) {
    nodes_.swap(other.nodes_);
  } else {
    nodes_.merge(other.nodes_);
  }
  last_node_ = nullptr;
  last_node_id_ = nullptr;
  other.last_node_ = nullptr;
  other.last_node_id_ = nullptr;
  track_changes_ = true;
  return absl::OkStatus();
}

absl::Status Projector::ApplyBytes(absl::string_view envelope_bytes,
                                   v1::EventEnvelope& scratch) {
  if (!scratch.ParseFromArray(envelope_bytes.data(),
                              static_cast<int>(envelope_bytes.size()))) {
    return absl::InternalError(
        "projector: a stored envelope does not parse as "
        "reporting.v1.EventEnvelope");
  }
  return Apply(scratch);
}

absl::Status Projector::Apply(const v1::EventEnvelope& e) {
  // Consecutive events mostly come from one node's log: keep its entry.
  if (last_node_ == nullptr || *last_node_id_ != e.node_id()) {
    auto [it, inserted] = nodes_.try_emplace(e.node_id());
    if (inserted) it->second.figures.set_node_id(e.node_id());
    last_node_ = &it->second;
    last_node_id_ = &it->first;
  }
  NodeEntry& node = *last_node_;
  const uint64_t checkpoint = node.checkpoint.sequence();
  if (e.sequence() <= checkpoint) return absl::OkStatus();
  if (node.checkpoint.has_quarantine()) return absl::OkStatus();
  if (e.sequence() != checkpoint + 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("projector: node ", e.node_id(), ": event ", e.sequence(),
                     " does not follow the checkpoint ", checkpoint,
                     "; events must be applied in log order without gaps"));
  }
  if (absl::Status rule = CheckEvent(RuleView(*this, node, *last_node_id_), e);
      !rule.ok()) {
    Quarantine(node, e, rule);
    return absl::OkStatus();
  }
  // StateKey, built in a reused buffer: the maps copy it only for a new
  // aggregate.
  key_.assign(e.node_id());
  key_.push_back(kSep);
  key_.append(e.stream_id());
  const std::string& key = key_;
  bool state_changed = true;
  // Figures move with each event once changes are tracked; a rebuild
  // counts every aggregate once, from its final state, in its first Flush
  // (Flush: the same sums).
  const bool count = track_changes_;
  switch (KindOf(e.stream_id())) {
    case Kind::kUnit:
      RETURN_IF_ERROR(ApplyUnit(node, key, e));
      break;
    case Kind::kEvaluation:
      RETURN_IF_ERROR(ApplyEvaluation(node, key, e));
      break;
    case Kind::kMaterial: {
      domain::MaterialState& s = node.materials[key];
      if (count) AddMaterial(s, -1, *node.figures.mutable_materials());
      RETURN_IF_ERROR(domain::ApplyMaterialEvent(s, e));
      if (count) AddMaterial(s, +1, *node.figures.mutable_materials());
      break;
    }
    case Kind::kMeeting: {
      domain::MeetingState& s = node.meetings[key];
      if (count) AddMeeting(s, -1, *node.figures.mutable_meetings());
      RETURN_IF_ERROR(domain::ApplyMeetingEvent(s, e));
      SlimMeeting(s);
      if (count) AddMeeting(s, +1, *node.figures.mutable_meetings());
      break;
    }
    case Kind::kItem: {
      domain::RectificationState& s = node.items[key];
      if (count)
        AddRectification(s, -1, *node.figures.mutable_rectifications());
      RETURN_IF_ERROR(domain::ApplyRectificationEvent(s, e));
      SlimRectification(s);
      if (count)
        AddRectification(s, +1, *node.figures.mutable_rectifications());
      if (track_changes_) dirty_items_.insert(key);
      break;
    }
    case Kind::kCensus: {
      domain::CensusState& s = node.censuses[key];
      if (count) AddCensus(s, -1, *node.figures.mutable_census());
      RETURN_IF_ERROR(domain::ApplyCensusEvent(s, e));
      SlimCensus(s);
      if (count) AddCensus(s, +1, *node.figures.mutable_census());
      break;
    }
    case Kind::kNode:
      state_changed = false;
      if (e.event_type() == v1::NodeRegistered::descriptor()->full_name()) {
        v1::NodeRegistered m;
        if (!m.ParseFromString(e.payload())) {
          return absl::InternalError(absl::StrCat(
              "projector: node ", e.node_id(), " event ", e.sequence(),
              ": payload does not parse as reporting.v1.NodeRegistered"));
        }
        node.figures.set_name(m.name());
        node.figures.set_kind(m.kind());
      }
      break;
    case Kind::kOther:
      state_changed = false;
      break;
  }
  if (track_changes_) {
    if (state_changed) dirty_state_.insert(key);
    if (dirty_nodes_.count(e.node_id()) == 0) dirty_nodes_.insert(e.node_id());
  }
  node.figures.set_events_applied(node.figures.events_applied() + 1);
  node.checkpoint.set_sequence(e.sequence());
  node.checkpoint.set_last_recorded_at_us(e.recorded_at_us());
  return absl::OkStatus();
}

absl::Status Projector::ApplyUnit(NodeEntry& node, const std::string& key,
                                  const v1::EventEnvelope& e) {
  auto [it, inserted] = node.units.try_emplace(key);
  UnitEntry& unit = it->second;
  if (inserted) {
    unit.node_id = e.node_id();
    unit.state_key = key;
  }
  // Names and free texts stay in memory until the next load; no row or
  // figure depends on them (state_codec.h drops them when persisting).
  RETURN_IF_ERROR(domain::ApplyUnitEvent(unit.state, e));
  if (track_changes_ && !unit.dirty) {
    unit.dirty = true;
    dirty_units_.push_back(&unit);
  }
  return absl::OkStatus();
}

absl::Status Projector::ApplyEvaluation(NodeEntry& node, const std::string& key,
                                        const v1::EventEnvelope& e) {
  v1::EvaluationFigures& figures = *node.figures.mutable_evaluations();
  UnitEntry* unit = nullptr;
  auto ref = node.evaluation_refs.find(key);
  if (ref == node.evaluation_refs.end()) {
    // The stream's first event (EvaluationRecorded) names the unit.
    domain::EvaluationState fresh;
    RETURN_IF_ERROR(
        domain::ApplyEvaluationEvent(fresh, e, evaluation_payloads_));
    SlimEvaluation(fresh);
    if (track_changes_) AddEvaluation(fresh, +1, figures);
    unit = fresh.member_id.empty() ? nullptr
                                   : UnitById(node, e.node_id(), fresh.unit_id);
    EvaluationRef r{unit, fresh.member_id};
    if (unit != nullptr) {
      r.state = &(unit->evaluations[r.member_id] = std::move(fresh));
    } else {
      r.state = &(node.orphan_evaluations[key] = std::move(fresh));
    }
    node.evaluation_refs.emplace(key, std::move(r));
  } else {
    unit = ref->second.unit;
    domain::EvaluationState& s = *ref->second.state;
    if (track_changes_) AddEvaluation(s, -1, figures);
    RETURN_IF_ERROR(domain::ApplyEvaluationEvent(s, e, evaluation_payloads_));
    SlimEvaluation(s);
    if (track_changes_) AddEvaluation(s, +1, figures);
  }
  if (track_changes_ && unit != nullptr && !unit->dirty) {
    unit->dirty = true;
    dirty_units_.push_back(unit);
  }
  return absl::OkStatus();
}

bool Projector::StateRow(const std::string& key,
                         v1::ProjectedAggregate& aggregate) {
  aggregate.Clear();
  NodeEntry* node = NodeOfState(key);
  if (node == nullptr) return false;
  switch (KindOf(StreamOfKey(key))) {
    case Kind::kUnit:
      *aggregate.mutable_unit() = ToProto(node->units.at(key).state);
      aggregate.mutable_unit()->set_node_id(std::string(NodeOfKey(key)));
      return true;
    case Kind::kEvaluation:
      *aggregate.mutable_evaluation() = ToProto(*EvaluationAt(*node, key));
      return true;
    case Kind::kMaterial:
      *aggregate.mutable_material() = ToProto(node->materials.at(key));
      return true;
    case Kind::kMeeting:
      *aggregate.mutable_meeting() = ToProto(node->meetings.at(key));
      return true;
    case Kind::kItem:
      *aggregate.mutable_rectification() = ToProto(node->items.at(key));
      return true;
    case Kind::kCensus:
      *aggregate.mutable_census() = ToProto(node->censuses.at(key));
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

absl::Status Projector::Flush(size_t max_rows, const ChunkSink& sink) {
  std::vector<RowChange> chunk;
  auto emit_bytes = [&](Table table, std::string key,
                        std::string value) -> absl::Status {
    chunk.push_back(RowChange{table, std::move(key), std::move(value)});
    if (max_rows != 0 && chunk.size() >= max_rows) {
      absl::Status st = sink(std::move(chunk));
      chunk.clear();
      return st;
    }
    return absl::OkStatus();
  };
  const Emit emit = [&](Table table, std::string key,
                        const google::protobuf::Message& m) {
    return emit_bytes(table, std::move(key), SerializeRow(m));
  };
  v1::ProjectedAggregate aggregate;
  auto emit_state = [&](const std::string& key) -> absl::Status {
    if (!StateRow(key, aggregate)) return absl::OkStatus();
    return emit(Table::kState, key, aggregate);
  };
  auto emit_item = [&](const std::string& key,
                       const domain::RectificationState& item) {
    if (!item.identified()) return absl::OkStatus();
    const absl::string_view node_id = NodeOfKey(key);
    return emit(Table::kRows, RectRowKey(node_id, item.item_id),
                MakeRectificationRow(node_id, item));
  };
  auto emit_node = [&](const std::string& node_id, const NodeEntry& node) {
    return emit(Table::kRows, NodeRowKey(node_id), node.figures);
  };

  if (track_changes_) {
    for (UnitEntry* unit : dirty_units_) {
      RETURN_IF_ERROR(EmitUnitRow(*unit, emit));
    }
    dirty_units_.clear();
    for (const std::string& key : dirty_state_) {
      RETURN_IF_ERROR(emit_state(key));
    }
    dirty_state_.clear();
    for (const std::string& key : dirty_items_) {
      RETURN_IF_ERROR(emit_item(key, NodeOfState(key)->items.at(key)));
    }
    dirty_items_.clear();
    for (const std::string& node_id : dirty_nodes_) {
      RETURN_IF_ERROR(emit_node(node_id, nodes_.at(node_id)));
    }
    for (const std::string& node_id : dirty_nodes_) {
      RETURN_IF_ERROR(
          emit(Table::kCheckpoint, node_id, nodes_.at(node_id).checkpoint));
    }
    dirty_nodes_.clear();
  } else {
    // A rebuild's first flush: everything applied is new. The rows come
    // in (table, key) order, so that a bulk load merges the runs without
    // sorting them (rebuild.h); each node's tables are sorted apart (a
    // node's keys share its prefix, and nodes_ is in node order). The state
    // rows are made from the entries in hand (StateRow would look each up
    // again by key).
    if (max_rows == 0) chunk.reserve(FlushRowsUpperBound());
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
        RETURN_IF_ERROR(emit(Table::kState, e->first, aggregate));
      }
      // The numerous kinds: encoded straight from the state (state_row.h).
      for (const auto* e : InKeyOrder(node.evaluation_refs)) {
        AddEvaluation(*e->second.state, +1, *f.mutable_evaluations());
        RETURN_IF_ERROR(emit_bytes(Table::kState, e->first,
                                   EncodeStateRow(*e->second.state)));
      }
      for (const auto* e : InKeyOrder(node.materials)) {
        AddMaterial(e->second, +1, *f.mutable_materials());
        RETURN_IF_ERROR(
            emit_bytes(Table::kState, e->first, EncodeStateRow(e->second)));
      }
      for (const auto* e : InKeyOrder(node.meetings)) {
        AddMeeting(e->second, +1, *f.mutable_meetings());
        RETURN_IF_ERROR(
            emit_bytes(Table::kState, e->first, EncodeStateRow(e->second)));
      }
      std::vector<const domain::RectificationState*>& identified =
          items_in_order[id];
      for (const auto* e : InKeyOrder(node.items)) {
        AddRectification(e->second, +1, *f.mutable_rectifications());
        RETURN_IF_ERROR(
            emit_bytes(Table::kState, e->first, EncodeStateRow(e->second)));
        if (e->second.identified()) identified.push_back(&e->second);
      }
      for (const auto* e : InKeyOrder(node.units)) {
        aggregate.Clear();
        *aggregate.mutable_unit() = ToProto(e->second.state);
        aggregate.mutable_unit()->set_node_id(e->second.node_id);
        RETURN_IF_ERROR(emit(Table::kState, e->first, aggregate));
      }
    }
    // kRows: "n/" node, "r/" node \0 item id, "u/" node \0 unit id.
    for (const auto& [id, node] : nodes_) RETURN_IF_ERROR(emit_node(id, node));
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
        RETURN_IF_ERROR(emit(Table::kRows, RectRowKey(id, s->item_id),
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
        RETURN_IF_ERROR(emit(Table::kRows,
                             UnitRowKey(unit->node_id, unit->row.unit_id()),
                             unit->row));
      }
    }
    for (const auto& [id, node] : nodes_) {
      RETURN_IF_ERROR(emit(Table::kCheckpoint, id, node.checkpoint));
    }
    track_changes_ = true;
  }
  if (!chunk.empty()) return sink(std::move(chunk));
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

absl::Status Projector::LoadRow(Table table, absl::string_view key,
                                absl::string_view value) {
  switch (table) {
    case Table::kCheckpoint:
      return ParseRow(key, value, Node(std::string(key)).checkpoint);
    case Table::kRows:
      if (key.substr(0, 2) == kNodeRowPrefix) {
        return ParseRow(key, value, Node(std::string(key.substr(2))).figures);
      }
      // Unit and item rows are recomputed from the state in FinishLoad.
      return absl::OkStatus();
    case Table::kState:
      break;
  }
  v1::ProjectedAggregate a;
  RETURN_IF_ERROR(ParseRow(key, value, a));
  const std::string k(key);
  NodeEntry& node = Node(std::string(NodeOfKey(key)));
  switch (a.kind_case()) {
    case v1::ProjectedAggregate::kUnit: {
      UnitEntry& unit = node.units[k];
      unit.node_id = std::string(NodeOfKey(key));
      unit.state_key = k;
      unit.state = FromProto(a.unit());
      break;
    }
    case v1::ProjectedAggregate::kEvaluation:
      loaded_.emplace_back(k, FromProto(a.evaluation()));
      break;
    case v1::ProjectedAggregate::kMaterial:
      node.materials[k] = FromProto(a.material());
      break;
    case v1::ProjectedAggregate::kMeeting:
      node.meetings[k] = FromProto(a.meeting());
      break;
    case v1::ProjectedAggregate::kRectification:
      node.items[k] = FromProto(a.rectification());
      break;
    case v1::ProjectedAggregate::kCensus:
      node.censuses[k] = FromProto(a.census());
      break;
    case v1::ProjectedAggregate::KIND_NOT_SET:
      return absl::DataLossError(absl::StrCat(
          "projector: state row \"", absl::CEscape(key), "\" is empty"));
  }
  return absl::OkStatus();
}

absl::Status Projector::FinishLoad() {
  for (auto& [key, s] : loaded_) {
    const std::string node_id(NodeOfKey(key));
    NodeEntry& node = Node(node_id);
    UnitEntry* unit =
        s.member_id.empty() ? nullptr : UnitById(node, node_id, s.unit_id);
    EvaluationRef ref{unit, s.member_id};
    if (unit != nullptr) {
      ref.state = &(unit->evaluations[ref.member_id] = std::move(s));
    } else {
      ref.state = &(node.orphan_evaluations[key] = std::move(s));
    }
    node.evaluation_refs.emplace(key, std::move(ref));
  }
  loaded_.clear();
  // The rows the figures were built from are those the last flush wrote;
  // they are a function of the state loaded, so recompute them.
  for (auto& [id, node] : nodes_) {
    for (auto& [key, unit] : node.units) {
      if (!unit.state.registered()) continue;
      unit.row = MakeUnitRow(unit.node_id, unit.state, unit.evaluations);
      unit.has_row = true;
    }
  }
  return absl::OkStatus();
}

}  // namespace reporting::projector
