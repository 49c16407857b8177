// Projector::Apply: one event folded into its node's state with the
// domain's own code, after the city's re-check (rule_check.h).
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/projector/figures.h"
#include "services/projector/projector.h"
#include "services/projector/row_keys.h"
#include "services/projector/rule_check.h"
#include "services/projector/state_codec.h"
#include "storage/status_macros.h"

namespace reporting::projector {

class Projector::RuleView final : public RuleState {
 public:
  RuleView(Projector& p, NodeEntry& node, const std::string& node_id)
      : p_(p), node_(node), node_id_(node_id) {}

  bool NodeRegistered() const override {
    // DecideRegisterNode requires a kind; the node row keeps it.
    return node_.figures.kind() != v1::NODE_KIND_UNSPECIFIED;
  }
  const domain::UnitState* Unit(const std::string& unit_id) const override {
    const UnitEntry* unit = Find(node_.units, "unit/", unit_id);
    return unit == nullptr ? nullptr : &unit->state;
  }
  const domain::EvaluationsByMember* Evaluations(
      const std::string& unit_id) const override {
    const UnitEntry* unit = Find(node_.units, "unit/", unit_id);
    return unit == nullptr ? nullptr : &unit->evaluations;
  }
  const domain::EvaluationState* Evaluation(
      const std::string& stream_id) const override {
    const EvaluationRef* ref = Find(node_.evaluation_refs, "", stream_id);
    return ref == nullptr ? nullptr : ref->state;
  }
  const domain::MaterialState* Material(
      const std::string& stream_id) const override {
    return Find(node_.materials, "", stream_id);
  }
  const domain::MeetingState* Meeting(
      const std::string& stream_id) const override {
    return Find(node_.meetings, "", stream_id);
  }
  const domain::RectificationState* Item(
      const std::string& stream_id) const override {
    return Find(node_.items, "", stream_id);
  }
  const domain::CensusState* Census(
      const std::string& stream_id) const override {
    return Find(node_.censuses, "", stream_id);
  }

 private:
  // The entry of stream `prefix` + `id` (StateKey), looked up with the
  // projector's reused key buffer: a check looks up to three per event.
  template <typename Map>
  const typename Map::mapped_type* Find(const Map& table,
                                        absl::string_view prefix,
                                        absl::string_view id) const {
    std::string& key = p_.rule_key_;
    key.assign(node_id_);
    key.push_back(kSep);
    key.append(prefix.data(), prefix.size());
    key.append(id.data(), id.size());
    auto it = table.find(key);
    return it == table.end() ? nullptr : &it->second;
  }

  Projector& p_;
  NodeEntry& node_;
  const std::string& node_id_;
};

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

}  // namespace reporting::projector
