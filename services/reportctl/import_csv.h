// CSV as clerks' spreadsheets write it (RFC 4180): comma-separated cells,
// a cell in double quotes may hold commas, quotes ("" for one) and line
// breaks; CRLF or LF line ends; a UTF-8 byte-order mark at the start is
// skipped. Each record keeps the line it starts on, for "file:line"
// messages. The file must be UTF-8 text: the commands carry its cells in
// protobuf `string` fields, which hold UTF-8 only (a spreadsheet in a
// Chinese locale saves plain "CSV" as GBK; "CSV UTF-8" is the format to
// choose).
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
// quote that is never closed, text after a closing quote, or bytes that
// are not UTF-8 (RFC 3629: no overlong forms, surrogates or code points
// past U+10FFFF).
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(const std::string& text);

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_IMPORT_CSV_H_
