#include "services/reportctl/office_enums.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace reporting::reportctl {
namespace {

// The common prefix of the type's value names: "STAGE_" for Stage.
std::string Prefix(const google::protobuf::EnumDescriptor* type) {
  const std::string& zero = type->value(0)->name();  // ..._UNSPECIFIED
  const size_t at = zero.rfind("UNSPECIFIED");
  return at == std::string::npos ? "" : zero.substr(0, at);
}

std::string Short(const google::protobuf::EnumDescriptor* type,
                  const google::protobuf::EnumValueDescriptor* value) {
  const std::string prefix = Prefix(type);
  std::string name = value->name();
  if (absl::StartsWith(name, prefix)) name = name.substr(prefix.size());
  return absl::AsciiStrToLower(name);
}

}  // namespace

absl::StatusOr<int> ParseEnum(const google::protobuf::EnumDescriptor* type,
                              const std::string& flag,
                              const std::string& text) {
  std::string wanted = absl::AsciiStrToLower(text);
  const std::string prefix = absl::AsciiStrToLower(Prefix(type));
  if (absl::StartsWith(wanted, prefix)) wanted = wanted.substr(prefix.size());
  int number = 0;
  std::vector<std::string> names;
  std::vector<int> matches;
  for (int i = 1; i < type->value_count(); ++i) {
    const auto* value = type->value(i);
    const std::string name = Short(type, value);
    names.push_back(name);
    if (absl::SimpleAtoi(text, &number) && number == value->number()) {
      return number;
    }
    if (name == wanted) return value->number();
    if (!wanted.empty() && absl::StartsWith(name, wanted)) {
      matches.push_back(value->number());
    }
  }
  if (matches.size() == 1) return matches[0];
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": \"", text,
                                                 "\" is not one of ",
                                                 absl::StrJoin(names, ", ")));
}

std::string EnumText(const google::protobuf::EnumDescriptor* type, int value) {
  if (value == 0) return "";
  const auto* v = type->FindValueByNumber(value);
  return v == nullptr ? std::to_string(value) : Short(type, v);
}

}  // namespace reporting::reportctl
