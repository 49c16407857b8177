#include "tests/ops/prom_text.h"

#include <cstdlib>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace reporting::ops_test {
namespace {

bool IsNameChar(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == ':' || (!first && c >= '0' && c <= '9');
}

// Reads a metric or label name at text[*pos].
bool ReadName(const std::string& text, size_t* pos, std::string* name) {
  size_t start = *pos;
  while (*pos < text.size() && IsNameChar(text[*pos], *pos == start)) ++*pos;
  *name = text.substr(start, *pos - start);
  return !name->empty();
}

bool ParseValue(absl::string_view word, double* value) {
  if (word == "+Inf") {
    *value = HUGE_VAL;
    return true;
  }
  if (word == "-Inf") {
    *value = -HUGE_VAL;
    return true;
  }
  if (word == "NaN") {
    *value = NAN;
    return true;
  }
  return absl::SimpleAtod(word, value);
}

// The family a sample name belongs to, given the declared types.
std::string FamilyOf(const std::string& name,
                     const std::map<std::string, std::string>& types) {
  if (types.count(name)) return name;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    if (absl::EndsWith(name, suffix)) {
      std::string base(absl::StripSuffix(name, suffix));
      auto it = types.find(base);
      if (it != types.end() &&
          (it->second == "histogram" || it->second == "summary")) {
        return base;
      }
    }
  }
  return "";
}

absl::Status ParseSample(const std::string& line, const Exposition& exp,
                         Sample* sample) {
  size_t pos = 0;
  if (!ReadName(line, &pos, &sample->name)) {
    return absl::InvalidArgumentError("no metric name");
  }
  if (FamilyOf(sample->name, exp.types).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("sample ", sample->name, " has no TYPE line before it"));
  }
  if (pos < line.size() && line[pos] == '{') {
    ++pos;
    while (pos < line.size() && line[pos] != '}') {
      std::string label;
      if (!ReadName(line, &pos, &label)) {
        return absl::InvalidArgumentError("bad label name");
      }
      if (pos + 1 >= line.size() || line[pos] != '=' || line[pos + 1] != '"') {
        return absl::InvalidArgumentError("expected =\" after a label name");
      }
      pos += 2;
      std::string value;
      while (pos < line.size() && line[pos] != '"') {
        if (line[pos] == '\\') {
          if (pos + 1 >= line.size()) break;
          const char e = line[++pos];
          if (e == 'n')
            value += '\n';
          else if (e == '\\' || e == '"')
            value += e;
          else
            return absl::InvalidArgumentError("bad escape in a label value");
        } else {
          value += line[pos];
        }
        ++pos;
      }
      if (pos >= line.size()) {
        return absl::InvalidArgumentError("unterminated label value");
      }
      ++pos;  // closing quote
      if (!sample->labels.emplace(label, value).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("label ", label, " twice"));
      }
      if (pos < line.size() && line[pos] == ',') ++pos;
    }
    if (pos >= line.size()) return absl::InvalidArgumentError("unterminated {");
    ++pos;  // '}'
  }
  if (pos >= line.size() || line[pos] != ' ') {
    return absl::InvalidArgumentError("expected a space before the value");
  }
  std::vector<std::string> words =
      absl::StrSplit(line.substr(pos + 1), ' ', absl::SkipEmpty());
  if (words.empty() || words.size() > 2) {
    return absl::InvalidArgumentError("expected `value [timestamp]`");
  }
  if (!ParseValue(words[0], &sample->value)) {
    return absl::InvalidArgumentError(absl::StrCat("bad value ", words[0]));
  }
  int64_t timestamp = 0;
  if (words.size() == 2 && !absl::SimpleAtoi(words[1], &timestamp)) {
    return absl::InvalidArgumentError(absl::StrCat("bad timestamp ", words[1]));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Exposition> ParsePrometheusText(const std::string& text) {
  static const std::set<std::string> kTypes = {"counter", "gauge", "histogram",
                                               "summary", "untyped"};
  Exposition exp;
  int number = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++number;
    const std::string line(raw);
    auto fail = [&](const absl::Status& s) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", number, ": ", s.message(), ": ", line));
    };
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::vector<std::string> words =
          absl::StrSplit(line, absl::MaxSplits(' ', 3));
      if (words.size() >= 3 && words[1] == "TYPE") {
        if (words.size() != 4 || !kTypes.count(words[3])) {
          return fail(absl::InvalidArgumentError("bad TYPE line"));
        }
        if (!exp.types.emplace(words[2], words[3]).second) {
          return fail(absl::InvalidArgumentError("family declared twice"));
        }
      }
      continue;  // HELP and other comments
    }
    Sample sample;
    if (absl::Status s = ParseSample(line, exp, &sample); !s.ok()) {
      return fail(s);
    }
    exp.samples.push_back(std::move(sample));
  }
  return exp;
}

std::vector<Sample> Exposition::Find(
    const std::string& name,
    const std::map<std::string, std::string>& labels) const {
  std::vector<Sample> out;
  for (const Sample& s : samples) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : labels) {
      auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) match = false;
    }
    if (match) out.push_back(s);
  }
  return out;
}

double Exposition::Value(
    const std::string& name,
    const std::map<std::string, std::string>& labels) const {
  std::vector<Sample> found = Find(name, labels);
  if (found.empty()) return -1;
  if (found.size() > 1) {
    std::abort();  // ambiguous: the test must name more labels
  }
  return found.front().value;
}

double Exposition::Sum(const std::string& name,
                       const std::map<std::string, std::string>& labels) const {
  double sum = 0;
  for (const Sample& s : Find(name, labels)) sum += s.value;
  return sum;
}

}  // namespace reporting::ops_test
