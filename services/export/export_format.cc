#include "services/export/export_format.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "openssl/evp.h"
#include "proto/event_types.h"
#include "reporting/v1/envelope.pb.h"
#include "services/export/export_json.h"

namespace reporting::audit {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

constexpr size_t kHashBytes = 32;

std::string Sha256(absl::string_view a, absl::string_view b) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, a.data(), a.size());
  EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestFinal_ex(ctx, digest, &length);
  EVP_MD_CTX_free(ctx);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

// The payload in protobuf's JSON mapping (field names as in the .proto),
// or "null" when this build does not know the type or it does not parse.
std::string PayloadJson(const v1::EventEnvelope& envelope) {
  auto message =
      events::ParsePayload(envelope.event_type(), envelope.payload());
  if (!message.ok()) return "null";
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(**message, &json, options)
           .ok()) {
    return "null";
  }
  return json;
}

absl::Status LineError(uint64_t line_number, absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat("export line ", line_number, ": ", reason));
}

}  // namespace

std::string ManifestPathFor(const std::string& events_path) {
  return events_path + ".manifest.json";
}

std::string ReceiptsPathFor(const std::string& events_path) {
  return events_path + ".receipts.jsonl";
}

absl::StatusOr<std::string> FormatEventLine(const v1::AuditedEvent& event) {
  v1::EventEnvelope envelope;
  if (!envelope.ParseFromString(event.envelope())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "export: sequence ", event.sequence(), ": envelope does not decode"));
  }
  if (event.hash().size() != kHashBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("export: sequence ", event.sequence(), ": hash is ",
                     event.hash().size(), " bytes, not 32"));
  }
  JsonObjectWriter w;
  w.String("node_id", envelope.node_id());
  w.Number("sequence", envelope.sequence());
  w.String("stream_id", envelope.stream_id());
  w.Number("stream_version", envelope.stream_version());
  w.String("event_id", envelope.event_id());
  w.String("event_type", envelope.event_type());
  w.Number("recorded_at_us", envelope.recorded_at_us());
  w.String("recorded_at", IsoUtc(envelope.recorded_at_us()));
  w.String("actor", envelope.actor());
  w.String("command_id", envelope.command_id());
  if (event.receipt_number() != 0) {
    w.Number("received_at_us", event.received_at_us());
    w.String("received_at", IsoUtc(event.received_at_us()));
    w.Number("receipt", event.receipt_number());
  }
  w.String("prev_hash", absl::BytesToHexString(envelope.prev_hash()));
  w.String("hash", absl::BytesToHexString(event.hash()));
  w.String("envelope_b64", absl::Base64Escape(event.envelope()));
  w.String("payload_b64", absl::Base64Escape(envelope.payload()));
  w.Raw("payload", PayloadJson(envelope));
  return w.Close();
}

absl::StatusOr<ExportedEvent> ParseEventLine(absl::string_view line,
                                             uint64_t line_number) {
  if (line.empty()) return LineError(line_number, "empty line");
  Struct object;
  if (auto s = google::protobuf::util::JsonStringToMessage(std::string(line),
                                                           &object);
      !s.ok()) {
    return LineError(line_number, absl::StrCat("not a JSON object: ",
                                               s.message().as_string()));
  }
  JsonFields f(object);
  ExportedEvent out;
  std::string envelope_b64, hash_hex, prev_hex;
  if (auto s = f.String("envelope_b64", &envelope_b64); !s.ok()) {
    return LineError(line_number, s.message());
  }
  if (!absl::Base64Unescape(envelope_b64, &out.envelope)) {
    return LineError(line_number, "envelope_b64 is not base64");
  }
  v1::EventEnvelope envelope;
  if (!envelope.ParseFromString(out.envelope)) {
    return LineError(line_number, "envelope bytes do not decode");
  }
  if (auto s = f.Hash("hash", &out.hash); !s.ok()) {
    return LineError(line_number, s.message());
  }
  if (auto s = f.Hash("prev_hash", &out.prev_hash); !s.ok()) {
    return LineError(line_number, s.message());
  }
  if (out.prev_hash != envelope.prev_hash()) {
    return LineError(line_number,
                     "prev_hash differs from the envelope's prev_hash");
  }
  if (Sha256(out.prev_hash, out.envelope) != out.hash) {
    return LineError(line_number,
                     "hash is not SHA-256(prev_hash || envelope bytes)");
  }
  // The readable copies must say what the bytes say.
  absl::Status s = f.ExpectString("node_id", envelope.node_id());
  if (s.ok()) s = f.ExpectNumber("sequence", envelope.sequence());
  if (s.ok()) s = f.ExpectString("stream_id", envelope.stream_id());
  if (s.ok()) s = f.ExpectNumber("stream_version", envelope.stream_version());
  if (s.ok()) s = f.ExpectString("event_id", envelope.event_id());
  if (s.ok()) s = f.ExpectString("event_type", envelope.event_type());
  if (s.ok()) s = f.ExpectNumber("recorded_at_us", envelope.recorded_at_us());
  if (s.ok()) {
    s = f.ExpectString("recorded_at", IsoUtc(envelope.recorded_at_us()));
  }
  if (s.ok()) s = f.ExpectString("actor", envelope.actor());
  if (s.ok()) s = f.ExpectString("command_id", envelope.command_id());
  if (s.ok()) {
    std::string payload_b64;
    s = f.String("payload_b64", &payload_b64);
    if (s.ok() && payload_b64 != absl::Base64Escape(envelope.payload())) {
      s = absl::InvalidArgumentError(
          "payload_b64 differs from the envelope's payload");
    }
  }
  const bool received =
      f.Has("received_at_us") || f.Has("received_at") || f.Has("receipt");
  if (s.ok() && received) {
    s = f.Int("received_at_us", &out.received_at_us);
    if (s.ok()) {
      s = f.ExpectString("received_at", IsoUtc(out.received_at_us),
                         "received_at_us's rendering");
    }
    if (s.ok()) s = f.Uint("receipt", &out.receipt);
    if (s.ok() && out.receipt == 0) {
      s = absl::InvalidArgumentError("receipt is 0; receipts count from 1");
    }
  }
  if (!s.ok()) return LineError(line_number, s.message());
  out.sequence = envelope.sequence();
  out.node_id = envelope.node_id();
  return out;
}

absl::Status ReadExportFile(
    const std::string& path,
    const std::function<absl::Status(const ExportedEvent&)>& fn) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("export: cannot open ", path, ": ", std::strerror(errno)));
  }
  std::string line;
  uint64_t line_number = 0;
  uint64_t previous_sequence = 0;
  std::string previous_hash;
  while (std::getline(in, line)) {
    ++line_number;
    auto event = ParseEventLine(line, line_number);
    if (!event.ok()) return event.status();
    if (event->sequence <= previous_sequence) {
      return LineError(line_number,
                       absl::StrCat("sequence ", event->sequence,
                                    " does not follow ", previous_sequence));
    }
    if (previous_sequence != 0 && event->sequence == previous_sequence + 1 &&
        event->prev_hash != previous_hash) {
      return LineError(
          line_number,
          absl::StrCat("sequence ", event->sequence,
                       " does not chain onto sequence ", previous_sequence));
    }
    if (absl::Status s = fn(*event); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("export line ", line_number,
                                                 ": ", s.message()));
    }
    previous_sequence = event->sequence;
    previous_hash = event->hash;
  }
  if (in.bad()) {
    return absl::DataLossError(
        absl::StrCat("export: reading ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace reporting::audit
