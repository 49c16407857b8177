// Projector::LoadRow and FinishLoad: a projector rebuilt from the rows a
// flush wrote.
#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/projector/figures.h"
#include "services/projector/projector.h"
#include "services/projector/row_keys.h"
#include "services/projector/state_codec.h"
#include "storage/status_macros.h"

namespace reporting::projector {
namespace {

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

}  // namespace

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
