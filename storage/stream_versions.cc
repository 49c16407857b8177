#include "storage/stream_versions.h"

#include <algorithm>
#include <ostream>

namespace reporting::storage {

void StreamVersions::Reserve(size_t streams, size_t id_bytes) {
  entries_.reserve(streams);
  ids_.reserve(id_bytes);
}

void StreamVersions::Add(absl::string_view stream, uint64_t version) {
  ids_.append(stream.data(), stream.size());
  entries_.push_back(Item{static_cast<uint32_t>(ids_.size()), version});
}

StreamVersions::value_type StreamVersions::Entry(size_t i) const {
  const size_t begin = i == 0 ? 0 : entries_[i - 1].id_end;
  return {absl::string_view(ids_).substr(begin, entries_[i].id_end - begin),
          entries_[i].version};
}

uint64_t StreamVersions::Find(absl::string_view stream) const {
  for (const auto& [id, version] : *this) {
    if (id == stream) return version;
  }
  return 0;
}

std::ostream& operator<<(std::ostream& os, const StreamVersions& v) {
  os << "{";
  const char* sep = "";
  for (const auto& [id, version] : v) {
    os << sep << "\"" << id << "\": " << version;
    sep = ", ";
  }
  return os << "}";
}

void StreamVersionsBuilder::Set(absl::string_view stream, uint64_t version) {
  auto [it, inserted] = index_.try_emplace(stream, order_.size());
  if (inserted) {
    order_.emplace_back(std::string(stream), version);
  } else {
    uint64_t& v = order_[it->second].second;
    v = std::max(v, version);
  }
}

StreamVersions StreamVersionsBuilder::Build() const {
  size_t bytes = 0;
  for (const auto& [id, version] : order_) bytes += id.size();
  StreamVersions out;
  out.Reserve(order_.size(), bytes);
  for (const auto& [id, version] : order_) out.Add(id, version);
  return out;
}

}  // namespace reporting::storage
