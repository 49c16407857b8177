#include "services/audit/county_log_source.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace reporting::audit {

CountyLogSource::CountyLogSource(std::string node_id, storage::EventLog* log)
    : node_id_(std::move(node_id)), log_(log) {}

std::vector<std::string> CountyLogSource::Nodes() const { return {node_id_}; }

absl::StatusOr<LogRef> CountyLogSource::Find(const std::string& node_id) const {
  if (!node_id.empty() && node_id != node_id_) {
    return absl::NotFoundError(
        absl::StrCat("audit: this county node holds only its own log (node ",
                     node_id_, "), not node ", node_id,
                     "'s; ask that node, or the city aggregator for its copy"));
  }
  return LogRef{node_id_, log_, /*replica=*/false, /*diverged=*/false};
}

}  // namespace reporting::audit
