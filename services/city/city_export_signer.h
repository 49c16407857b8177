// CityExportSigner: the city's ExportSigner (export_signer.h): signs with
// the city's key ring; anchors an export of a node to the node's newest
// signed head the city checked against its copy (city::NodeKeys), with the
// node's pinned keys.
//
// Thread safety: safe for concurrent use.
#ifndef REPORTING_SERVICES_CITY_CITY_EXPORT_SIGNER_H_
#define REPORTING_SERVICES_CITY_CITY_EXPORT_SIGNER_H_

#include <optional>
#include <string>
#include <vector>

#include "services/audit/export_signer.h"
#include "services/city/node_copies.h"
#include "services/city/node_keys.h"

namespace reporting::city {

class CityExportSigner final : public audit::ExportSigner {
 public:
  // Not owned; must outlive the signer.
  CityExportSigner(const proof::KeyRing* keys, const city::NodeCopies* copies,
                   const city::NodeKeys* node_keys);

  const proof::KeyRing& keys() const override { return *keys_; }
  std::optional<v1::SignedHead> AnchorHead(
      const std::string& node_id, const storage::Head& head) const override;
  v1::KeyHistory NodeKeys(const std::string& node_id) const override;
  std::vector<v1::NodeKeys> AllNodeKeys() const override;

 private:
  const proof::KeyRing* const keys_;
  const city::NodeCopies* const copies_;
  const city::NodeKeys* const node_keys_;
};

}  // namespace reporting::city

#endif  // REPORTING_SERVICES_CITY_CITY_EXPORT_SIGNER_H_
