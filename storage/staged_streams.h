// StagedStreams: the streams the appends of one group touch, in order of
// first touch, each found by its id in one probe.
//
// Rebuilt for every group (Reset), so it is sized for the group up front
// and never grows: an open-addressing table of 8-byte slots (linear
// probing, at most half full) holding a 32-bit tag of the id's hash and
// the stream's position, reused from group to group. The
// absl::flat_hash_map it replaces freed its table on every clear() of more
// than 127 slots (absl 20220623) and allocated it again for the next group;
// its inserts were 2.3% of a 1000-event append (`perf`), and 1000-event
// appends got 0.02-0.06 closer to the bare RocksDB loop without it
// (docs/PERFORMANCE.md, session 8).
//
// Ids are views: the caller keeps the strings alive until the next Reset
// (the log: the requests of the group being written).
//
// Thread compatibility: guarded by the log's append mutex.
#ifndef REPORTING_STORAGE_STAGED_STREAMS_H_
#define REPORTING_STORAGE_STAGED_STREAMS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"

namespace reporting::storage {

struct AppendRequest;

class StagedStreams {
 public:
  struct Stream {
    absl::string_view id;
    bool resolved = false;  // `version` and `cached` are set
    uint64_t version = 0;   // as staged so far (or as written, if not staged)
    bool staged = false;    // an append of this group wrote it
    // The append being staged that last wrote it (its result lists each
    // stream once).
    const AppendRequest* staged_by = nullptr;
    // Its entry in the log's version cache when it had one: updated in
    // place after the write (nothing enters the cache in between).
    uint64_t* cached = nullptr;
  };

  // Empties it for a group that touches at most `max_streams` streams.
  void Reset(size_t max_streams);

  // The position of `id`, added (unresolved) if new. At most `max_streams`
  // distinct ids per Reset.
  uint32_t FindOrAdd(absl::string_view id);

  Stream& operator[](uint32_t position) { return streams_[position]; }
  size_t size() const { return streams_.size(); }
  std::vector<Stream>::const_iterator begin() const { return streams_.begin(); }
  std::vector<Stream>::const_iterator end() const { return streams_.end(); }

 private:
  std::vector<Stream> streams_;
  // tag << 32 | (position + 1); 0: empty. Only the first mask_ + 1 are in
  // use.
  std::vector<uint64_t> slots_;
  size_t mask_ = 0;
  size_t max_streams_ = 0;
};

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_STAGED_STREAMS_H_
