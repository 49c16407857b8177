// Command-line words of one reportctl command: flags and positional words.
//
//   --name=value   --name value   --flag   word
//
// A flag listed in `bool_flags` never takes the next word as its value
// (`--json report.csv` is the flag plus a positional word); any other
// `--name` followed by a word that does not start with "--" takes it.
// "--" ends the flags. Parse refuses a flag not in `known` with
// INVALID_ARGUMENT naming it, so a typo is an error, not a silent default.
//
// Thread-compatible value type.
#ifndef REPORTING_SERVICES_REPORTCTL_CLI_ARGS_H_
#define REPORTING_SERVICES_REPORTCTL_CLI_ARGS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace reporting::reportctl {

class Args {
 public:
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& words,
                                    const std::set<std::string>& known,
                                    const std::set<std::string>& bool_flags);

  bool Has(const std::string& name) const;
  // The flag's value, or `fallback` when it was not given.
  std::string Get(const std::string& name,
                  const std::string& fallback = "") const;
  // A bool flag: given without value or with true/1/yes.
  bool GetBool(const std::string& name) const;
  // INVALID_ARGUMENT naming the flag when the value is not an integer.
  absl::StatusOr<int64_t> GetInt(const std::string& name,
                                 int64_t fallback) const;
  // INVALID_ARGUMENT naming the flag when it is missing or empty.
  absl::StatusOr<std::string> Require(const std::string& name) const;

  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> flags_;
  std::vector<std::string> positional_;
};

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_CLI_ARGS_H_
