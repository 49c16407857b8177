#include "services/county/backup.h"

#include "storage/status_macros.h"

namespace reporting::county {

absl::StatusOr<v1::BackupResponse> BackupNode(const std::string& node_id,
                                              const storage::EventLog& log,
                                              const std::string& dir) {
  const uint64_t head = log.GetHead().sequence;
  RETURN_IF_ERROR(log.Checkpoint(dir));
  v1::BackupResponse response;
  v1::BackedUpDatabase* db = response.add_databases();
  db->set_path("");
  db->set_kind("event_log");
  db->set_head_sequence(head);
  db->set_node_id(node_id);
  return response;
}

}  // namespace reporting::county
