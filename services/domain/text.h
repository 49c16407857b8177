// Checks of free text in requests: "empty required text is refused"
// (issue 3). Blank (only whitespace) counts as empty.
#ifndef REPORTING_SERVICES_DOMAIN_TEXT_H_
#define REPORTING_SERVICES_DOMAIN_TEXT_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace reporting::domain {

// True when `s` is empty or only ASCII whitespace.
bool IsBlank(absl::string_view s);

// INVALID_ARGUMENT "<subject>: <field> is required (<hint>)" when blank.
absl::Status RequireText(absl::string_view subject, absl::string_view field,
                         absl::string_view value, absl::string_view hint);

// INVALID_ARGUMENT unless `value` is a real "YYYY-MM-DD" date.
absl::Status RequireDate(absl::string_view subject, absl::string_view field,
                         absl::string_view value);

}  // namespace reporting::domain

#endif  // REPORTING_SERVICES_DOMAIN_TEXT_H_
