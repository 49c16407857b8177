// CSV as clerks' spreadsheets write it (RFC 4180): comma-separated cells,
// a cell in double quotes may hold commas, quotes ("" for one) and line
// breaks; CRLF or LF line ends; a UTF-8 byte-order mark at the start is
// skipped. Each record keeps the line it starts on, for "file:line"
// messages.
//
// Pure; thread-safe.
#ifndef REPORTING_SERVICES_REPORTCTL_IMPORT_CSV_H_
#define REPORTING_SERVICES_REPORTCTL_IMPORT_CSV_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace reporting::reportctl {

struct CsvRecord {
  int line = 0;  // 1-based line the record starts on
  std::vector<std::string> cells;
};

// Every record, blank lines skipped. INVALID_ARGUMENT "line N: ..." for a
// quote that is never closed or text after a closing quote.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(const std::string& text);

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_IMPORT_CSV_H_
