#include "storage/group_commit.h"

#include <utility>

namespace reporting::storage {

GroupCommit::GroupCommit(Head durable, WrittenFn written, SyncFn sync)
    : written_(std::move(written)),
      sync_(std::move(sync)),
      durable_(std::move(durable)) {}

absl::Status GroupCommit::AwaitDurable(uint64_t sequence) {
  absl::MutexLock l(&mu_);
  while (durable_.sequence < sequence) {
    if (!error_.ok()) return error_;
    if (syncing_) {
      changed_.Wait(&mu_);
      continue;
    }
    // Lead one sync for everything written so far.
    syncing_ = true;
    mu_.Unlock();
    // Read the written head BEFORE syncing: every write up to it has
    // returned, so the sync covers it.
    Head target = written_();
    absl::Status s = sync_();
    mu_.Lock();
    syncing_ = false;
    ++sync_count_;
    if (s.ok()) {
      if (target.sequence > durable_.sequence) durable_ = std::move(target);
    } else {
      error_ = s;
    }
    changed_.SignalAll();
  }
  return absl::OkStatus();
}

Head GroupCommit::durable() const {
  absl::MutexLock l(&mu_);
  return durable_;
}

absl::Status GroupCommit::status() const {
  absl::MutexLock l(&mu_);
  return error_;
}

Head GroupCommit::WaitForChange(uint64_t after_sequence,
                                absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock l(&mu_);
  while (durable_.sequence <= after_sequence && !shutdown_) {
    if (changed_.WaitWithDeadline(&mu_, deadline)) break;
  }
  return durable_;
}

void GroupCommit::Shutdown() {
  absl::MutexLock l(&mu_);
  shutdown_ = true;
  changed_.SignalAll();
}

uint64_t GroupCommit::sync_count() const {
  absl::MutexLock l(&mu_);
  return sync_count_;
}

}  // namespace reporting::storage
