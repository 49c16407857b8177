#include "tests/export/forge.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/export/export_seal.h"
#include "services/proof/statement.h"
#include "storage/envelope.h"
#include "storage/hash_chain.h"
#include "storage/receipt.h"
#include "tests/testutil/files.h"

namespace reporting::export_test {
namespace {

template <typename T>
T Must(absl::StatusOr<T> v, const std::string& what) {
  if (!v.ok()) {
    std::cerr << "forge: " << what << ": " << v.status() << "\n";
    std::abort();
  }
  return *std::move(v);
}

std::vector<std::string> LinesOf(const std::string& path) {
  std::vector<std::string> lines =
      absl::StrSplit(testutil::ReadFile(path), '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

}  // namespace

ExportParts ReadParts(const std::string& path) {
  ExportParts parts;
  parts.manifest =
      Must(audit::ReadManifestFile(audit::ManifestPathFor(path)), "manifest");
  uint64_t n = 0;
  for (const std::string& line : LinesOf(path)) {
    audit::ExportedEvent e = Must(audit::ParseEventLine(line, ++n), "line");
    v1::AuditedEvent& out = parts.events.emplace_back();
    out.set_sequence(e.sequence);
    out.set_envelope(e.envelope);
    out.set_hash(e.hash);
    out.set_received_at_us(e.received_at_us);
    out.set_receipt_number(e.receipt);
  }
  if (!parts.manifest.receipts_file.empty()) {
    n = 0;
    for (const std::string& line : LinesOf(audit::ReceiptsPathFor(path))) {
      parts.receipts.push_back(
          Must(audit::ParseReceiptLine(line, ++n), "receipt line"));
    }
  }
  return parts;
}

void WriteParts(const std::string& path, const ExportParts& parts) {
  auto writer = Must(audit::ExportWriter::Create(path), "create");
  for (const v1::Receipt& r : parts.receipts) {
    if (!writer->AddReceipt(r).ok()) std::abort();
  }
  for (const v1::AuditedEvent& e : parts.events) {
    if (!writer->Add(e).ok()) std::abort();
  }
  if (!writer->Finish(parts.manifest.seal).ok()) std::abort();
}

void Rechain(ExportParts& parts, size_t index,
             const std::function<void(v1::EventEnvelope&)>& edit) {
  std::string prev;
  for (size_t i = index; i < parts.events.size(); ++i) {
    v1::AuditedEvent& e = parts.events[i];
    v1::EventEnvelope env;
    if (!env.ParseFromString(e.envelope())) std::abort();
    if (i == index) {
      edit(env);
    } else if (e.sequence() == parts.events[i - 1].sequence() + 1) {
      env.set_prev_hash(prev);
    }
    e.set_envelope(storage::SerializeEnvelope(env));
    e.set_hash(storage::ChainHash(env.prev_hash(), e.envelope()));
    prev = e.hash();
  }
  std::string receipt_prev;
  for (size_t k = 0; k < parts.receipts.size(); ++k) {
    v1::Receipt& r = parts.receipts[k];
    for (const v1::AuditedEvent& e : parts.events) {
      if (e.sequence() == r.last_sequence()) r.set_last_hash(e.hash());
    }
    if (k > 0 && r.number() == parts.receipts[k - 1].number() + 1) {
      r.set_prev_hash(receipt_prev);
    }
    r.set_hash(storage::ReceiptHash(r.node_id(), audit::ToStorage(r)));
    receipt_prev = r.hash();
  }
  Recount(parts);
}

void Recount(ExportParts& parts) {
  audit::SealBuilder builder;
  for (const v1::AuditedEvent& e : parts.events) {
    v1::EventEnvelope env;
    if (!env.ParseFromString(e.envelope())) std::abort();
    builder.AddEvent(e.sequence(), env.prev_hash(), e.hash());
  }
  for (const v1::Receipt& r : parts.receipts) {
    builder.AddReceipt(r.number(), r.hash());
  }
  builder.Finish(&parts.manifest.seal);
  const v1::ExportSeal& s = parts.manifest.seal;
  parts.manifest.contiguous =
      s.count() == 0 || s.count() == s.last_sequence() - s.first_sequence() + 1;
}

void Resign(ExportParts& parts, const proof::SigningKey& key, uint32_t number,
            const v1::KeyHistory* history) {
  v1::ExportSeal& seal = parts.manifest.seal;
  if (history != nullptr) *seal.mutable_signer_keys() = *history;
  seal.set_key_number(number);
  seal.set_signature(key.Sign(audit::ManifestStatement(seal)));
}

v1::KeyHistory HistoryOf(const proof::SigningKey& key,
                         const std::string& signer) {
  v1::KeyHistory h;
  v1::KeyRecord* r = h.add_keys();
  r->set_signer(signer);
  r->set_number(1);
  r->set_public_key(key.public_key());
  r->set_created_at_us(1);
  r->set_endorsement(key.Sign(proof::KeyStatement(*r)));
  return h;
}

proof::SigningKey KeyFromDir(const std::string& dir, uint32_t number) {
  return Must(proof::SigningKey::FromPem(testutil::ReadFile(
                  absl::StrCat(dir, "/key-", number, ".pem"))),
              "key " + dir);
}

}  // namespace reporting::export_test
