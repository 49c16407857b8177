// HeadSigner: signs a node's durable head (proof.proto SignedHead) with its
// KeyRing, off the append path: a thread of its own wakes when the log
// grows (EventLog::WaitForAppend) and signs once `every` has passed since
// its last signature, so a busy node signs at most once per `every` and an
// idle one not at all. SignNow() signs at once (every export does).
// Appends never wait for it: signing costs ~50 us of this thread's time per
// signature, and append_bench does not run it (docs/PERFORMANCE.md).
//
// Thread safety: Start/Stop from one thread; Latest and SignNow from any.
#ifndef REPORTING_SERVICES_PROOF_HEAD_SIGNER_H_
#define REPORTING_SERVICES_PROOF_HEAD_SIGNER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "reporting/v1/proof.pb.h"
#include "services/proof/key_ring.h"
#include "storage/event_log.h"

namespace reporting::proof {

// A node's head signed now with `keys`.
v1::SignedHead SignHead(const KeyRing& keys, const std::string& node_id,
                        const storage::Head& head, int64_t now_us);

struct HeadSignerOptions {
  std::string node_id;
  // Least time between two signatures of a growing log.
  absl::Duration every = absl::Seconds(5);
  // Clock of signed_at_us. Default: absl::Now().
  std::function<int64_t()> now_us;
};

class HeadSigner {
 public:
  // log and keys are not owned and must outlive the signer.
  HeadSigner(const storage::EventLog* log, const KeyRing* keys,
             HeadSignerOptions options);
  ~HeadSigner();  // Stop()
  HeadSigner(const HeadSigner&) = delete;
  HeadSigner& operator=(const HeadSigner&) = delete;

  // Signs the current head at once, then follows the log.
  void Start();
  // Idempotent; wakes and joins the thread.
  void Stop();

  // The newest signed head (a default message before the first).
  v1::SignedHead Latest() const;
  // Signs the current durable head now; it becomes the newest.
  v1::SignedHead SignNow();

 private:
  void Run();

  // Constant after construction.
  const storage::EventLog* const log_;
  const KeyRing* const keys_;
  const HeadSignerOptions options_;

  std::thread thread_;
  mutable absl::Mutex mu_;
  absl::CondVar cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  v1::SignedHead latest_ ABSL_GUARDED_BY(mu_);
  absl::Time latest_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace reporting::proof

#endif  // REPORTING_SERVICES_PROOF_HEAD_SIGNER_H_
