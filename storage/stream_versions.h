// StreamVersions: the new version of every stream an append touched, part
// of every append's result.
//
// One entry per stream, in the order of the append's first event on it
// (the order the events were given, so a result rebuilt from the stored
// events equals the original). Stored compactly, all stream ids in one
// string: building a result costs two allocations, not two per stream (a
// std::map did; on a 100-event append that was ~4% of the append).
//
// Thread compatibility: a value type; const methods may run concurrently.
#ifndef REPORTING_STORAGE_STREAM_VERSIONS_H_
#define REPORTING_STORAGE_STREAM_VERSIONS_H_

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace reporting::storage {

class StreamVersions {
 public:
  using value_type = std::pair<absl::string_view, uint64_t>;

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = StreamVersions::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = value_type;

    const_iterator() = default;
    value_type operator*() const { return owner_->Entry(index_); }
    const_iterator& operator++() {
      ++index_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++index_;
      return before;
    }
    bool operator==(const const_iterator& o) const {
      return index_ == o.index_;
    }
    bool operator!=(const const_iterator& o) const {
      return index_ != o.index_;
    }

   private:
    friend class StreamVersions;
    const_iterator(const StreamVersions* owner, size_t index)
        : owner_(owner), index_(index) {}
    const StreamVersions* owner_ = nullptr;
    size_t index_ = 0;
  };

  StreamVersions() = default;

  // Room for `streams` entries whose ids total `id_bytes` bytes.
  void Reserve(size_t streams, size_t id_bytes);

  // Adds a stream that is not in the list yet (the caller ensures it; the
  // append path knows). Use StreamVersionsBuilder when it does not know.
  void Add(absl::string_view stream, uint64_t version);

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // The i-th stream and its version (i < size()).
  value_type Entry(size_t i) const;
  // The version of `stream`; 0 (kNoStream) when the append did not touch
  // it. A linear scan: for tests and small results.
  uint64_t Find(absl::string_view stream) const;

  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, entries_.size()); }

  friend bool operator==(const StreamVersions& a, const StreamVersions& b) {
    return a.ids_ == b.ids_ && a.entries_ == b.entries_;
  }
  friend bool operator!=(const StreamVersions& a, const StreamVersions& b) {
    return !(a == b);
  }

 private:
  struct Item {
    uint32_t id_end;  // the id is ids_[previous id_end, id_end)
    uint64_t version;
    bool operator==(const Item& o) const {
      return id_end == o.id_end && version == o.version;
    }
  };
  std::string ids_;
  std::vector<Item> entries_;
};

// Prints {"unit/A": 3, "branch/B": 1} (test failure messages).
std::ostream& operator<<(std::ostream& os, const StreamVersions& v);

// Builds a StreamVersions from events in order when streams may repeat:
// each stream keeps its highest version, in order of first appearance.
// One hash-map entry per stream; for paths off the append's hot path
// (results rebuilt from stored events, staged logs).
class StreamVersionsBuilder {
 public:
  void Set(absl::string_view stream, uint64_t version);
  StreamVersions Build() const;

 private:
  std::vector<std::pair<std::string, uint64_t>> order_;
  absl::flat_hash_map<std::string, size_t> index_;
};

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_STREAM_VERSIONS_H_
