#include "storage/staged_streams.h"

#include <algorithm>
#include <cassert>

#include "absl/hash/hash.h"

namespace reporting::storage {

void StagedStreams::Reset(size_t max_streams) {
  size_t capacity = 16;
  while (capacity < 2 * max_streams) capacity *= 2;  // at most half full
  if (slots_.size() < capacity) slots_.resize(capacity);
  std::fill_n(slots_.begin(), capacity, 0);
  mask_ = capacity - 1;
  max_streams_ = max_streams;
  streams_.clear();
}

uint32_t StagedStreams::FindOrAdd(absl::string_view id) {
  const uint64_t hash = absl::Hash<absl::string_view>{}(id);
  const uint64_t tag = hash >> 32;
  for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
    const uint64_t slot = slots_[i];
    if (slot == 0) {
      assert(streams_.size() < max_streams_);
      const auto position = static_cast<uint32_t>(streams_.size());
      streams_.push_back(Stream{id});
      slots_[i] = tag << 32 | (position + 1);
      return position;
    }
    if (slot >> 32 == tag) {
      const auto position = static_cast<uint32_t>((slot & 0xffffffff) - 1);
      if (streams_[position].id == id) return position;
    }
  }
}

}  // namespace reporting::storage
