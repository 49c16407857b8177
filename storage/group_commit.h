// GroupCommit: makes appends durable with as few WAL syncs as possible, and
// publishes the durable head.
//
// Appends write their batch to RocksDB with sync=false, in sequence order,
// under the log's append mutex (or with sync=true and then MarkSynced, when
// nothing could overlap the sync). Each then calls AwaitDurable(its last
// sequence). If no sync is running, that thread becomes the leader: it reads
// the head written so far, syncs the WAL once (covering every write that
// returned before the sync began), and publishes that head as durable. Other
// threads wait and are covered by the leader's sync, or lead the next one.
// While one sync runs, the next group gathers, so N concurrent appenders
// share about two syncs. A finished sync wakes only the threads it covered
// and one more to lead the next sync: with 64 appenders, waking all of
// them after every sync cost more CPU than the appends.
//
// Thread safety: all methods may be called concurrently. The callbacks are
// called without GroupCommit's lock held.
#ifndef REPORTING_STORAGE_GROUP_COMMIT_H_
#define REPORTING_STORAGE_GROUP_COMMIT_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/event_log.h"

namespace reporting::storage {

class GroupCommit {
 public:
  // The head written (not necessarily durable) so far.
  using WrittenFn = std::function<Head()>;
  // Makes everything written before the call durable (a WAL sync).
  // Null for a log without sync: AwaitDurable then publishes the written
  // head without syncing, and sync_count() does not count it (a metric of
  // WAL syncs must not report syncs that never reached the disk).
  using SyncFn = std::function<absl::Status()>;

  GroupCommit(Head durable, WrittenFn written, SyncFn sync);
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Returns once the durable head is >= sequence (the sequence must have
  // been written). A failed sync fails this and every later call until
  // Restart: what is durable is then unknown until the log reopens.
  absl::Status AwaitDurable(uint64_t sequence);

  Head durable() const;

  // For a log without sync: what was just written counts as durable at
  // once (publishes `written` and wakes waiters), so appends need not pass
  // through a no-op sync.
  void MarkDurable(const Head& written);
  // For a write that synced the WAL itself (a RocksDB write with
  // sync=true, which also covers every write before it): MarkDurable, and
  // counted as a sync.
  void MarkSynced(const Head& written);

  // OK until a sync fails; then that sync's error, until Restart.
  absl::Status status() const;

  // After the log reopened (a failed write or sync): `durable` is what it
  // holds, all of it durable; clears the error and wakes waiters. No
  // write or sync may run meanwhile.
  void Restart(const Head& durable);

  // Blocks until the durable head is > after_sequence, the timeout passes,
  // Shutdown(), or WakeWaiters() has moved the wake generation past
  // `wake_generation`; returns the durable head.
  Head WaitForChange(uint64_t after_sequence, absl::Duration timeout,
                     uint64_t wake_generation) const;
  uint64_t wake_generation() const;
  // Moves the wake generation on and wakes WaitForChange callers.
  void WakeWaiters() const;

  // Wakes WaitForChange callers for good.
  void Shutdown();

  // Number of WAL syncs run so far, by a SyncFn call or a MarkSynced write
  // (for tests and metrics); never counts a log without sync.
  uint64_t sync_count() const;

 private:
  // Constant after construction.
  const WrittenFn written_;
  const SyncFn sync_;

  mutable absl::Mutex mu_;
  // An AwaitDurable call sleeping while another thread's sync runs.
  struct Waiter {
    uint64_t sequence;
    bool wake;  // set (under mu_) when covered or picked to lead next
  };
  // After a sync (or MarkDurable): wakes the waiters it covered and one
  // that it did not (to lead the next sync); the rest sleep on.
  void WakeWaitersLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::CondVar changed_;  // durable_ changed (WaitForChange)
  std::vector<Waiter*> waiting_ ABSL_GUARDED_BY(mu_);
  Head durable_ ABSL_GUARDED_BY(mu_);
  bool syncing_ ABSL_GUARDED_BY(mu_) = false;
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
  mutable uint64_t wake_generation_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  uint64_t sync_count_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_GROUP_COMMIT_H_
