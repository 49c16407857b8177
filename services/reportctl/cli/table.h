// Output of reportctl: the same rows as an aligned table (for a terminal),
// JSON (an array of objects keyed by column name, for machines) or CSV
// (RFC 4180 quoting, for spreadsheets).
//
// Thread-compatible.
#ifndef REPORTING_SERVICES_REPORTCTL_CLI_TABLE_H_
#define REPORTING_SERVICES_REPORTCTL_CLI_TABLE_H_

#include <ostream>
#include <string>
#include <vector>

#include "services/common/json_text.h"
#include "services/reportctl/cli/args.h"

namespace reporting::reportctl {

enum class OutputFormat { kTable, kJson, kCsv };

// --json or --csv (both given: --json wins); the table otherwise.
OutputFormat FormatFrom(const Args& args);

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // each as long as columns
  // Columns printed right-aligned in the terminal table (numbers), and
  // written as JSON numbers (a cell that does not parse as a number is
  // written as a string).
  std::vector<bool> numeric;  // empty: none
};

// Table: a header, a rule, one line per row, columns padded to the widest
// cell (UTF-8 aware: a CJK character counts as two columns).
void PrintTable(const Table& table, OutputFormat format, std::ostream& out);

// JSON string literals: the one escaper of services/common/json_text.h.
using services::JsonQuote;
// CSV cell, quoted when it holds a comma, quote, CR or LF.
std::string CsvCell(const std::string& text);

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_CLI_TABLE_H_
