#include "services/domain/dates.h"

#include "absl/strings/ascii.h"

namespace reporting::domain {
namespace {

int Digits(absl::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

bool IsValidDate(absl::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(date[i]))) return false;
  }
  const int year = Digits(date.substr(0, 4));
  const int month = Digits(date.substr(5, 2));
  const int day = Digits(date.substr(8, 2));
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1) {
    return false;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  const int last = kDays[month - 1] + (month == 2 && IsLeap(year) ? 1 : 0);
  return day <= last;
}

std::string DateOf(absl::Time t, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%d", t, zone);
}

}  // namespace reporting::domain
