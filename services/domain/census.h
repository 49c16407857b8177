// The organisation census aggregate (排查摸底, one per unit, for the next
// batch): the fold of stream "census/<unit_id>" and its pure decisions.
// DOMAIN.md 6.
//
// Rules (the source lists the figures; the consistency rules are ours):
// - Reported once per unit (ALREADY_EXISTS the second time) for a
//   registered unit; the organisation's condition is required, and so is
//   whether the branch secretary is able to lead (an unanswered question
//   must not read as "no").
// - Floating members (流动党员), every figure a count of people:
//     relation_transferred + temporary_relation <= total
//       (a floating member's relation is either transferred out or held
//        temporarily elsewhere, or neither yet, never both);
//     with_certificate <= total;
//     contactable + not_contactable == total
//       (every floating member is either reachable or lost; an office that
//        does not know yet must find out before reporting).
//   Sums are computed in 64 bits, so huge values cannot wrap around.
// - Main problems: each with a non-empty id, unique within the census, and
//   a description. At most kMaxCensusProblems.
// - Resolve: the census must exist and name the problem (NOT_FOUND),
//   each problem once (ALREADY_EXISTS), with a resolution text.
//
// Pure and thread-compatible.
#ifndef REPORTING_SERVICES_DOMAIN_CENSUS_H_
#define REPORTING_SERVICES_DOMAIN_CENSUS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"

namespace reporting::domain {

inline constexpr size_t kMaxCensusProblems = 500;
inline constexpr size_t kMaxCensusProblemIdChars = 64;

struct CensusState {
  bool reported = false;
  v1::CensusReported report;
  // Problem id -> resolution ("" while unresolved).
  std::map<std::string, std::string> resolutions;
  uint64_t version = 0;
};

// Folds one event of the census stream; INTERNAL for a payload that does
// not parse; other event types are ignored.
absl::Status ApplyCensusEvent(CensusState& state,
                              const v1::EventEnvelope& event);

// Folds a whole census stream (in stream order).
absl::StatusOr<CensusState> FoldCensus(
    const std::vector<v1::EventEnvelope>& events);

// `unit_id` is the unit the stream belongs to (checked by the caller, also
// that the unit is registered).
absl::StatusOr<v1::CensusReported> DecideReportCensus(
    const CensusState& state, absl::string_view unit_id,
    const v1::CensusReported& request);

absl::StatusOr<v1::CensusProblemResolved> DecideResolveCensusProblem(
    const CensusState& state, absl::string_view unit_id,
    const v1::CensusProblemResolved& request);

}  // namespace reporting::domain

#endif  // REPORTING_SERVICES_DOMAIN_CENSUS_H_
