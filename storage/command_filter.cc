#include "storage/command_filter.h"

#include "absl/hash/hash.h"

namespace reporting::storage {

absl::Status CommandFilter::EnsureBuilt(const Scan& scan) {
  if (built_) return absl::OkStatus();
  absl::Status s = scan([this](absl::string_view id) { Add(id); });
  // A failed scan leaves it unbuilt: the next append tries again (ids
  // added meanwhile stay; they are held or about to be).
  if (s.ok()) built_ = true;
  return s;
}

void CommandFilter::Add(absl::string_view command_id) {
  hashes_.insert(HashOf(command_id));
}

bool CommandFilter::AddAndCheck(absl::string_view command_id) {
  const bool added = hashes_.insert(HashOf(command_id)).second;
  return !built_ || !added;
}

bool CommandFilter::MayContain(absl::string_view command_id) const {
  return !built_ || hashes_.contains(HashOf(command_id));
}

uint64_t CommandFilter::HashOf(absl::string_view command_id) {
  // absl::Hash is seeded per process: fine for a set that lives in memory.
  return absl::Hash<absl::string_view>{}(command_id);
}

}  // namespace reporting::storage
