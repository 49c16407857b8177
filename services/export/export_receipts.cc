// The receipts half of export_format.h: FILE.receipts.jsonl, one city
// receipt (storage/receipt.h) per line.
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/export/export_format.h"
#include "services/export/export_json.h"
#include "services/export/export_seal.h"

namespace reporting::audit {

std::string FormatReceiptLine(const v1::Receipt& r) {
  JsonObjectWriter w;
  w.String("node_id", r.node_id());
  w.Number("number", r.number());
  w.Number("first_sequence", r.first_sequence());
  w.Number("last_sequence", r.last_sequence());
  w.String("last_hash", absl::BytesToHexString(r.last_hash()));
  w.Number("received_at_us", r.received_at_us());
  w.String("received_at", IsoUtc(r.received_at_us()));
  w.String("prev_hash", absl::BytesToHexString(r.prev_hash()));
  w.String("hash", absl::BytesToHexString(r.hash()));
  return w.Close();
}

absl::StatusOr<v1::Receipt> ParseReceiptLine(absl::string_view line,
                                             uint64_t line_number) {
  const auto bad = [&](absl::string_view reason) {
    return absl::InvalidArgumentError(
        absl::StrCat("receipts line ", line_number, ": ", reason));
  };
  google::protobuf::Struct object;
  if (auto s = google::protobuf::util::JsonStringToMessage(std::string(line),
                                                           &object);
      !s.ok()) {
    return bad(absl::StrCat("not a JSON object: ", s.message().as_string()));
  }
  JsonFields f(object);
  v1::Receipt r;
  std::string text;
  uint64_t number = 0;
  int64_t at = 0;
  std::string hash;
  absl::Status s = f.String("node_id", &text);
  if (s.ok()) r.set_node_id(text);
  if (s.ok()) s = f.Uint("number", &number);
  if (s.ok()) r.set_number(number);
  if (s.ok()) s = f.Uint("first_sequence", &number);
  if (s.ok()) r.set_first_sequence(number);
  if (s.ok()) s = f.Uint("last_sequence", &number);
  if (s.ok()) r.set_last_sequence(number);
  if (s.ok()) s = f.Hash("last_hash", &hash);
  if (s.ok()) r.set_last_hash(hash);
  if (s.ok()) s = f.Int("received_at_us", &at);
  if (s.ok()) r.set_received_at_us(at);
  if (s.ok())
    s = f.ExpectString("received_at", IsoUtc(at), "received_at_us's rendering");
  if (s.ok()) s = f.Hash("prev_hash", &hash);
  if (s.ok()) r.set_prev_hash(hash);
  if (s.ok()) s = f.Hash("hash", &hash);
  if (s.ok()) r.set_hash(hash);
  if (!s.ok()) return bad(s.message());
  if (r.number() == 0 || r.first_sequence() == 0 ||
      r.first_sequence() > r.last_sequence()) {
    return bad("number and first_sequence count from 1, first <= last");
  }
  if (storage::ReceiptHash(r.node_id(), ToStorage(r)) != r.hash()) {
    return bad("hash is not SHA-256(prev_hash || receipt bytes)");
  }
  return r;
}

}  // namespace reporting::audit
