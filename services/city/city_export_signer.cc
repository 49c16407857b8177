#include "services/city/city_export_signer.h"

namespace reporting::city {

CityExportSigner::CityExportSigner(const proof::KeyRing* keys,
                                   const city::NodeCopies* copies,
                                   const city::NodeKeys* node_keys)
    : keys_(keys), copies_(copies), node_keys_(node_keys) {}

std::optional<v1::SignedHead> CityExportSigner::AnchorHead(
    const std::string& node_id, const storage::Head&) const {
  return node_keys_->Latest(node_id);
}

v1::KeyHistory CityExportSigner::NodeKeys(const std::string& node_id) const {
  return node_keys_->Pinned(node_id);
}

std::vector<v1::NodeKeys> CityExportSigner::AllNodeKeys() const {
  std::vector<v1::NodeKeys> out;
  for (const std::string& node : copies_->Nodes()) {
    v1::NodeKeys& n = out.emplace_back();
    n.set_node_id(node);
    *n.mutable_keys() = node_keys_->Pinned(node);
    if (std::optional<v1::SignedHead> h = node_keys_->Latest(node)) {
      *n.mutable_latest_head() = std::move(*h);
    }
  }
  return out;
}

}  // namespace reporting::city
