#include "services/reportctl/import_csv.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace reporting::reportctl {

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(const std::string& text) {
  std::vector<CsvRecord> out;
  size_t i = 0;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
  int line = 1;
  CsvRecord record;
  std::string cell;
  bool any = false;  // the record has content (a blank line has none)
  auto end_record = [&] {
    record.cells.push_back(std::move(cell));
    cell.clear();
    if (any) out.push_back(std::move(record));
    record = CsvRecord();
    any = false;
  };
  while (i < text.size()) {
    if (record.cells.empty() && cell.empty() && !any) record.line = line;
    const char c = text[i];
    if (c == '"' && cell.empty()) {
      const int opened = line;
      ++i;
      any = true;
      for (;;) {
        if (i >= text.size()) {
          return absl::InvalidArgumentError(
              absl::StrCat("line ", opened, ": a quoted cell is never closed"));
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            cell += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (text[i] == '\n') ++line;
        cell += text[i++];
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\n' &&
          text[i] != '\r') {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", line,
                         ": text after a closing quote (quote the whole "
                         "cell and double the quotes inside it)"));
      }
      continue;
    }
    if (c == ',') {
      record.cells.push_back(std::move(cell));
      cell.clear();
      any = true;
      ++i;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++i;
      end_record();
      ++line;
    } else {
      cell += c;
      any = true;
      ++i;
    }
  }
  if (any || !cell.empty()) end_record();
  return out;
}

}  // namespace reporting::reportctl
