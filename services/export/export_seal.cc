#include "services/export/export_seal.h"

#include "openssl/evp.h"
#include "services/proof/statement.h"

namespace reporting::audit {

std::string ManifestStatement(const v1::ExportSeal& seal) {
  proof::Statement s(kManifestStatement);
  s.Text("signer", seal.signer())
      .Unsigned("key", seal.key_number())
      .Text("node_id", seal.node_id());
  // Sorted by name (a protobuf map has no order).
  const std::map<std::string, std::string> filters(seal.filters().begin(),
                                                   seal.filters().end());
  for (const auto& [name, value] : filters) s.Text("filter." + name, value);
  s.Unsigned("count", seal.count())
      .Unsigned("first_sequence", seal.first_sequence())
      .Unsigned("last_sequence", seal.last_sequence())
      .Hex("first_prev_hash", seal.first_prev_hash())
      .Hex("last_hash", seal.last_hash())
      .Hex("events_digest", seal.events_digest())
      .Unsigned("receipt_count", seal.receipt_count())
      .Unsigned("first_receipt", seal.first_receipt())
      .Unsigned("last_receipt", seal.last_receipt())
      .Hex("receipts_digest", seal.receipts_digest())
      .Unsigned("log_head_sequence", seal.log_head_sequence());
  if (seal.has_node_head()) {
    const v1::SignedHead& h = seal.node_head();
    s.Unsigned("node_head.sequence", h.sequence())
        .Hex("node_head.hash", h.hash())
        .Number("node_head.signed_at_us", h.signed_at_us())
        .Unsigned("node_head.key", h.key_number())
        .Hex("node_head.signature", h.signature());
  } else {
    s.Text("node_head", "none");
  }
  s.Number("created_at_us", seal.created_at_us());
  return s.bytes();
}

storage::Receipt ToStorage(const v1::Receipt& r) {
  storage::Receipt out;
  out.number = r.number();
  out.first_sequence = r.first_sequence();
  out.last_sequence = r.last_sequence();
  out.last_hash = r.last_hash();
  out.received_at_us = r.received_at_us();
  out.prev_hash = r.prev_hash();
  out.hash = r.hash();
  return out;
}

v1::Receipt ToProto(absl::string_view node_id, const storage::Receipt& r) {
  v1::Receipt out;
  out.set_node_id(std::string(node_id));
  out.set_number(r.number);
  out.set_first_sequence(r.first_sequence);
  out.set_last_sequence(r.last_sequence);
  out.set_last_hash(r.last_hash);
  out.set_received_at_us(r.received_at_us);
  out.set_prev_hash(r.prev_hash);
  out.set_hash(r.hash);
  return out;
}

struct SealBuilder::Digest {
  Digest() : ctx(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  }
  ~Digest() { EVP_MD_CTX_free(ctx); }
  void Add(absl::string_view bytes) {
    EVP_DigestUpdate(ctx, bytes.data(), bytes.size());
  }
  std::string Final() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx, digest, &length);
    return std::string(reinterpret_cast<const char*>(digest), length);
  }
  EVP_MD_CTX* ctx;
};

SealBuilder::SealBuilder()
    : events_(std::make_unique<Digest>()),
      receipts_(std::make_unique<Digest>()) {}

SealBuilder::~SealBuilder() = default;

void SealBuilder::AddEvent(uint64_t sequence, absl::string_view prev_hash,
                           absl::string_view hash) {
  if (counts_.count() == 0) {
    counts_.set_first_sequence(sequence);
    counts_.set_first_prev_hash(std::string(prev_hash));
  }
  counts_.set_count(counts_.count() + 1);
  counts_.set_last_sequence(sequence);
  counts_.set_last_hash(std::string(hash));
  events_->Add(hash);
}

void SealBuilder::AddReceipt(uint64_t number, absl::string_view hash) {
  if (counts_.receipt_count() == 0) counts_.set_first_receipt(number);
  counts_.set_receipt_count(counts_.receipt_count() + 1);
  counts_.set_last_receipt(number);
  receipts_->Add(hash);
}

void SealBuilder::Finish(v1::ExportSeal* seal) {
  seal->set_count(counts_.count());
  seal->set_first_sequence(counts_.first_sequence());
  seal->set_last_sequence(counts_.last_sequence());
  seal->set_first_prev_hash(counts_.first_prev_hash());
  seal->set_last_hash(counts_.last_hash());
  seal->set_events_digest(events_->Final());
  seal->set_receipt_count(counts_.receipt_count());
  seal->set_first_receipt(counts_.first_receipt());
  seal->set_last_receipt(counts_.last_receipt());
  seal->set_receipts_digest(receipts_->Final());
}

}  // namespace reporting::audit
