// JSON helpers private to the export format (export_format.h): a writer
// that keeps keys in the order given (so every export line lists its fields
// in the documented order), typed field access over a parsed object, and
// the ISO-8601 rendering of a microsecond time.
//
// Thread-compatible.
#ifndef REPORTING_SERVICES_EXPORT_EXPORT_JSON_H_
#define REPORTING_SERVICES_EXPORT_EXPORT_JSON_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"

namespace reporting::audit {

// "2026-05-11T08:30:00.000000Z": UTC, always six fraction digits.
std::string IsoUtc(int64_t unix_us);

// One JSON object, keys in call order. Compact on one line, or pretty
// (two-space indent, one key per line).
class JsonObjectWriter {
 public:
  explicit JsonObjectWriter(bool pretty = false) : pretty_(pretty) {}
  void String(absl::string_view key, absl::string_view value);
  void Number(absl::string_view key, int64_t value);
  void Number(absl::string_view key, uint64_t value);
  void Bool(absl::string_view key, bool value);
  // `json` is already valid JSON (an object, null, ...).
  void Raw(absl::string_view key, absl::string_view json);
  // The object text ("{...}"); the writer is done.
  std::string Close();

 private:
  void Key(absl::string_view key);
  const bool pretty_;
  std::string out_ = "{";
  bool first_ = true;
};

// Typed access to the fields of a parsed JSON object. Errors name the
// field: "field actor is missing", "actor \"x\" differs from the
// envelope's \"y\"".
class JsonFields {
 public:
  explicit JsonFields(const google::protobuf::Struct& object)
      : object_(object) {}
  bool Has(const std::string& name) const;
  absl::Status String(const std::string& name, std::string* out) const;
  // A whole number within +-2^53 (exact in a JSON double).
  absl::Status Int(const std::string& name, int64_t* out) const;
  absl::Status Uint(const std::string& name, uint64_t* out) const;
  absl::Status Bool(const std::string& name, bool* out) const;
  // 64 lower-case hex digits -> 32 bytes; `allow_empty`: "" -> "".
  absl::Status Hash(const std::string& name, std::string* out,
                    bool allow_empty = false) const;
  // Lower-case hex of exactly `bytes` bytes (`allow_empty`: "" too).
  absl::Status HexBytes(const std::string& name, size_t bytes, std::string* out,
                        bool allow_empty = false) const;
  // The field is an object (NULL with an error otherwise).
  absl::Status Object(const std::string& name,
                      const google::protobuf::Struct** out) const;
  // The field is an array.
  absl::Status List(const std::string& name,
                    const google::protobuf::ListValue** out) const;
  // The field is present and null.
  bool IsNull(const std::string& name) const;
  // `source` names where the expected value comes from in the message.
  absl::Status ExpectString(const std::string& name,
                            const std::string& expected,
                            absl::string_view source = "the envelope's") const;
  absl::Status ExpectNumber(const std::string& name, int64_t expected) const;
  absl::Status ExpectNumber(const std::string& name, uint64_t expected) const;

 private:
  absl::Status Get(const std::string& name,
                   const google::protobuf::Value** out) const;
  const google::protobuf::Struct& object_;
};

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_EXPORT_EXPORT_JSON_H_
