// LogSource: the logs an audit server holds, behind one interface.
//
//   county-node      one log, its own (CountyLogSource)
//   city-aggregator  a copy of every node's log (city::CityLogSource over
//                    city::NodeCopies, services/city/city_log_source.h),
//                    each with its divergence flag
//
// AuditServiceImpl only ever asks a LogSource for a log by node id, so the
// same handlers serve both binaries. A LogSource resolves ids but never
// creates a log: an unknown node is NOT_FOUND, never an empty new copy.
//
// Thread safety: implementations are safe for concurrent use.
#ifndef REPORTING_SERVICES_AUDIT_LOG_SOURCE_H_
#define REPORTING_SERVICES_AUDIT_LOG_SOURCE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/event_log.h"

namespace reporting::audit {

// One log as the audit handlers see it. `log` stays valid as long as the
// source (the server) is up.
struct LogRef {
  std::string node_id;
  storage::EventLog* log = nullptr;
  // A city copy: its events carry a receive time (EventLog::ReceivedAt).
  bool replica = false;
  // City: replication of this node stopped on divergence.
  bool diverged = false;
};

class LogSource {
 public:
  virtual ~LogSource() = default;

  // True at the city: many logs, node_id required where a request names a
  // log, and the received-at time axis exists.
  virtual bool holds_copies() const = 0;

  // Node ids of the logs held, sorted.
  virtual std::vector<std::string> Nodes() const = 0;

  // The log of `node_id` ("" on a county: its own). INVALID_ARGUMENT for a
  // malformed or (city) missing id, NOT_FOUND for a log not held here.
  virtual absl::StatusOr<LogRef> Find(const std::string& node_id) const = 0;
};

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_AUDIT_LOG_SOURCE_H_
