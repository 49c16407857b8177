// NodeKeys: what the city knows of each node's signing keys and signed
// heads (ARCHITECTURE.md decision 9; docs/AUDIT.md "Trust"):
//
//   <data_dir>/nodes/<node_id>.keys  the node's key history as pinned
//                                    (reporting.v1.KeyHistory, binary)
//   <data_dir>/nodes/<node_id>.head  the newest head the node signed that
//                                    the city checked against its copy
//                                    (reporting.v1.SignedHead, binary)
//
// Trust on first use, bound to the node certificate: the first Hello that
// carries a key history pins it, and only a stream authenticated as that
// node (TLS CN = node id, replication_service.h) can pin or extend it. A
// rotation (the node's next key, endorsed by its current one) extends the
// pin; a history that differs from the pin is refused until an operator
// removes the .keys file (docs/OPERATIONS.md "Signing keys"). Both files
// are written atomically (temporary file, fsync, rename).
//
// Thread safety: all methods may be called concurrently.
#ifndef REPORTING_SERVICES_CITY_NODE_KEYS_H_
#define REPORTING_SERVICES_CITY_NODE_KEYS_H_

#include <map>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "reporting/v1/proof.pb.h"

namespace reporting::city {

class NodeKeys {
 public:
  explicit NodeKeys(std::string data_dir);

  // Pins `received` (node_id's key history from its Hello) or extends the
  // pin with it. INVALID_ARGUMENT for a history that does not verify,
  // PERMISSION_DENIED for one that differs from the pin.
  absl::Status Pin(const std::string& node_id, const v1::KeyHistory& received);
  // The pinned history (empty when none).
  v1::KeyHistory Pinned(const std::string& node_id) const;

  // Checks a signed head's signature against node_id's pinned keys:
  // FAILED_PRECONDITION without a pin (the node sent no keys), else as
  // proof::VerifySignedHead.
  absl::Status CheckSignature(const std::string& node_id,
                              const v1::SignedHead& head) const;

  // Keeps `head` (already checked against the copy) as node_id's newest
  // signed head unless the one kept is newer (a higher sequence, or the
  // same one signed later).
  absl::Status Keep(const std::string& node_id, const v1::SignedHead& head);
  std::optional<v1::SignedHead> Latest(const std::string& node_id) const;

  // Writes node_id's pin and newest head, when there are any, as
  // <dir>/<node_id>.keys and .head (a backup's nodes/ directory).
  absl::Status SaveTo(const std::string& node_id, const std::string& dir) const;

 private:
  std::string PathOf(const std::string& node_id, const char* suffix) const;
  // Loads the node's files into the caches on first use.
  void LoadLocked(const std::string& node_id) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string data_dir_;
  mutable absl::Mutex mu_;
  mutable std::map<std::string, v1::KeyHistory> pinned_ ABSL_GUARDED_BY(mu_);
  mutable std::map<std::string, v1::SignedHead> latest_ ABSL_GUARDED_BY(mu_);
  mutable std::map<std::string, bool> loaded_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reporting::city

#endif  // REPORTING_SERVICES_CITY_NODE_KEYS_H_
