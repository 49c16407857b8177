#include "services/domain/rectification.h"

#include "absl/strings/str_cat.h"
#include "services/domain/dates.h"
#include "services/domain/event_payload.h"
#include "services/domain/text.h"

namespace reporting::domain {
namespace {

absl::Status RequireField(absl::string_view item_id, absl::string_view field,
                          absl::string_view value) {
  if (IsBlank(value)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "rectification item ", item_id, ": ", field, " is required"));
  }
  return absl::OkStatus();
}

absl::Status CheckDate(absl::string_view item_id, absl::string_view field,
                       absl::string_view value, bool required) {
  if ((required || !value.empty()) && !IsValidDate(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("rectification item ", item_id, ": ", field, " \"", value,
                     "\" is not a date (YYYY-MM-DD)"));
  }
  return absl::OkStatus();
}

absl::Status CheckKnown(const RectificationState& s,
                        absl::string_view item_id) {
  if (!s.identified()) {
    return absl::NotFoundError(absl::StrCat("rectification item ", item_id,
                                            " is not identified on this node"));
  }
  return absl::OkStatus();
}

// Planned and still open; `action` completes "cannot ...".
absl::Status CheckPlannedAndOpen(const RectificationState& s,
                                 absl::string_view item_id,
                                 absl::string_view action) {
  if (auto st = CheckKnown(s, item_id); !st.ok()) return st;
  if (!s.planned()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "rectification item ", item_id, " cannot ", action,
        ": it is not planned yet; plan its measures, responsible person, "
        "deadline and class first"));
  }
  if (s.status == v1::RECTIFICATION_STATUS_COMPLETED) {
    return absl::FailedPreconditionError(
        absl::StrCat("rectification item ", item_id, " cannot ", action,
                     ": it was already completed on ", s.closed_on));
  }
  if (s.status == v1::RECTIFICATION_STATUS_EXPLAINED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "rectification item ", item_id, " cannot ", action,
        ": it was closed by an explanation published on ", s.closed_on));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyRectificationEvent(RectificationState& s,
                                     const v1::EventEnvelope& event) {
  s.version = event.stream_version();
  if (Is<v1::RectificationItemIdentified>(event)) {
    v1::RectificationItemIdentified m;
    if (auto st = ParseForFold("rectification", event, m); !st.ok()) return st;
    s.status = v1::RECTIFICATION_STATUS_IDENTIFIED;
    s.item_id = m.item_id();
    s.unit_id = m.unit_id();
    s.kind = m.kind();
    s.description = m.description();
  } else if (Is<v1::RectificationItemPlanned>(event)) {
    v1::RectificationItemPlanned m;
    if (auto st = ParseForFold("rectification", event, m); !st.ok()) return st;
    s.status = v1::RECTIFICATION_STATUS_PLANNED;
    s.measures = m.measures();
    s.responsible_person = m.responsible_person();
    s.deadline = m.deadline();
    s.item_class = m.class_();
  } else if (Is<v1::RectificationProgressReported>(event)) {
    v1::RectificationProgressReported m;
    if (auto st = ParseForFold("rectification", event, m); !st.ok()) return st;
    s.percent_done = m.percent_done();
  } else if (Is<v1::RectificationItemCompleted>(event)) {
    v1::RectificationItemCompleted m;
    if (auto st = ParseForFold("rectification", event, m); !st.ok()) return st;
    s.status = v1::RECTIFICATION_STATUS_COMPLETED;
    s.percent_done = kMaxPercentDone;
    s.closed_on = m.completed_on();
  } else if (Is<v1::RectificationExplanationPublished>(event)) {
    v1::RectificationExplanationPublished m;
    if (auto st = ParseForFold("rectification", event, m); !st.ok()) return st;
    s.status = v1::RECTIFICATION_STATUS_EXPLAINED;
    s.closed_on = m.published_on();
  }
  return absl::OkStatus();
}

absl::StatusOr<RectificationState> FoldRectification(
    const std::vector<v1::EventEnvelope>& events) {
  RectificationState s;
  for (const v1::EventEnvelope& event : events) {
    if (auto st = ApplyRectificationEvent(s, event); !st.ok()) return st;
  }
  return s;
}

bool IsOverdue(const RectificationState& s, absl::string_view today) {
  // Valid dates compare as strings.
  return s.planned() && !s.closed() && !s.deadline.empty() &&
         s.deadline < today;
}

absl::StatusOr<v1::RectificationItemIdentified> DecideIdentifyRectification(
    const RectificationState& s, absl::string_view unit_id,
    const v1::RectificationItemIdentified& request) {
  const std::string& id = request.item_id();
  const auto kind = request.kind();
  if (kind == v1::RECTIFICATION_KIND_UNSPECIFIED ||
      !v1::RectificationKind_IsValid(kind)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "rectification item ", id,
        ": kind must be one of the four kinds of problems (1..4), got ",
        static_cast<int>(kind)));
  }
  if (auto st = RequireField(id, "description", request.description());
      !st.ok()) {
    return st;
  }
  if (!request.unit_id().empty() && request.unit_id() != unit_id) {
    return absl::InvalidArgumentError(
        absl::StrCat("rectification item ", id, " belongs to unit ", unit_id,
                     ", not ", request.unit_id()));
  }
  if (s.identified()) {
    return absl::AlreadyExistsError(
        absl::StrCat("rectification item ", id, " is already identified"));
  }
  v1::RectificationItemIdentified event = request;
  event.set_unit_id(std::string(unit_id));
  return event;
}

absl::StatusOr<v1::RectificationItemPlanned> DecidePlanRectification(
    const RectificationState& s, const v1::RectificationItemPlanned& request) {
  const std::string& id = request.item_id();
  if (auto st = RequireField(id, "measures", request.measures()); !st.ok()) {
    return st;
  }
  if (auto st =
          RequireField(id, "responsible person", request.responsible_person());
      !st.ok()) {
    return st;
  }
  if (auto st = CheckDate(id, "deadline", request.deadline(), true); !st.ok()) {
    return st;
  }
  const auto item_class = request.class_();
  if (item_class == v1::RECTIFICATION_CLASS_UNSPECIFIED ||
      !v1::RectificationClass_IsValid(item_class)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "rectification item ", id,
        ": class must be immediate (1), with effort (2) or hard for now (3), "
        "got ",
        static_cast<int>(item_class)));
  }
  if (auto st = CheckKnown(s, id); !st.ok()) return st;
  if (s.closed()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "rectification item ", id, " cannot be planned: it is closed (",
        s.status == v1::RECTIFICATION_STATUS_COMPLETED ? "completed"
                                                       : "explained",
        " on ", s.closed_on, ")"));
  }
  return request;
}

absl::StatusOr<v1::RectificationProgressReported> DecideReportProgress(
    const RectificationState& s,
    const v1::RectificationProgressReported& request) {
  const std::string& id = request.item_id();
  if (auto st = RequireField(id, "progress", request.progress()); !st.ok()) {
    return st;
  }
  if (request.percent_done() > kMaxPercentDone) {
    return absl::InvalidArgumentError(
        absl::StrCat("rectification item ", id, ": percent_done must be 0..",
                     kMaxPercentDone, ", got ", request.percent_done()));
  }
  if (auto st = CheckPlannedAndOpen(s, id, "report progress"); !st.ok()) {
    return st;
  }
  return request;
}

absl::StatusOr<v1::RectificationItemCompleted> DecideCompleteRectification(
    const RectificationState& s, const v1::RectificationItemCompleted& request,
    absl::string_view today) {
  const std::string& id = request.item_id();
  if (auto st = RequireField(id, "evidence", request.evidence()); !st.ok()) {
    return st;
  }
  if (auto st = CheckDate(id, "completed_on", request.completed_on(), false);
      !st.ok()) {
    return st;
  }
  if (auto st = CheckPlannedAndOpen(s, id, "be completed"); !st.ok()) {
    return st;
  }
  if (s.item_class == v1::RECTIFICATION_CLASS_HARD_FOR_NOW) {
    return absl::FailedPreconditionError(absl::StrCat(
        "rectification item ", id,
        " cannot be completed: it is hard for now (一时难以解决); publish an "
        "explanation of its cause and next steps instead"));
  }
  v1::RectificationItemCompleted event = request;
  if (event.completed_on().empty()) event.set_completed_on(std::string(today));
  return event;
}

absl::StatusOr<v1::RectificationExplanationPublished> DecidePublishExplanation(
    const RectificationState& s,
    const v1::RectificationExplanationPublished& request,
    absl::string_view today) {
  const std::string& id = request.item_id();
  if (auto st = RequireField(id, "cause", request.cause()); !st.ok()) {
    return st;
  }
  if (auto st = RequireField(id, "next steps", request.next_steps());
      !st.ok()) {
    return st;
  }
  if (auto st = CheckDate(id, "published_on", request.published_on(), false);
      !st.ok()) {
    return st;
  }
  if (auto st = CheckPlannedAndOpen(s, id, "publish an explanation");
      !st.ok()) {
    return st;
  }
  if (s.item_class != v1::RECTIFICATION_CLASS_HARD_FOR_NOW) {
    return absl::FailedPreconditionError(absl::StrCat(
        "rectification item ", id,
        " cannot publish an explanation: only hard-for-now items are closed "
        "by an explanation; complete it with evidence instead"));
  }
  v1::RectificationExplanationPublished event = request;
  if (event.published_on().empty()) event.set_published_on(std::string(today));
  return event;
}

v1::RectificationView ToRectificationView(const RectificationState& s,
                                          absl::string_view today) {
  v1::RectificationView v;
  v.set_item_id(s.item_id);
  v.set_unit_id(s.unit_id);
  v.set_kind(s.kind);
  v.set_class_(s.item_class);
  v.set_description(s.description);
  v.set_measures(s.measures);
  v.set_responsible_person(s.responsible_person);
  v.set_deadline(s.deadline);
  v.set_status(s.status);
  v.set_percent_done(s.percent_done);
  v.set_overdue(IsOverdue(s, today));
  v.set_stream_version(s.version);
  return v;
}

}  // namespace reporting::domain
