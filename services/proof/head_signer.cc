#include "services/proof/head_signer.h"

#include <utility>

#include "absl/time/clock.h"
#include "services/proof/statement.h"

namespace reporting::proof {

v1::SignedHead SignHead(const KeyRing& keys, const std::string& node_id,
                        const storage::Head& head, int64_t now_us) {
  v1::SignedHead out;
  out.set_node_id(node_id);
  out.set_sequence(head.sequence);
  out.set_hash(head.hash);
  out.set_signed_at_us(now_us);
  // The key number is part of the signed bytes: sign with the key that
  // will be named.
  for (;;) {
    const uint32_t number = static_cast<uint32_t>(keys.history().keys_size());
    out.set_key_number(number);
    Signature s = keys.Sign(HeadStatement(out));
    if (s.key_number == number) {
      out.set_signature(std::move(s.bytes));
      return out;
    }
    // Rotated in between: sign again naming the new key.
  }
}

HeadSigner::HeadSigner(const storage::EventLog* log, const KeyRing* keys,
                       HeadSignerOptions options)
    : log_(log), keys_(keys), options_([&] {
        if (!options.now_us) {
          options.now_us = [] { return absl::ToUnixMicros(absl::Now()); };
        }
        return std::move(options);
      }()) {}

HeadSigner::~HeadSigner() { Stop(); }

void HeadSigner::Start() {
  SignNow();
  thread_ = std::thread([this] { Run(); });
}

void HeadSigner::Stop() {
  {
    absl::MutexLock l(&mu_);
    stopping_ = true;
    cv_.SignalAll();
  }
  log_->WakeWaiters();
  if (thread_.joinable()) thread_.join();
}

v1::SignedHead HeadSigner::Latest() const {
  absl::MutexLock l(&mu_);
  return latest_;
}

v1::SignedHead HeadSigner::SignNow() {
  v1::SignedHead head =
      SignHead(*keys_, options_.node_id, log_->GetHead(), options_.now_us());
  absl::MutexLock l(&mu_);
  // Two signers racing: keep the newer head.
  if (head.sequence() >= latest_.sequence()) {
    latest_ = head;
    latest_at_ = absl::Now();
  }
  return head;
}

void HeadSigner::Run() {
  for (;;) {
    // Read before the stop check: a Stop() after it wakes the wait.
    const uint64_t generation = log_->WakeGeneration();
    uint64_t signed_sequence;
    {
      absl::MutexLock l(&mu_);
      if (stopping_) return;
      signed_sequence = latest_.sequence();
    }
    const storage::Head head =
        log_->WaitForAppend(signed_sequence, absl::Minutes(1), generation);
    if (head.sequence <= signed_sequence) continue;
    {
      // At most one signature per `every`.
      absl::MutexLock l(&mu_);
      const absl::Time due = latest_at_ + options_.every;
      while (!stopping_ && absl::Now() < due) {
        cv_.WaitWithDeadline(&mu_, due);
      }
      if (stopping_) return;
    }
    SignNow();
  }
}

}  // namespace reporting::proof
