// The rectification item aggregate (整改, one per problem): the fold of
// stream "rectification/<item_id>" and its pure decisions. DOMAIN.md 5.
//
// Life of an item:
//   identified --plan--> planned --complete--> completed
//                           |  ^  \--explain (hard-for-now only)--> explained
//                           progress, re-plan
// Rules:
// - Identify: once per item id (ALREADY_EXISTS); one of the four kinds and
//   a description are required; the item belongs to the unit its id names.
// - Plan: measures, responsible person, a real YYYY-MM-DD deadline and a
//   class are required. Re-planning an open item is allowed (plans and
//   deadlines change; each plan is on the record) and replaces the plan;
//   a closed item cannot be re-planned. (Source silent; our decision.)
// - Progress: only once planned and while open; percent_done 0..100.
// - Complete: only once planned, at most once, with evidence; never for a
//   hard-for-now item (it is closed by a published explanation instead).
// - Explain: only for a planned hard-for-now item, at most once; cause and
//   next steps are required. Closes the item.
// - Overdue: planned, deadline < today by the node's clock, and neither
//   completed nor explained. A deadline day itself is not overdue.
//
// Pure and thread-compatible; `today` ("YYYY-MM-DD") is passed in.
#ifndef REPORTING_SERVICES_DOMAIN_RECTIFICATION_H_
#define REPORTING_SERVICES_DOMAIN_RECTIFICATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "reporting/v1/clerk.pb.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"

namespace reporting::domain {

inline constexpr uint32_t kMaxPercentDone = 100;

struct RectificationState {
  v1::RectificationStatus status = v1::RECTIFICATION_STATUS_UNSPECIFIED;
  std::string item_id;
  std::string unit_id;
  v1::RectificationKind kind = v1::RECTIFICATION_KIND_UNSPECIFIED;
  std::string description;
  // The latest plan (empty until planned).
  std::string measures;
  std::string responsible_person;
  std::string deadline;
  v1::RectificationClass item_class = v1::RECTIFICATION_CLASS_UNSPECIFIED;
  uint32_t percent_done = 0;
  std::string closed_on;  // completed_on or published_on
  uint64_t version = 0;

  bool identified() const {
    return status != v1::RECTIFICATION_STATUS_UNSPECIFIED;
  }
  bool planned() const {
    return status != v1::RECTIFICATION_STATUS_UNSPECIFIED &&
           status != v1::RECTIFICATION_STATUS_IDENTIFIED;
  }
  bool closed() const {
    return status == v1::RECTIFICATION_STATUS_COMPLETED ||
           status == v1::RECTIFICATION_STATUS_EXPLAINED;
  }
};

// Folds one event of the item's stream; INTERNAL for a payload that does
// not parse; other event types are ignored.
absl::Status ApplyRectificationEvent(RectificationState& state,
                                     const v1::EventEnvelope& event);

// Folds a whole item stream (in stream order).
absl::StatusOr<RectificationState> FoldRectification(
    const std::vector<v1::EventEnvelope>& events);

// Past the deadline on `today` and neither completed nor explained.
bool IsOverdue(const RectificationState& state, absl::string_view today);

// Decisions: the request is checked first (INVALID_ARGUMENT), then the
// state (NOT_FOUND for an unknown item, ALREADY_EXISTS for a second
// identification, FAILED_PRECONDITION otherwise). They return the event to
// record; dates left empty become `today`.
// `unit_id` is the unit the item id names (already checked by the caller).
absl::StatusOr<v1::RectificationItemIdentified> DecideIdentifyRectification(
    const RectificationState& state, absl::string_view unit_id,
    const v1::RectificationItemIdentified& request);

absl::StatusOr<v1::RectificationItemPlanned> DecidePlanRectification(
    const RectificationState& state,
    const v1::RectificationItemPlanned& request);

absl::StatusOr<v1::RectificationProgressReported> DecideReportProgress(
    const RectificationState& state,
    const v1::RectificationProgressReported& request);

absl::StatusOr<v1::RectificationItemCompleted> DecideCompleteRectification(
    const RectificationState& state,
    const v1::RectificationItemCompleted& request, absl::string_view today);

absl::StatusOr<v1::RectificationExplanationPublished> DecidePublishExplanation(
    const RectificationState& state,
    const v1::RectificationExplanationPublished& request,
    absl::string_view today);

// The clerk's view of the item on `today`.
v1::RectificationView ToRectificationView(const RectificationState& state,
                                          absl::string_view today);

}  // namespace reporting::domain

#endif  // REPORTING_SERVICES_DOMAIN_RECTIFICATION_H_
