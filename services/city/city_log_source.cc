#include "services/city/city_log_source.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/domain/ids.h"

namespace reporting::city {

CityLogSource::CityLogSource(city::NodeCopies* copies) : copies_(copies) {}

std::vector<std::string> CityLogSource::Nodes() const {
  return copies_->Nodes();
}

absl::StatusOr<audit::LogRef> CityLogSource::Find(
    const std::string& node_id) const {
  if (node_id.empty()) {
    return absl::InvalidArgumentError(
        "audit: node_id is required at the city aggregator (which node's "
        "copy); ListLogs names the copies held");
  }
  if (absl::Status s = domain::ValidateNodeId(node_id); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit: node_id: ", s.message()));
  }
  // Checked first: Get would create a missing copy.
  const std::vector<std::string> nodes = copies_->Nodes();
  if (!std::binary_search(nodes.begin(), nodes.end(), node_id)) {
    return absl::NotFoundError(absl::StrCat(
        "audit: the city holds no copy of node ", node_id,
        " (it has never replicated here); ListLogs names the copies held"));
  }
  absl::StatusOr<storage::EventLog*> log = copies_->Get(node_id);
  if (!log.ok()) return log.status();
  return audit::LogRef{node_id, *log, /*replica=*/true,
                       copies_->Divergence(node_id).has_value()};
}

}  // namespace reporting::city
