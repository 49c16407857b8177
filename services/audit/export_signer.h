// ExportSigner: what AuditService needs to seal an export (audit.proto
// ExportSeal) and to answer Keys: the server's KeyRing, the signed head an
// export of a node is anchored to, and the nodes' keys.
//
//   CountyExportSigner  a county: its own keys; anchors an export to its
//                       head as the replay saw it, signed for the export
//   CityExportSigner    the city (services/city/city_export_signer.h): the
//                       city's keys; anchors to the node's newest signed
//                       head the city checked, with the node's pinned keys
//
// Thread safety: implementations are safe for concurrent use.
#ifndef REPORTING_SERVICES_AUDIT_EXPORT_SIGNER_H_
#define REPORTING_SERVICES_AUDIT_EXPORT_SIGNER_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reporting/v1/audit.pb.h"
#include "services/proof/head_signer.h"
#include "services/proof/key_ring.h"
#include "storage/event_log.h"

namespace reporting::audit {

class ExportSigner {
 public:
  virtual ~ExportSigner() = default;
  virtual const proof::KeyRing& keys() const = 0;
  // The head an export of node_id (whose replay ran to `head`) is anchored
  // to; nullopt when none is held.
  virtual std::optional<v1::SignedHead> AnchorHead(
      const std::string& node_id, const storage::Head& head) const = 0;
  // node_id's key history as this server knows it (empty: none).
  virtual v1::KeyHistory NodeKeys(const std::string& node_id) const = 0;
  // Every node this server knows keys of, with its newest signed head.
  virtual std::vector<v1::NodeKeys> AllNodeKeys() const = 0;
};

// Fills the seal's signer, keys, anchor and time and signs it with the
// server's newest key. `seal` carries node_id, filters, counts, digests
// and log_head_sequence.
void SignSeal(const ExportSigner& signer, const storage::Head& head,
              int64_t now_us, v1::ExportSeal* seal);

class CountyExportSigner final : public ExportSigner {
 public:
  // Not owned; must outlive the signer. `head_signer` may be null.
  CountyExportSigner(std::string node_id, const proof::KeyRing* keys,
                     proof::HeadSigner* head_signer,
                     std::function<int64_t()> now_us = nullptr);

  const proof::KeyRing& keys() const override { return *keys_; }
  std::optional<v1::SignedHead> AnchorHead(
      const std::string& node_id, const storage::Head& head) const override;
  v1::KeyHistory NodeKeys(const std::string& node_id) const override;
  std::vector<v1::NodeKeys> AllNodeKeys() const override;

 private:
  const std::string node_id_;
  const proof::KeyRing* const keys_;
  proof::HeadSigner* const head_signer_;
  const std::function<int64_t()> now_us_;
};

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_AUDIT_EXPORT_SIGNER_H_
