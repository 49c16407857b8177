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
      // Sleep until the running sync covers us, or we are picked to lead
      // the next one: a finished sync wakes only those (not every waiter).
      Waiter me{sequence, false};
      waiting_.push_back(&me);
      mu_.Await(absl::Condition(&me.wake));
      continue;
    }
    // Lead one sync for everything written so far.
    syncing_ = true;
    mu_.Unlock();
    // Read the written head BEFORE syncing: every write up to it has
    // returned, so the sync covers it.
    Head target = written_();
    absl::Status s = sync_ ? sync_() : absl::OkStatus();
    mu_.Lock();
    syncing_ = false;
    if (sync_) ++sync_count_;
    if (s.ok()) {
      if (target.sequence > durable_.sequence) durable_ = std::move(target);
    } else {
      error_ = s;
    }
    WakeWaitersLocked();
    changed_.SignalAll();
  }
  return absl::OkStatus();
}

void GroupCommit::WakeWaitersLocked() {
  bool leader_picked = false;
  size_t kept = 0;
  for (Waiter* w : waiting_) {
    const bool covered = w->sequence <= durable_.sequence || !error_.ok();
    if (covered || !leader_picked) {
      leader_picked = leader_picked || !covered;
      w->wake = true;
    } else {
      waiting_[kept++] = w;
    }
  }
  waiting_.resize(kept);
}

void GroupCommit::MarkDurable(const Head& written) {
  absl::MutexLock l(&mu_);
  if (written.sequence > durable_.sequence) durable_ = written;
  WakeWaitersLocked();
  changed_.SignalAll();
}

void GroupCommit::MarkSynced(const Head& written) {
  {
    absl::MutexLock l(&mu_);
    ++sync_count_;
  }
  MarkDurable(written);
}

void GroupCommit::Restart(const Head& durable) {
  absl::MutexLock l(&mu_);
  error_ = absl::OkStatus();
  durable_ = durable;
  WakeWaitersLocked();
  changed_.SignalAll();
}

Head GroupCommit::durable() const {
  absl::MutexLock l(&mu_);
  return durable_;
}

absl::Status GroupCommit::status() const {
  absl::MutexLock l(&mu_);
  return error_;
}

Head GroupCommit::WaitForChange(uint64_t after_sequence, absl::Duration timeout,
                                uint64_t wake_generation) const {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock l(&mu_);
  while (durable_.sequence <= after_sequence && !shutdown_ &&
         wake_generation_ == wake_generation) {
    if (changed_.WaitWithDeadline(&mu_, deadline)) break;
  }
  return durable_;
}

uint64_t GroupCommit::wake_generation() const {
  absl::MutexLock l(&mu_);
  return wake_generation_;
}

void GroupCommit::WakeWaiters() const {
  absl::MutexLock l(&mu_);
  ++wake_generation_;
  changed_.SignalAll();
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
