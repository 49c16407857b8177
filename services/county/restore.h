// `county-node restore`: rebuilds a county node whose disk was lost from the
// city's copy of its log, exported with `reportctl audit export` (the export
// format is services/export/export_format.h). docs/OPERATIONS.md "A county
// restored from the city" is the procedure.
//
// Into an empty (or new) data directory, it writes the exported events with
// their EXACT envelope bytes and hashes (EventLog::AppendRestored: every
// hash and the chain are checked again, the command index is rebuilt so
// commands retried after the restore are still duplicates), then checks
// the result against the export's manifest (node, first sequence 1,
// contiguous, last sequence and head hash) and verifies the whole chain.
// When it returns OK the node can be started on the directory: it appends
// at head + 1 and replication to the city resumes where the copy is.
//
// Refusals (nothing is left half-done that a node could start on: a
// failed restore removes the directory it created):
//   INVALID_ARGUMENT     a line or the manifest does not parse or check,
//                        or the export is of another node, filtered,
//                        empty or does not start at sequence 1
//   FAILED_PRECONDITION  the data directory holds something already
//   DATA_LOSS            the events do not chain or disagree with the
//                        manifest
#ifndef REPORTING_SERVICES_COUNTY_RESTORE_H_
#define REPORTING_SERVICES_COUNTY_RESTORE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace reporting::county {

struct RestoreStats {
  uint64_t events = 0;
  uint64_t head_sequence = 0;
  double seconds = 0;
};

absl::StatusOr<RestoreStats> RestoreFromExport(const std::string& node_id,
                                               const std::string& data_dir,
                                               const std::string& export_path);

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_RESTORE_H_
