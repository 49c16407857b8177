// CityLogSource: the city aggregator's copies of every node's log
// (city::NodeCopies), with their receive times and divergence records.
//
// Thread safety: safe for concurrent use (NodeCopies is).
#ifndef REPORTING_SERVICES_CITY_CITY_LOG_SOURCE_H_
#define REPORTING_SERVICES_CITY_CITY_LOG_SOURCE_H_

#include <string>
#include <vector>

#include "services/audit/log_source.h"
#include "services/city/node_copies.h"

namespace reporting::city {

class CityLogSource final : public audit::LogSource {
 public:
  // `copies` must outlive the source.
  explicit CityLogSource(city::NodeCopies* copies);

  bool holds_copies() const override { return true; }
  std::vector<std::string> Nodes() const override;
  // INVALID_ARGUMENT for an empty or malformed id; NOT_FOUND for a node
  // with no copy here (a copy is never created by an audit call).
  absl::StatusOr<audit::LogRef> Find(const std::string& node_id) const override;

 private:
  city::NodeCopies* const copies_;
};

}  // namespace reporting::city

#endif  // REPORTING_SERVICES_CITY_CITY_LOG_SOURCE_H_
