// The city aggregator's online backup (AdminService.Backup, admin.proto),
// taken while replication and projection continue. The backup directory is
// a data directory of the same layout:
//   <dir>/read_models/CURRENT, <dir>/read_models/gen-NNNNNN   (if any)
//   <dir>/nodes/<node_id>             a checkpoint of each node's copy
//   <dir>/nodes/<node_id>.diverged    each divergence record
//   <dir>/nodes/<node_id>.keys, .head each node's pinned keys and newest
//                                     signed head (node_keys.h)
//   <dir>/BACKUP                      what was copied (text, for people)
//
// Consistency (docs/OPERATIONS.md): each database is one consistent
// RocksDB checkpoint, but they are not taken at one instant. The read
// models go FIRST, the node copies after: copies only grow, so every
// copy in the backup holds at least what the backed-up read models
// reflect, and a restored aggregator resumes projecting from its
// checkpoints without a gap or a double count. Events that reached a copy
// after its checkpoint are sent again by the county (replication resumes
// from the restored copy's head). When no complete read-model store exists
// yet (a rebuild is running), only the copies are backed up and the
// restored aggregator rebuilds its read models at start.
#ifndef REPORTING_SERVICES_CITY_BACKUP_H_
#define REPORTING_SERVICES_CITY_BACKUP_H_

#include <string>

#include "absl/status/statusor.h"
#include "reporting/v1/admin.pb.h"
#include "services/city/node_copies.h"
#include "services/city/node_keys.h"
#include "services/city/projection_runner.h"

namespace reporting::city {

// read_models_dir: the runner's directory (<data_dir>/read_models).
// node_keys may be null (no pins to copy). The city's own signing key is
// not in a backup (docs/OPERATIONS.md "Signing keys").
absl::StatusOr<v1::BackupResponse> BackupCity(
    NodeCopies& copies, const ProjectionRunner& runner,
    const std::string& read_models_dir, const std::string& dir,
    const NodeKeys* node_keys = nullptr);

}  // namespace reporting::city

#endif  // REPORTING_SERVICES_CITY_BACKUP_H_
