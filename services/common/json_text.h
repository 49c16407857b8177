// JSON string literals, for every place that writes JSON by hand (JSON log
// lines, reportctl's --json tables, the audit export): one escaper, so they
// all agree. Control characters and DEL become \u00XX; invalid UTF-8 becomes
// U+FFFD (a JSON reader would refuse it).
#ifndef REPORTING_SERVICES_COMMON_JSON_TEXT_H_
#define REPORTING_SERVICES_COMMON_JSON_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace reporting::services {

// Appends `text` to `out` as the contents of a JSON string (no quotes).
void AppendJsonEscaped(absl::string_view text, std::string* out);

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view text);

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_JSON_TEXT_H_
