#include "services/domain/text.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/domain/dates.h"

namespace reporting::domain {

bool IsBlank(absl::string_view s) {
  return absl::StripAsciiWhitespace(s).empty();
}

absl::Status RequireText(absl::string_view subject, absl::string_view field,
                         absl::string_view value, absl::string_view hint) {
  if (!IsBlank(value)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(subject, ": ", field, " is required (", hint, ")"));
}

absl::Status RequireDate(absl::string_view subject, absl::string_view field,
                         absl::string_view value) {
  if (IsValidDate(value)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      subject, ": ", field, " \"", value,
      "\" is not a date: give a real calendar date as YYYY-MM-DD"));
}

}  // namespace reporting::domain
