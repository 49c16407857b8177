#include "services/audit/replay_slots.h"

#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "services/common/identity.h"

ABSL_FLAG(int, audit_replays_per_caller, 4,
          "How many AuditService.Replay streams one caller (one certificate, "
          "or one address with --insecure) may have open at once; more are "
          "refused with RESOURCE_EXHAUSTED");

namespace reporting::audit {

int ReplaysPerCallerFlag() {
  return absl::GetFlag(FLAGS_audit_replays_per_caller);
}

std::string CallerKey(const grpc::ServerContext& context) {
  if (auto auth = context.auth_context(); auth != nullptr) {
    if (auto id = services::IdentityOf(*auth); id.ok()) {
      return services::Describe(*id);
    }
  }
  // "ipv4:127.0.0.1:5555" / "ipv6:[::1]:5555": the host, without the port.
  std::string peer = context.peer();
  if (size_t colon = peer.rfind(':'); colon != std::string::npos) {
    peer.resize(colon);
  }
  return peer;
}

ReplaySlots::Slot::Slot(Slot&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      caller_(std::move(other.caller_)) {}

ReplaySlots::Slot::~Slot() {
  if (owner_ != nullptr) owner_->Release(caller_);
}

absl::StatusOr<ReplaySlots::Slot> ReplaySlots::Acquire(
    const std::string& caller) {
  absl::MutexLock l(&mu_);
  int& n = open_[caller];
  if (n >= per_caller_) {
    return absl::ResourceExhaustedError(
        absl::StrCat("audit: replay: ", caller, " already has ", n,
                     " Replay streams open, the most one caller may have "
                     "(--audit_replays_per_caller=",
                     per_caller_, "); read or cancel one first"));
  }
  ++n;
  return Slot(this, caller);
}

int ReplaySlots::open(const std::string& caller) const {
  absl::MutexLock l(&mu_);
  auto it = open_.find(caller);
  return it == open_.end() ? 0 : it->second;
}

void ReplaySlots::Release(const std::string& caller) {
  absl::MutexLock l(&mu_);
  auto it = open_.find(caller);
  if (it != open_.end() && --it->second <= 0) open_.erase(it);
}

}  // namespace reporting::audit
