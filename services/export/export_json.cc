#include "services/export/export_json.h"

#include <cmath>
#include <cstdio>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/common/json_text.h"

namespace reporting::audit {
namespace {

using google::protobuf::Value;

constexpr double kMaxExact = 9007199254740992.0;  // 2^53

bool IsLowerHex(absl::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string IsoUtc(int64_t unix_us) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::FromUnixMicros(unix_us),
                          absl::UTCTimeZone());
}

void JsonObjectWriter::Key(absl::string_view key) {
  if (!first_) out_ += ",";
  first_ = false;
  if (pretty_) out_ += "\n  ";
  absl::StrAppend(&out_, services::JsonQuote(key), pretty_ ? ": " : ":");
}

void JsonObjectWriter::String(absl::string_view key, absl::string_view value) {
  Key(key);
  out_ += services::JsonQuote(value);
}

void JsonObjectWriter::Number(absl::string_view key, int64_t value) {
  Key(key);
  absl::StrAppend(&out_, value);
}

void JsonObjectWriter::Number(absl::string_view key, uint64_t value) {
  Key(key);
  absl::StrAppend(&out_, value);
}

void JsonObjectWriter::Bool(absl::string_view key, bool value) {
  Key(key);
  out_ += value ? "true" : "false";
}

void JsonObjectWriter::Raw(absl::string_view key, absl::string_view json) {
  Key(key);
  absl::StrAppend(&out_, json);
}

std::string JsonObjectWriter::Close() {
  out_ += (pretty_ && !first_) ? "\n}" : "}";
  return std::move(out_);
}

bool JsonFields::Has(const std::string& name) const {
  return object_.fields().count(name) > 0;
}

absl::Status JsonFields::Get(const std::string& name, const Value** out) const {
  auto it = object_.fields().find(name);
  if (it == object_.fields().end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("field ", name, " is missing"));
  }
  *out = &it->second;
  return absl::OkStatus();
}

absl::Status JsonFields::String(const std::string& name,
                                std::string* out) const {
  const Value* v = nullptr;
  if (absl::Status s = Get(name, &v); !s.ok()) return s;
  if (v->kind_case() != Value::kStringValue) {
    return absl::InvalidArgumentError(
        absl::StrCat("field ", name, " is not a string"));
  }
  *out = v->string_value();
  return absl::OkStatus();
}

absl::Status JsonFields::Int(const std::string& name, int64_t* out) const {
  const Value* v = nullptr;
  if (absl::Status s = Get(name, &v); !s.ok()) return s;
  if (v->kind_case() != Value::kNumberValue ||
      v->number_value() != std::floor(v->number_value()) ||
      std::fabs(v->number_value()) > kMaxExact) {
    return absl::InvalidArgumentError(
        absl::StrCat("field ", name, " is not a whole number"));
  }
  *out = static_cast<int64_t>(v->number_value());
  return absl::OkStatus();
}

absl::Status JsonFields::Uint(const std::string& name, uint64_t* out) const {
  int64_t value = 0;
  if (absl::Status s = Int(name, &value); !s.ok()) return s;
  if (value < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("field ", name, " is negative"));
  }
  *out = static_cast<uint64_t>(value);
  return absl::OkStatus();
}

absl::Status JsonFields::Bool(const std::string& name, bool* out) const {
  const Value* v = nullptr;
  if (absl::Status s = Get(name, &v); !s.ok()) return s;
  if (v->kind_case() != Value::kBoolValue) {
    return absl::InvalidArgumentError(
        absl::StrCat("field ", name, " is not true or false"));
  }
  *out = v->bool_value();
  return absl::OkStatus();
}

absl::Status JsonFields::Hash(const std::string& name, std::string* out,
                              bool allow_empty) const {
  return HexBytes(name, 32, out, allow_empty);
}

absl::Status JsonFields::HexBytes(const std::string& name, size_t bytes,
                                  std::string* out, bool allow_empty) const {
  std::string hex;
  if (absl::Status s = String(name, &hex); !s.ok()) return s;
  if (allow_empty && hex.empty()) {
    out->clear();
    return absl::OkStatus();
  }
  if (hex.size() != 2 * bytes || !IsLowerHex(hex)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "field ", name, " is not ", 2 * bytes, " lower-case hex digits"));
  }
  *out = absl::HexStringToBytes(hex);
  return absl::OkStatus();
}

absl::Status JsonFields::List(const std::string& name,
                              const google::protobuf::ListValue** out) const {
  const Value* v = nullptr;
  if (absl::Status s = Get(name, &v); !s.ok()) return s;
  if (v->kind_case() != Value::kListValue) {
    return absl::InvalidArgumentError(
        absl::StrCat("field ", name, " is not an array"));
  }
  *out = &v->list_value();
  return absl::OkStatus();
}

bool JsonFields::IsNull(const std::string& name) const {
  auto it = object_.fields().find(name);
  return it != object_.fields().end() &&
         it->second.kind_case() == Value::kNullValue;
}

absl::Status JsonFields::Object(const std::string& name,
                                const google::protobuf::Struct** out) const {
  const Value* v = nullptr;
  if (absl::Status s = Get(name, &v); !s.ok()) return s;
  if (v->kind_case() != Value::kStructValue) {
    return absl::InvalidArgumentError(
        absl::StrCat("field ", name, " is not an object"));
  }
  *out = &v->struct_value();
  return absl::OkStatus();
}

absl::Status JsonFields::ExpectString(const std::string& name,
                                      const std::string& expected,
                                      absl::string_view source) const {
  std::string value;
  if (absl::Status s = String(name, &value); !s.ok()) return s;
  if (value != expected) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " ", services::JsonQuote(value), " differs from ",
                     source, " ", services::JsonQuote(expected)));
  }
  return absl::OkStatus();
}

absl::Status JsonFields::ExpectNumber(const std::string& name,
                                      int64_t expected) const {
  int64_t value = 0;
  if (absl::Status s = Int(name, &value); !s.ok()) return s;
  if (value != expected) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, " ", value, " differs from the envelope's ", expected));
  }
  return absl::OkStatus();
}

absl::Status JsonFields::ExpectNumber(const std::string& name,
                                      uint64_t expected) const {
  uint64_t value = 0;
  if (absl::Status s = Uint(name, &value); !s.ok()) return s;
  if (value != expected) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, " ", value, " differs from the envelope's ", expected));
  }
  return absl::OkStatus();
}

}  // namespace reporting::audit
