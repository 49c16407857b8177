// NodeCopies: the city's copy of each node's log, one EventLog (one RocksDB)
// per node under <data_dir>/nodes/<node_id>, opened on first use and kept
// open until Close. Also the per-node divergence records, which must
// survive a restart: <data_dir>/nodes/<node_id>.diverged (text, written
// atomically; an operator removes it after investigating).
//
// Why one RocksDB per node (services/city/README.md): a copy has the
// county's format (storage/README.md "Replicas": the same events, head and
// reads; receive times per batch; indexes built when first read), so
// storage's Open tail check, Verify, reads and audit code work on it
// unchanged; a node's copy can be moved, backed up, verified
// or dropped on its own; and a fault in one copy cannot touch another.
//
// Thread safety: all methods may be called concurrently.
#ifndef REPORTING_SERVICES_CITY_NODE_COPIES_H_
#define REPORTING_SERVICES_CITY_NODE_COPIES_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/event_log.h"

namespace reporting::city {

class NodeCopies {
 public:
  // sync: the copies' WAL sync (on, except in benchmarks of the sync cost).
  NodeCopies(std::string data_dir, bool sync = true);
  ~NodeCopies();
  NodeCopies(const NodeCopies&) = delete;
  NodeCopies& operator=(const NodeCopies&) = delete;

  // The node's copy, opened (created when missing) on first use. The
  // pointer stays valid until Close. node_id must be a checked node id.
  absl::StatusOr<storage::EventLog*> Get(const std::string& node_id);

  // Nodes with a copy on disk or open, sorted.
  std::vector<std::string> Nodes() const;

  // Records divergence of node_id durably (fsync'd file, renamed into
  // place). The first record is kept; later ones do not overwrite it.
  absl::Status MarkDiverged(const std::string& node_id,
                            const std::string& detail);
  // The divergence record, if any.
  std::optional<std::string> Divergence(const std::string& node_id) const;

  // Closes every copy; Get fails afterwards.
  absl::Status Close();

 private:
  std::string NodeDir(const std::string& node_id) const;
  std::string DivergencePath(const std::string& node_id) const;

  // Constant after construction.
  const std::string data_dir_;
  const bool sync_;

  mutable absl::Mutex mu_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, std::unique_ptr<storage::EventLog>> logs_
      ABSL_GUARDED_BY(mu_);
  // Cache of the divergence files.
  std::map<std::string, std::string> diverged_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reporting::city

#endif  // REPORTING_SERVICES_CITY_NODE_COPIES_H_
