// CommandFilter: which command ids a log may hold, so that appending a new
// command id (nearly every append) skips the RocksDB lookup of its entry
// in the command index.
//
// It holds a 64-bit hash of every command id written. An id whose hash is
// absent was never written: no lookup. A present one is looked up (a
// repeat, or one of ~n/2^64 hash collisions). It is built on first use by
// reading the command index's keys, so logs that never append (a city's
// copies, audit tools) never build it; afterwards every command id is
// added when it is checked or staged, before its write (an id whose write
// then fails costs only a lookup later, as does one refused after its
// check). Memory, from the table's layout (not measured): 9-byte slots,
// 44-87% full, so 10-20 bytes per command id. Building it from 1,000,000
// ids took ~0.9 s (measured; storage/README.md, step 3 of an append).
//
// Thread compatibility: guarded by the log's append mutex.
#ifndef REPORTING_STORAGE_COMMAND_FILTER_H_
#define REPORTING_STORAGE_COMMAND_FILTER_H_

#include <cstdint>
#include <functional>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace reporting::storage {

class CommandFilter {
 public:
  // Calls `visit` with every command id held (stops at the first error).
  using Scan = std::function<absl::Status(
      const std::function<void(absl::string_view id)>& visit)>;

  // Builds the filter with `scan` unless built already.
  absl::Status EnsureBuilt(const Scan& scan);
  bool built() const { return built_; }

  void Add(absl::string_view command_id);
  // False only for an id never added (and, once built, never held).
  bool MayContain(absl::string_view command_id) const;
  // Add and MayContain in one probe (the append path, which goes on to
  // write the id): the answer MayContain gave before the id was added.
  bool AddAndCheck(absl::string_view command_id);

  size_t size() const { return hashes_.size(); }

 private:
  static uint64_t HashOf(absl::string_view command_id);

  absl::flat_hash_set<uint64_t> hashes_;
  bool built_ = false;
};

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_COMMAND_FILTER_H_
