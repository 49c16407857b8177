// CountyLogSource: a county node's one log (its own; no receive times).
//
// Thread safety: immutable after construction.
#ifndef REPORTING_SERVICES_AUDIT_COUNTY_LOG_SOURCE_H_
#define REPORTING_SERVICES_AUDIT_COUNTY_LOG_SOURCE_H_

#include <string>
#include <vector>

#include "services/audit/log_source.h"

namespace reporting::audit {

class CountyLogSource final : public LogSource {
 public:
  // `log` must outlive the source.
  CountyLogSource(std::string node_id, storage::EventLog* log);

  bool holds_copies() const override { return false; }
  std::vector<std::string> Nodes() const override;
  // "" or the node's own id; NOT_FOUND naming the own id otherwise.
  absl::StatusOr<LogRef> Find(const std::string& node_id) const override;

 private:
  const std::string node_id_;
  storage::EventLog* const log_;
};

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_AUDIT_COUNTY_LOG_SOURCE_H_
