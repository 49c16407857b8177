// ReadModelStore: the city's read models in their own RocksDB directory
// (ARCHITECTURE.md decision 5). Key grammar of each family: storage/README.md
// "Read-model store"; what the rows mean: services/projector/projector.h.
//
// Contract
// - Apply(WriteSet) is ONE atomic RocksDB write: the projector's state, the
//   read-model rows and the checkpoint commit together or not at all.
//   With sync the WAL is fsynced first; without, a process crash still
//   keeps it (OS page cache) but a power loss may drop the latest writes,
//   which the projector then re-applies from the node copies.
// - Readers see whole writes only. A View pins one consistent snapshot
//   across several reads.
// - BulkLoad(puts) fills a FRESH store that nobody reads yet (a rebuild):
//   the rows are sorted (unless they come sorted by family and key) and
//   written as table files, several in parallel (disjoint key ranges), that
//   are ingested directly (no WAL, no memtable), and they are durable
//   (files synced, manifest written) when it returns. Not atomic with
//   respect to readers: the caller marks the store complete with
//   Apply(sync) afterwards.
// - Full disks (storage/README.md "Full disks"): below the disk's reserve
//   (disk_space.h) Apply is refused (RESOURCE_EXHAUSTED) before anything is
//   written. After a write that failed, nothing more is written to that
//   open database; the next Apply, once the disk is above the reserve and
//   no View is open (it waits up to 2 s), reopens it and writes. Reads go
//   on throughout.
// - Destroy(dir) drops a store (rebuilds build a fresh directory, swap it
//   in, then destroy the old one).
//
// Thread safety: all methods may be called concurrently; Close() and the
// destructor must not race with other calls. A View must not outlive its
// store.
#ifndef REPORTING_STORAGE_READ_MODEL_STORE_H_
#define REPORTING_STORAGE_READ_MODEL_STORE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/disk_usage.h"

namespace reporting::storage {

class ReadModelStore {
 public:
  // Column families; their names are on disk (storage/README.md).
  enum class Family : int { kState = 0, kRows = 1, kCheckpoint = 2, kMeta = 3 };

  struct Put {
    Family family;
    std::string key;
    std::string value;
  };
  struct WriteSet {
    std::vector<Put> puts;
    bool sync = false;
  };

  // Visits key/value pairs in key order; return false to stop.
  using Visitor =
      std::function<bool(absl::string_view key, absl::string_view value)>;

  // A consistent read-only snapshot.
  class View {
   public:
    virtual ~View() = default;
    // false when absent.
    virtual absl::StatusOr<bool> Get(Family family, absl::string_view key,
                                     std::string* value) const = 0;
    // Keys with `prefix`, from the first key >= `start` (empty: from the
    // prefix), in order.
    virtual absl::Status Scan(Family family, absl::string_view prefix,
                              absl::string_view start,
                              const Visitor& visit) const = 0;
  };

  // Opens (creating when missing) the store in `dir`.
  static absl::StatusOr<std::unique_ptr<ReadModelStore>> Open(
      const std::string& dir);
  // Deletes the store in `dir` and the directory; OK when absent.
  static absl::Status Destroy(const std::string& dir);

  virtual ~ReadModelStore() = default;

  virtual absl::Status Apply(const WriteSet& writes) = 0;
  // See the contract above. Of a key put twice the later value is kept;
  // loaded values replace rows already in the store.
  virtual absl::Status BulkLoad(std::vector<Put>&& puts) = 0;
  // BulkLoad of the runs' puts together; of a key put twice the put of the
  // later run (or later in its run) is kept. A run sorted by (family, key)
  // is merged without sorting it again.
  virtual absl::Status BulkLoadRuns(std::vector<std::vector<Put>>&& runs) = 0;
  // A snapshot of everything applied so far.
  virtual std::unique_ptr<View> NewView() const = 0;
  // Reads without a snapshot (each call sees the latest writes).
  virtual absl::StatusOr<bool> Get(Family family, absl::string_view key,
                                   std::string* value) const = 0;
  virtual absl::Status Scan(Family family, absl::string_view prefix,
                            absl::string_view start,
                            const Visitor& visit) const = 0;
  // Online backup: a consistent copy of the store in `dir` (a RocksDB
  // checkpoint: hard links where possible), openable with Open(). `dir`
  // must not exist yet. The copy holds every write applied before the call.
  virtual absl::Status Checkpoint(const std::string& dir) const = 0;
  // What the store's RocksDB occupies (metrics; storage/disk_usage.h).
  virtual absl::StatusOr<DiskUsage> GetDiskUsage() const = 0;
  virtual absl::Status Close() = 0;
};

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_READ_MODEL_STORE_H_
