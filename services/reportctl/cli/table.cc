#include "services/reportctl/cli/table.h"

#include <algorithm>

#include "absl/strings/numbers.h"

namespace reporting::reportctl {
namespace {

// Display width: ASCII 1; East Asian wide characters (CJK, fullwidth
// forms, U+1100..) 2; other code points 1.
size_t DisplayWidth(const std::string& s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else if (c >= 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xC0) {
      len = 2;
      cp = c & 0x1F;
    }
    for (size_t k = 1; k < len && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    i += len;
    const bool wide =
        (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    width += wide ? 2 : 1;
  }
  return width;
}

bool IsNumeric(const Table& t, size_t column) {
  return column < t.numeric.size() && t.numeric[column];
}

void Pad(std::ostream& out, size_t n) {
  for (size_t i = 0; i < n; ++i) out << ' ';
}

void PrintAligned(const Table& t, std::ostream& out) {
  std::vector<size_t> widths(t.columns.size(), 0);
  for (size_t c = 0; c < t.columns.size(); ++c) {
    widths[c] = DisplayWidth(t.columns[c]);
  }
  for (const auto& row : t.rows) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < widths.size(); ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      const size_t pad = widths[c] - DisplayWidth(cell);
      if (c > 0) out << "  ";
      if (IsNumeric(t, c)) {
        Pad(out, pad);
        out << cell;
      } else {
        out << cell;
        if (c + 1 < widths.size()) Pad(out, pad);
      }
    }
    out << '\n';
  };
  line(t.columns);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& row : t.rows) line(row);
}

void PrintJson(const Table& t, std::ostream& out) {
  out << "[";
  for (size_t r = 0; r < t.rows.size(); ++r) {
    out << (r == 0 ? "\n  {" : ",\n  {");
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const std::string cell = c < t.rows[r].size() ? t.rows[r][c] : "";
      if (c > 0) out << ", ";
      out << JsonQuote(t.columns[c]) << ": ";
      double number = 0;
      if (IsNumeric(t, c) && absl::SimpleAtod(cell, &number)) {
        out << cell;
      } else {
        out << JsonQuote(cell);
      }
    }
    out << "}";
  }
  out << (t.rows.empty() ? "]\n" : "\n]\n");
}

void PrintCsv(const Table& t, std::ostream& out) {
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) out << ',';
      out << CsvCell(cells[c]);
    }
    out << "\r\n";
  };
  line(t.columns);
  for (const auto& row : t.rows) line(row);
}

}  // namespace

OutputFormat FormatFrom(const Args& args) {
  if (args.GetBool("json")) return OutputFormat::kJson;
  if (args.GetBool("csv")) return OutputFormat::kCsv;
  return OutputFormat::kTable;
}

void PrintTable(const Table& table, OutputFormat format, std::ostream& out) {
  switch (format) {
    case OutputFormat::kTable:
      PrintAligned(table, out);
      break;
    case OutputFormat::kJson:
      PrintJson(table, out);
      break;
    case OutputFormat::kCsv:
      PrintCsv(table, out);
      break;
  }
}

std::string CsvCell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace reporting::reportctl
