// The manifest half of export_format.h: FILE.manifest.json, the server's
// seal (audit.proto ExportSeal) in readable fields plus the files'
// digests. docs/AUDIT.md "The manifest" lists every key.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/export/export_format.h"
#include "services/export/export_json.h"
#include "storage/hash_chain.h"

namespace reporting::audit {
namespace {

using google::protobuf::Struct;

absl::Status ManifestError(absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("manifest: ", reason));
}

std::string KeysJson(const v1::KeyHistory& history) {
  std::string out = "[";
  for (int i = 0; i < history.keys_size(); ++i) {
    const v1::KeyRecord& k = history.keys(i);
    JsonObjectWriter w;
    w.String("signer", k.signer());
    w.Number("number", static_cast<uint64_t>(k.number()));
    w.String("public_key", storage::HexHash(k.public_key()));
    w.Number("created_at_us", k.created_at_us());
    w.String("endorsement", storage::HexHash(k.endorsement()));
    absl::StrAppend(&out, i == 0 ? "\n    " : ",\n    ", w.Close());
  }
  absl::StrAppend(&out, history.keys_size() > 0 ? "\n  ]" : "]");
  return out;
}

std::string HeadJson(const v1::SignedHead& h) {
  JsonObjectWriter w;
  w.String("node_id", h.node_id());
  w.Number("sequence", h.sequence());
  w.String("hash", storage::HexHash(h.hash()));
  w.Number("signed_at_us", h.signed_at_us());
  w.Number("key", static_cast<uint64_t>(h.key_number()));
  w.String("signature", storage::HexHash(h.signature()));
  return w.Close();
}

absl::Status ParseKeys(const JsonFields& f, const std::string& name,
                       v1::KeyHistory* out) {
  const google::protobuf::ListValue* list = nullptr;
  if (absl::Status s = f.List(name, &list); !s.ok()) return s;
  for (int i = 0; i < list->values_size(); ++i) {
    const auto& v = list->values(i);
    if (v.kind_case() != google::protobuf::Value::kStructValue) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, "[", i, "] is not an object"));
    }
    JsonFields k(v.struct_value());
    v1::KeyRecord* r = out->add_keys();
    std::string text;
    uint64_t number = 0;
    int64_t created = 0;
    absl::Status s = k.String("signer", &text);
    if (s.ok()) r->set_signer(text);
    if (s.ok()) s = k.Uint("number", &number);
    if (s.ok()) r->set_number(static_cast<uint32_t>(number));
    if (s.ok()) s = k.HexBytes("public_key", 32, &text);
    if (s.ok()) r->set_public_key(text);
    if (s.ok()) s = k.Int("created_at_us", &created);
    if (s.ok()) r->set_created_at_us(created);
    if (s.ok()) s = k.HexBytes("endorsement", 64, &text);
    if (s.ok()) r->set_endorsement(text);
    if (!s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, "[", i, "]: ", s.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseHead(const Struct& object, v1::SignedHead* h) {
  JsonFields f(object);
  std::string text;
  uint64_t number = 0;
  int64_t at = 0;
  absl::Status s = f.String("node_id", &text);
  if (s.ok()) h->set_node_id(text);
  if (s.ok()) s = f.Uint("sequence", &number);
  if (s.ok()) h->set_sequence(number);
  if (s.ok()) s = f.Hash("hash", &text);
  if (s.ok()) h->set_hash(text);
  if (s.ok()) s = f.Int("signed_at_us", &at);
  if (s.ok()) h->set_signed_at_us(at);
  if (s.ok()) s = f.Uint("key", &number);
  if (s.ok()) h->set_key_number(static_cast<uint32_t>(number));
  if (s.ok()) s = f.HexBytes("signature", 64, &text);
  if (s.ok()) h->set_signature(text);
  if (!s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("node_head: ", s.message()));
  }
  return absl::OkStatus();
}

}  // namespace

std::string FormatManifest(const ExportManifest& m) {
  const v1::ExportSeal& seal = m.seal;
  JsonObjectWriter filters;
  const std::map<std::string, std::string> sorted(seal.filters().begin(),
                                                  seal.filters().end());
  for (const auto& [name, value] : sorted) filters.String(name, value);
  JsonObjectWriter w(/*pretty=*/true);
  w.String("format", kExportFormatName);
  w.Number("format_version", static_cast<int64_t>(m.format_version));
  w.String("node_id", seal.node_id());
  w.Raw("filters", filters.Close());
  w.Bool("contiguous", m.contiguous);
  w.Number("count", seal.count());
  w.Number("first_sequence", seal.first_sequence());
  w.Number("last_sequence", seal.last_sequence());
  w.String("first_prev_hash", storage::HexHash(seal.first_prev_hash()));
  w.String("last_hash", storage::HexHash(seal.last_hash()));
  w.String("events_digest", storage::HexHash(seal.events_digest()));
  w.String("events_file", m.events_file);
  w.String("events_sha256", storage::HexHash(m.events_sha256));
  w.Number("receipt_count", seal.receipt_count());
  w.Number("first_receipt", seal.first_receipt());
  w.Number("last_receipt", seal.last_receipt());
  w.String("receipts_digest", storage::HexHash(seal.receipts_digest()));
  w.String("receipts_file", m.receipts_file);
  w.String("receipts_sha256", storage::HexHash(m.receipts_sha256));
  w.Number("log_head_sequence", seal.log_head_sequence());
  w.Raw("node_head",
        seal.has_node_head() ? HeadJson(seal.node_head()) : "null");
  w.String("signer", seal.signer());
  w.Number("key", static_cast<uint64_t>(seal.key_number()));
  w.Number("created_at_us", seal.created_at_us());
  w.String("created_at", IsoUtc(seal.created_at_us()));
  w.String("signature", storage::HexHash(seal.signature()));
  w.Raw("signer_keys", KeysJson(seal.signer_keys()));
  w.Raw("node_keys", KeysJson(seal.node_keys()));
  return w.Close() + "\n";
}

absl::StatusOr<ExportManifest> ParseManifest(absl::string_view text) {
  Struct object;
  if (auto s = google::protobuf::util::JsonStringToMessage(std::string(text),
                                                           &object);
      !s.ok()) {
    return ManifestError(
        absl::StrCat("not a JSON object: ", s.message().as_string()));
  }
  JsonFields f(object);
  ExportManifest m;
  v1::ExportSeal& seal = m.seal;
  std::string format, str;
  int64_t version = 0, at = 0;
  uint64_t number = 0;
  absl::Status s = f.String("format", &format);
  if (s.ok() && format != kExportFormatName) {
    return ManifestError(absl::StrCat("format \"", format, "\" is not \"",
                                      kExportFormatName, "\""));
  }
  if (s.ok()) s = f.Int("format_version", &version);
  if (s.ok() && version != kExportFormatVersion) {
    return ManifestError(absl::StrCat("format_version ", version,
                                      " is not supported (this build reads ",
                                      kExportFormatVersion, ")"));
  }
  m.format_version = static_cast<int>(version);
  // Each readable field of the seal, by name and type.
  auto text_field = [&](const char* name,
                        void (v1::ExportSeal::*set)(const std::string&)) {
    if (s.ok()) s = f.String(name, &str);
    if (s.ok()) (seal.*set)(str);
  };
  auto uint_field = [&](const char* name,
                        void (v1::ExportSeal::*set)(uint64_t)) {
    if (s.ok()) s = f.Uint(name, &number);
    if (s.ok()) (seal.*set)(number);
  };
  auto hash_field = [&](const char* name,
                        void (v1::ExportSeal::*set)(const std::string&),
                        bool allow_empty) {
    if (s.ok()) s = f.Hash(name, &str, allow_empty);
    if (s.ok()) (seal.*set)(str);
  };
  text_field("node_id", &v1::ExportSeal::set_node_id);
  const Struct* filters = nullptr;
  if (s.ok()) s = f.Object("filters", &filters);
  if (s.ok()) {
    JsonFields ff(*filters);
    for (const auto& [name, value] : filters->fields()) {
      s = ff.String(name, &str);
      if (!s.ok()) break;
      (*seal.mutable_filters())[name] = str;
    }
  }
  if (s.ok()) s = f.Bool("contiguous", &m.contiguous);
  uint_field("count", &v1::ExportSeal::set_count);
  uint_field("first_sequence", &v1::ExportSeal::set_first_sequence);
  uint_field("last_sequence", &v1::ExportSeal::set_last_sequence);
  const bool empty = s.ok() && seal.count() == 0;
  hash_field("first_prev_hash", &v1::ExportSeal::set_first_prev_hash, empty);
  hash_field("last_hash", &v1::ExportSeal::set_last_hash, empty);
  hash_field("events_digest", &v1::ExportSeal::set_events_digest, false);
  if (s.ok()) s = f.String("events_file", &m.events_file);
  if (s.ok()) s = f.Hash("events_sha256", &m.events_sha256);
  uint_field("receipt_count", &v1::ExportSeal::set_receipt_count);
  uint_field("first_receipt", &v1::ExportSeal::set_first_receipt);
  uint_field("last_receipt", &v1::ExportSeal::set_last_receipt);
  hash_field("receipts_digest", &v1::ExportSeal::set_receipts_digest, false);
  if (s.ok()) s = f.String("receipts_file", &m.receipts_file);
  if (s.ok()) s = f.Hash("receipts_sha256", &m.receipts_sha256, true);
  uint_field("log_head_sequence", &v1::ExportSeal::set_log_head_sequence);
  if (s.ok() && !f.IsNull("node_head")) {
    const Struct* head = nullptr;
    s = f.Object("node_head", &head);
    if (s.ok()) s = ParseHead(*head, seal.mutable_node_head());
  }
  text_field("signer", &v1::ExportSeal::set_signer);
  if (s.ok()) s = f.Uint("key", &number);
  if (s.ok()) seal.set_key_number(static_cast<uint32_t>(number));
  if (s.ok()) s = f.Int("created_at_us", &at);
  if (s.ok()) seal.set_created_at_us(at);
  if (s.ok())
    s = f.ExpectString("created_at", IsoUtc(at), "created_at_us's rendering");
  if (s.ok()) s = f.HexBytes("signature", 64, &str);
  if (s.ok()) seal.set_signature(str);
  if (s.ok()) s = ParseKeys(f, "signer_keys", seal.mutable_signer_keys());
  if (s.ok()) s = ParseKeys(f, "node_keys", seal.mutable_node_keys());
  if (!s.ok()) return ManifestError(s.message());
  return m;
}

absl::StatusOr<ExportManifest> ReadManifestFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("manifest: cannot open ", path,
                                            ": ", std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseManifest(text.str());
}

}  // namespace reporting::audit
