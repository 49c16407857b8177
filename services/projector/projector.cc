// Projector's tables of entries and their bookkeeping; Apply is in
// projector_apply.cc, Flush in projector_flush.cc, LoadRow in
// projector_load.cc.
#include "services/projector/projector.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/projector/row_keys.h"

namespace reporting::projector {
namespace {

// Longest rule text kept in a checkpoint (projection.proto RuleBreak).
constexpr size_t kMaxRuleBytes = 1000;

}  // namespace

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

}  // namespace reporting::projector
