#include "services/generator/generate_campaign.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/descriptor.h"
#include "reporting/v1/command.pb.h"
#include "services/domain/dates.h"
#include "services/domain/ids.h"
#include "services/generator/generate_script.h"

namespace reporting::generator {

const std::vector<LinyiNode>& LinyiNodes() {
  static const auto* nodes = new std::vector<LinyiNode>{
      {"371302", "兰山区", v1::NODE_KIND_DISTRICT},
      {"371311", "罗庄区", v1::NODE_KIND_DISTRICT},
      {"371312", "河东区", v1::NODE_KIND_DISTRICT},
      {"371321", "沂南县", v1::NODE_KIND_COUNTY},
      {"371322", "郯城县", v1::NODE_KIND_COUNTY},
      {"371323", "沂水县", v1::NODE_KIND_COUNTY},
      {"371324", "兰陵县", v1::NODE_KIND_COUNTY},
      {"371325", "费县", v1::NODE_KIND_COUNTY},
      {"371326", "平邑县", v1::NODE_KIND_COUNTY},
      {"371327", "莒南县", v1::NODE_KIND_COUNTY},
      {"371328", "蒙阴县", v1::NODE_KIND_COUNTY},
      {"371329", "临沭县", v1::NODE_KIND_COUNTY},
  };
  return *nodes;
}

std::string CommandId(const Command& command) {
  const google::protobuf::Message& request = *command.request;
  const auto* field = request.GetDescriptor()->FindFieldByName("meta");
  if (field == nullptr) return "";
  const auto& meta = static_cast<const v1::CommandMeta&>(
      request.GetReflection()->GetMessage(request, field));
  return meta.command_id();
}

void OverviewLine::Add(const OverviewLine& o) {
  units += o.units;
  study += o.study;
  analysis += o.analysis;
  rectification += o.rectification;
  completed += o.completed;
  blocked += o.blocked;
  waiting += o.waiting;
  opinions += o.opinions;
  signed_opinions += o.signed_opinions;
  disputed += o.disputed;
  transformation_required += o.transformation_required;
  transformation_assigned += o.transformation_assigned;
  materials_accepted += o.materials_accepted;
  meetings += o.meetings;
  items += o.items;
  items_open += o.items_open;
  items_overdue += o.items_overdue;
  items_completed += o.items_completed;
  items_explained += o.items_explained;
  summaries += o.summaries;
  census_units += o.census_units;
  census_problems_open += o.census_problems_open;
  events += o.events;
}

absl::StatusOr<Campaign> BuildCampaign(const CampaignOptions& options) {
  if (options.node_ids.empty()) {
    return absl::InvalidArgumentError("generate: at least one node is needed");
  }
  if (options.units_per_node < 1 || options.units_per_node > 9999) {
    return absl::InvalidArgumentError(
        "generate: --units-per-node must be 1..9999");
  }
  if (options.members_per_unit < kMinMembersPerUnit ||
      options.members_per_unit > 9999) {
    return absl::InvalidArgumentError(absl::StrCat(
        "generate: --members-per-unit must be ", kMinMembersPerUnit,
        "..9999 (the scenarios need a disputed, a shown and a missing "
        "opinion in one unit)"));
  }
  absl::CivilDay today;
  if (!domain::IsValidDate(options.today) ||
      !absl::ParseCivilTime(options.today, &today)) {
    return absl::InvalidArgumentError(
        absl::StrCat("generate: --today must be a date YYYY-MM-DD, got \"",
                     options.today, "\""));
  }
  std::set<std::string> seen;
  for (const std::string& id : options.node_ids) {
    if (absl::Status s = domain::ValidateNodeId(id); !s.ok()) {
      // The message names the id: "generate: node id \"37 13\" is
      // malformed: ...".
      return absl::InvalidArgumentError(
          absl::StrCat("generate: ", s.message()));
    }
    if (!seen.insert(id).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("generate: node id ", id, " is given twice"));
    }
  }

  // Deal the fates over every unit of every node in a seed-shuffled order.
  std::vector<int> order(kFateCount);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(options.seed);
  for (int i = kFateCount - 1; i > 0; --i) {
    std::swap(order[i], order[rng() % static_cast<uint64_t>(i + 1)]);
  }

  Campaign campaign;
  campaign.today = options.today;
  campaign.city.node_id = "city";
  campaign.city.name = "全市";
  int dealt = 0;
  for (const std::string& id : options.node_ids) {
    NodePlan plan;
    plan.node_id = id;
    plan.name = absl::StrCat("节点", id);
    plan.kind = v1::NODE_KIND_CITY_DEPARTMENT;
    for (const LinyiNode& n : LinyiNodes()) {
      if (id == n.id) {
        plan.name = n.name;
        plan.kind = n.kind;
      }
    }
    plan.expected.node_id = plan.node_id;
    plan.expected.name = plan.name;
    NodeScript script(options, today, &plan);
    for (int u = 1; u <= options.units_per_node; ++u) {
      script.AddUnit(u, order[dealt++ % kFateCount]);
    }
    campaign.city.Add(plan.expected);
    campaign.nodes.push_back(std::move(plan));
  }
  std::sort(campaign.nodes.begin(), campaign.nodes.end(),
            [](const NodePlan& a, const NodePlan& b) {
              return a.node_id < b.node_id;
            });
  return campaign;
}

}  // namespace reporting::generator
