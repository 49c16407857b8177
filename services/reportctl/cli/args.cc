#include "services/reportctl/cli/args.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace reporting::reportctl {

absl::StatusOr<Args> Args::Parse(const std::vector<std::string>& words,
                                 const std::set<std::string>& known,
                                 const std::set<std::string>& bool_flags) {
  Args args;
  bool flags_done = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (flags_done || !absl::StartsWith(word, "--")) {
      args.positional_.push_back(word);
      continue;
    }
    if (word == "--") {
      flags_done = true;
      continue;
    }
    std::string name = word.substr(2);
    std::string value;
    bool has_value = false;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (known.count(name) == 0 && bool_flags.count(name) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, " (see --help)"));
    }
    if (!has_value) {
      if (bool_flags.count(name) > 0) {
        value = "true";
      } else if (i + 1 < words.size() &&
                 !absl::StartsWith(words[i + 1], "--")) {
        value = words[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat(
            "flag --", name, " needs a value (--", name, "=VALUE)"));
      }
    }
    args.flags_[name] = value;
  }
  return args;
}

bool Args::Has(const std::string& name) const { return flags_.count(name) > 0; }

std::string Args::Get(const std::string& name,
                      const std::string& fallback) const {
  auto it = flags_.find(name);
  return it == flags_.end() ? fallback : it->second;
}

bool Args::GetBool(const std::string& name) const {
  auto it = flags_.find(name);
  if (it == flags_.end()) return false;
  return it->second == "true" || it->second == "1" || it->second == "yes";
}

absl::StatusOr<int64_t> Args::GetInt(const std::string& name,
                                     int64_t fallback) const {
  auto it = flags_.find(name);
  if (it == flags_.end()) return fallback;
  int64_t value = 0;
  if (!absl::SimpleAtoi(it->second, &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, "=", it->second, " is not a whole number"));
  }
  return value;
}

absl::StatusOr<std::string> Args::Require(const std::string& name) const {
  auto it = flags_.find(name);
  if (it == flags_.end() || it->second.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, " is required"));
  }
  return it->second;
}

}  // namespace reporting::reportctl
