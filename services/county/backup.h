// The county node's online backup (AdminService.Backup, admin.proto): a
// RocksDB checkpoint of the node's event log, taken while commands keep
// appending. The backup directory IS a data directory: county-node
// --data_dir=<backup> opens it (docs/OPERATIONS.md "Backup and restore").
//
// Consistency: the checkpoint is one consistent point of the log: a prefix
// of the chain holding every event acknowledged before the backup started
// (head_sequence in the response), and possibly some appended while it was
// taken; never a torn append.
#ifndef REPORTING_SERVICES_COUNTY_BACKUP_H_
#define REPORTING_SERVICES_COUNTY_BACKUP_H_

#include <string>

#include "absl/status/statusor.h"
#include "reporting/v1/admin.pb.h"
#include "storage/event_log.h"

namespace reporting::county {

absl::StatusOr<v1::BackupResponse> BackupNode(const std::string& node_id,
                                              const storage::EventLog& log,
                                              const std::string& dir);

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_BACKUP_H_
