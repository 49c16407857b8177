#include "services/reportctl/import_csv.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace reporting::reportctl {
namespace {

// Length of the UTF-8 sequence at text[i], or 0 when it is not one
// (RFC 3629, table 3-7 of the Unicode standard).
size_t Utf8Length(const std::string& text, size_t i) {
  const auto at = [&](size_t k) -> unsigned {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
  };
  const unsigned c = at(0);
  if (c < 0x80) return 1;
  const auto tail = [&](size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return at(k) >= lo && at(k) <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return tail(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned lo = c == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
    const unsigned hi = c == 0xED ? 0x9F : 0xBF;  // no surrogates
    return tail(1, lo, hi) && tail(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned lo = c == 0xF0 ? 0x90 : 0x80;  // no overlong forms
    const unsigned hi = c == 0xF4 ? 0x8F : 0xBF;  // not past U+10FFFF
    return tail(1, lo, hi) && tail(2) && tail(3) ? 4 : 0;
  }
  return 0;
}

// OK, or "line N: ..." naming the first line with bytes that are not UTF-8.
absl::Status CheckUtf8(const std::string& text) {
  int line = 1;
  for (size_t i = 0; i < text.size();) {
    const size_t n = Utf8Length(text, i);
    if (n == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", line,
          ": the file is not UTF-8 text (a spreadsheet's plain \"CSV\" in a "
          "Chinese locale is GBK: save it as \"CSV UTF-8\")"));
    }
    if (text[i] == '\n') ++line;
    i += n;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(const std::string& text) {
  if (absl::Status s = CheckUtf8(text); !s.ok()) return s;
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
