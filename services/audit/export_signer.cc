#include "services/audit/export_signer.h"

#include <utility>

#include "absl/time/clock.h"
#include "services/export/export_seal.h"

namespace reporting::audit {

void SignSeal(const ExportSigner& signer, const storage::Head& head,
              int64_t now_us, v1::ExportSeal* seal) {
  const proof::KeyRing& keys = signer.keys();
  seal->set_signer(keys.signer());
  seal->set_created_at_us(now_us);
  if (std::optional<v1::SignedHead> anchor =
          signer.AnchorHead(seal->node_id(), head)) {
    *seal->mutable_node_head() = std::move(*anchor);
  } else {
    seal->clear_node_head();
  }
  *seal->mutable_node_keys() = signer.NodeKeys(seal->node_id());
  // The key number is part of the signed bytes: sign with the key named
  // (again, if a rotation came in between).
  for (;;) {
    *seal->mutable_signer_keys() = keys.history();
    seal->set_key_number(
        static_cast<uint32_t>(seal->signer_keys().keys_size()));
    proof::Signature s = keys.Sign(ManifestStatement(*seal));
    if (s.key_number == seal->key_number()) {
      seal->set_signature(std::move(s.bytes));
      return;
    }
  }
}

CountyExportSigner::CountyExportSigner(std::string node_id,
                                       const proof::KeyRing* keys,
                                       proof::HeadSigner* head_signer,
                                       std::function<int64_t()> now_us)
    : node_id_(std::move(node_id)),
      keys_(keys),
      head_signer_(head_signer),
      now_us_(now_us ? std::move(now_us)
                     : [] { return absl::ToUnixMicros(absl::Now()); }) {}

std::optional<v1::SignedHead> CountyExportSigner::AnchorHead(
    const std::string&, const storage::Head& head) const {
  // Signed for this export: exactly the head the replay ran to.
  return proof::SignHead(*keys_, node_id_, head, now_us_());
}

v1::KeyHistory CountyExportSigner::NodeKeys(const std::string&) const {
  return keys_->history();
}

std::vector<v1::NodeKeys> CountyExportSigner::AllNodeKeys() const {
  v1::NodeKeys own;
  own.set_node_id(node_id_);
  *own.mutable_keys() = keys_->history();
  if (head_signer_ != nullptr) {
    v1::SignedHead latest = head_signer_->Latest();
    if (!latest.signature().empty()) *own.mutable_latest_head() = latest;
  }
  return {own};
}

}  // namespace reporting::audit
