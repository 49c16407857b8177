// How many Replay streams one caller may have open at once (issue 20: 60
// unread streams tripled the city's memory). A caller is its certificate's
// identity (CN and OU), or its address on a plaintext server. Beyond the
// limit Replay answers RESOURCE_EXHAUSTED at once, naming the limit and the
// flag; a slot is freed when its stream ends, however it ends.
//
//   --audit_replays_per_caller   default 4 (services/audit/replay_slots.cc)
//
// Thread safety: thread-safe.
#ifndef REPORTING_SERVICES_AUDIT_REPLAY_SLOTS_H_
#define REPORTING_SERVICES_AUDIT_REPLAY_SLOTS_H_

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server_context.h"

namespace reporting::audit {

// --audit_replays_per_caller.
int ReplaysPerCallerFlag();

// Who is calling, for the limit: `CN="..." OU="..."` from the verified
// certificate, else the peer's host (plaintext).
std::string CallerKey(const grpc::ServerContext& context);

class ReplaySlots {
 public:
  // per_caller below 1 counts as 1.
  explicit ReplaySlots(int per_caller)
      : per_caller_(per_caller < 1 ? 1 : per_caller) {}

  // Holds one slot until destroyed.
  class Slot {
   public:
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&&) = delete;
    ~Slot();

   private:
    friend class ReplaySlots;
    Slot(ReplaySlots* owner, std::string caller)
        : owner_(owner), caller_(std::move(caller)) {}
    ReplaySlots* owner_;
    std::string caller_;
  };

  // A slot for `caller`, or RESOURCE_EXHAUSTED when it has per_caller open.
  absl::StatusOr<Slot> Acquire(const std::string& caller);

  int open(const std::string& caller) const;

 private:
  void Release(const std::string& caller);

  const int per_caller_;
  mutable absl::Mutex mu_;
  std::map<std::string, int> open_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_AUDIT_REPLAY_SLOTS_H_
