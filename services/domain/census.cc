#include "services/domain/census.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "services/domain/event_payload.h"
#include "services/domain/text.h"

namespace reporting::domain {
namespace {

absl::Status Invalid(absl::string_view unit_id, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("census of unit ", unit_id, ": ", what));
}

absl::Status CheckFloating(absl::string_view unit_id,
                           const v1::FloatingMembers& f) {
  const uint64_t total = f.total();
  const uint64_t relations =
      static_cast<uint64_t>(f.relation_transferred()) + f.temporary_relation();
  if (relations > total) {
    return Invalid(
        unit_id,
        absl::StrCat("floating members with relation transferred (",
                     f.relation_transferred(), ") plus temporary relation (",
                     f.temporary_relation(), ") exceed the total (", total,
                     ")"));
  }
  if (f.with_certificate() > total) {
    return Invalid(
        unit_id,
        absl::StrCat("floating members with a certificate (",
                     f.with_certificate(), ") exceed the total (", total, ")"));
  }
  const uint64_t reach =
      static_cast<uint64_t>(f.contactable()) + f.not_contactable();
  if (reach != total) {
    return Invalid(
        unit_id,
        absl::StrCat("contactable (", f.contactable(),
                     ") plus not contactable (", f.not_contactable(),
                     ") floating members must equal the total (", total, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyCensusEvent(CensusState& s, const v1::EventEnvelope& event) {
  s.version = event.stream_version();
  if (Is<v1::CensusReported>(event)) {
    if (auto st = ParseForFold("census", event, s.report); !st.ok()) return st;
    s.reported = true;
    for (const auto& p : s.report.main_problems()) {
      s.resolutions[p.problem_id()] = "";
    }
  } else if (Is<v1::CensusProblemResolved>(event)) {
    v1::CensusProblemResolved m;
    if (auto st = ParseForFold("census", event, m); !st.ok()) return st;
    s.resolutions[m.problem_id()] = m.resolution();
  }
  return absl::OkStatus();
}

absl::StatusOr<CensusState> FoldCensus(
    const std::vector<v1::EventEnvelope>& events) {
  CensusState s;
  for (const v1::EventEnvelope& event : events) {
    if (auto st = ApplyCensusEvent(s, event); !st.ok()) return st;
  }
  return s;
}

absl::StatusOr<v1::CensusReported> DecideReportCensus(
    const CensusState& s, absl::string_view unit_id,
    const v1::CensusReported& request) {
  const auto condition = request.condition();
  if (condition == v1::ORGANISATION_CONDITION_UNSPECIFIED ||
      !v1::OrganisationCondition_IsValid(condition)) {
    return Invalid(
        unit_id,
        absl::StrCat(
            "the organisation's condition must be normal (1), weak and lax (2) "
            "or paralysed (3), got ",
            static_cast<int>(condition)));
  }
  if (!request.has_secretary_able_to_lead()) {
    return Invalid(unit_id,
                   "say whether the branch secretary is able to lead "
                   "(secretary_able_to_lead: true or false)");
  }
  if (auto st = CheckFloating(unit_id, request.floating()); !st.ok()) {
    return st;
  }
  if (static_cast<size_t>(request.main_problems_size()) > kMaxCensusProblems) {
    return Invalid(unit_id, absl::StrCat("at most ", kMaxCensusProblems,
                                         " main problems, got ",
                                         request.main_problems_size()));
  }
  std::set<std::string> ids;
  for (const auto& p : request.main_problems()) {
    if (IsBlank(p.problem_id()) ||
        p.problem_id().size() > kMaxCensusProblemIdChars) {
      return Invalid(unit_id,
                     absl::StrCat("every main problem needs an id of 1..",
                                  kMaxCensusProblemIdChars, " characters"));
    }
    if (!ids.insert(p.problem_id()).second) {
      return Invalid(unit_id, absl::StrCat("problem id \"", p.problem_id(),
                                           "\" appears twice"));
    }
    if (IsBlank(p.description())) {
      return Invalid(unit_id, absl::StrCat("problem \"", p.problem_id(),
                                           "\" needs a description"));
    }
  }
  if (!request.unit_id().empty() && request.unit_id() != unit_id) {
    return Invalid(unit_id,
                   absl::StrCat("body names unit ", request.unit_id()));
  }
  if (s.reported) {
    return absl::AlreadyExistsError(absl::StrCat(
        "unit ", unit_id,
        " has already reported its census; resolve its problems one by one"));
  }
  v1::CensusReported event = request;
  event.set_unit_id(std::string(unit_id));
  return event;
}

absl::StatusOr<v1::CensusProblemResolved> DecideResolveCensusProblem(
    const CensusState& s, absl::string_view unit_id,
    const v1::CensusProblemResolved& request) {
  if (IsBlank(request.problem_id()))
    return Invalid(unit_id, "problem_id is required");
  if (IsBlank(request.resolution())) {
    return Invalid(unit_id, absl::StrCat("problem \"", request.problem_id(),
                                         "\": the resolution is required"));
  }
  if (!s.reported) {
    return absl::NotFoundError(
        absl::StrCat("unit ", unit_id, " has not reported its census yet"));
  }
  auto it = s.resolutions.find(request.problem_id());
  if (it == s.resolutions.end()) {
    return absl::NotFoundError(absl::StrCat("census of unit ", unit_id,
                                            " has no problem \"",
                                            request.problem_id(), "\""));
  }
  if (!it->second.empty()) {
    return absl::AlreadyExistsError(
        absl::StrCat("problem \"", request.problem_id(), "\" of unit ", unit_id,
                     " is already resolved"));
  }
  v1::CensusProblemResolved event = request;
  event.set_unit_id(std::string(unit_id));
  return event;
}

}  // namespace reporting::domain
