// Reads a CSV file as the dashboard writes them (RFC 4180: fields with a
// comma, quote or line break quoted, quotes doubled; CRLF or LF line
// ends; an optional UTF-8 byte-order mark), so that a test can compare a
// download with the table it came from.
//
// Pure; thread-safe.
#ifndef REPORTING_TESTS_DASHBOARD_CSV_TEXT_H_
#define REPORTING_TESTS_DASHBOARD_CSV_TEXT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace reporting::dashboard_test {

// The records of `text`, each a list of fields; throws std::runtime_error
// on a quote left open.
std::vector<std::vector<std::string>> ParseCsv(absl::string_view text);

// The index of `column` in `header`; throws when it is not there.
size_t ColumnOf(const std::vector<std::string>& header,
                const std::string& column);

}  // namespace reporting::dashboard_test

#endif  // REPORTING_TESTS_DASHBOARD_CSV_TEXT_H_
