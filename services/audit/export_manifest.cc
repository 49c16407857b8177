// The manifest half of export_format.h: FILE.manifest.json.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/audit/export_format.h"
#include "services/audit/export_json.h"

namespace reporting::audit {
namespace {

absl::Status ManifestError(absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("manifest: ", reason));
}

}  // namespace

std::string FormatManifest(const ExportManifest& m) {
  JsonObjectWriter filters;
  for (const auto& [name, value] : m.filters) filters.String(name, value);
  JsonObjectWriter w(/*pretty=*/true);
  w.String("format", kExportFormatName);
  w.Number("format_version", static_cast<int64_t>(m.format_version));
  w.String("node_id", m.node_id);
  w.String("source", m.source);
  w.Raw("filters", filters.Close());
  w.Bool("contiguous", m.contiguous);
  w.Number("first_sequence", m.first_sequence);
  w.Number("last_sequence", m.last_sequence);
  w.Number("count", m.count);
  w.String("first_prev_hash", absl::BytesToHexString(m.first_prev_hash));
  w.String("head_hash", absl::BytesToHexString(m.head_hash));
  w.Number("log_head_sequence", m.log_head_sequence);
  w.Number("created_at_us", m.created_at_us);
  w.String("created_at", IsoUtc(m.created_at_us));
  w.String("events_file", m.events_file);
  w.String("events_sha256", absl::BytesToHexString(m.events_sha256));
  return w.Close() + "\n";
}

absl::StatusOr<ExportManifest> ParseManifest(absl::string_view text) {
  google::protobuf::Struct object;
  if (auto s = google::protobuf::util::JsonStringToMessage(std::string(text),
                                                           &object);
      !s.ok()) {
    return ManifestError(
        absl::StrCat("not a JSON object: ", s.message().as_string()));
  }
  JsonFields f(object);
  ExportManifest m;
  std::string format;
  int64_t version = 0;
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
  if (s.ok()) s = f.String("node_id", &m.node_id);
  if (s.ok()) s = f.String("source", &m.source);
  const google::protobuf::Struct* filters = nullptr;
  if (s.ok()) s = f.Object("filters", &filters);
  if (s.ok()) {
    JsonFields ff(*filters);
    for (const auto& [name, value] : filters->fields()) {
      std::string text_value;
      s = ff.String(name, &text_value);
      if (!s.ok()) break;
      m.filters[name] = text_value;
    }
  }
  if (s.ok()) s = f.Bool("contiguous", &m.contiguous);
  if (s.ok()) s = f.Uint("first_sequence", &m.first_sequence);
  if (s.ok()) s = f.Uint("last_sequence", &m.last_sequence);
  if (s.ok()) s = f.Uint("count", &m.count);
  const bool empty = m.count == 0;
  if (s.ok()) s = f.Hash("first_prev_hash", &m.first_prev_hash, empty);
  if (s.ok()) s = f.Hash("head_hash", &m.head_hash, empty);
  if (s.ok()) s = f.Uint("log_head_sequence", &m.log_head_sequence);
  if (s.ok()) s = f.Int("created_at_us", &m.created_at_us);
  if (s.ok()) s = f.String("events_file", &m.events_file);
  if (s.ok()) s = f.Hash("events_sha256", &m.events_sha256);
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
