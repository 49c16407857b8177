// Survey figures (unit.h SurveyRecord): the 10% rule and its text.
#include "absl/strings/str_cat.h"
#include "services/domain/unit.h"

namespace reporting::domain {

bool OverTenPercent(const SurveyRecord& survey) {
  return static_cast<uint64_t>(survey.dissatisfied) * 10 > survey.respondents;
}

double DissatisfiedPercent(const SurveyRecord& survey) {
  if (survey.respondents == 0) return 0;
  return 100.0 * survey.dissatisfied / survey.respondents;
}

std::string DissatisfiedPercentText(const SurveyRecord& survey) {
  if (survey.respondents == 0) return "0%";
  // Tenths of a percent, rounded half up, in integers.
  const uint64_t tenths =
      (static_cast<uint64_t>(survey.dissatisfied) * 2000 + survey.respondents) /
      (2 * static_cast<uint64_t>(survey.respondents));
  if (tenths % 10 == 0) return absl::StrCat(tenths / 10, "%");
  return absl::StrCat(tenths / 10, ".", tenths % 10, "%");
}

}  // namespace reporting::domain
