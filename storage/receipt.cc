#include "storage/receipt.h"

#include "storage/hash_chain.h"
#include "storage/keys.h"

namespace reporting::storage {

std::string ReceiptBytes(absl::string_view node_id, const Receipt& receipt) {
  std::string out;
  out.reserve(kReceiptTag.size() + 1 + node_id.size() + 3 * 8 +
              receipt.last_hash.size() + 8);
  out.append(kReceiptTag.data(), kReceiptTag.size());
  out.push_back(static_cast<char>(static_cast<uint8_t>(node_id.size())));
  out.append(node_id.data(), node_id.size());
  keys::PutBe64(&out, receipt.number);
  keys::PutBe64(&out, receipt.first_sequence);
  keys::PutBe64(&out, receipt.last_sequence);
  out.append(receipt.last_hash);
  keys::PutBe64(&out, static_cast<uint64_t>(receipt.received_at_us));
  return out;
}

std::string ReceiptHash(absl::string_view node_id, const Receipt& receipt) {
  return ChainHash(receipt.prev_hash, ReceiptBytes(node_id, receipt));
}

}  // namespace reporting::storage
