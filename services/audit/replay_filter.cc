#include "services/audit/replay_filter.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "proto/event_types.h"
#include "services/audit/envelope_fields.h"
#include "services/audit/payload_names.h"
#include "services/domain/ids.h"
#include "storage/event_log.h"

namespace reporting::audit {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("audit: replay: ", field, ": ", problem));
}

}  // namespace

absl::StatusOr<ReplayFilter> ReplayFilter::FromRequest(
    const v1::ReplayRequest& r) {
  ReplayFilter f;
  f.from_ = std::max<uint64_t>(r.from_sequence(), 1);
  f.to_ = r.to_sequence();
  if (f.to_ != 0 && f.from_ > f.to_) {
    return Invalid("from_sequence",
                   absl::StrCat(r.from_sequence(), " is past to_sequence ",
                                r.to_sequence(), "; the range is inclusive"));
  }
  if (r.stream_id().size() > storage::kMaxStreamIdBytes ||
      r.stream_id().find('\0') != std::string::npos) {
    return Invalid("stream_id",
                   absl::StrCat("at most ", storage::kMaxStreamIdBytes,
                                " bytes and no NUL byte"));
  }
  f.stream_id_ = r.stream_id();
  if (!r.unit_id().empty()) {
    absl::StatusOr<std::string> unit =
        domain::CheckId(domain::IdKind::kUnit, "unit_id", r.unit_id(),
                        domain::NodeOf(r.unit_id()));
    if (!unit.ok()) return Invalid("unit_id", unit.status().message());
    f.unit_id_ = r.unit_id();
  }
  if (!r.member_id().empty()) {
    absl::StatusOr<std::string> unit =
        domain::CheckId(domain::IdKind::kMember, "member_id", r.member_id(),
                        domain::NodeOf(r.member_id()));
    if (!unit.ok()) return Invalid("member_id", unit.status().message());
    f.member_id_ = r.member_id();
  }
  if (!r.event_type().empty() && !events::IsKnownType(r.event_type())) {
    return Invalid(
        "event_type",
        absl::StrCat("\"", r.event_type(),
                     "\" is not an event type (a full message name of "
                     "reporting/v1/events.proto, e.g. "
                     "reporting.v1.SatisfactionSurveyRecorded)"));
  }
  f.event_type_ = r.event_type();
  if (r.recorded_to_us() != 0 && r.recorded_from_us() >= r.recorded_to_us()) {
    return Invalid(
        "recorded_from_us",
        absl::StrCat(r.recorded_from_us(), " is not before recorded_to_us ",
                     r.recorded_to_us(), " (from is inclusive, to exclusive)"));
  }
  f.recorded_from_us_ = r.recorded_from_us();
  f.has_recorded_from_ = r.recorded_from_us() != 0;
  f.recorded_to_us_ = r.recorded_to_us();
  f.actor_ = r.actor();
  f.batch_events_ = r.batch_size() == 0
                        ? kDefaultBatchEvents
                        : std::min(r.batch_size(), kMaxBatchEvents);
  auto text = [&](const char* name, const std::string& value) {
    if (!value.empty()) f.given_[name] = value;
  };
  auto number = [&](const char* name, auto value) {
    if (value != 0) f.given_[name] = absl::StrCat(value);
  };
  number("from_sequence", r.from_sequence());
  number("to_sequence", r.to_sequence());
  text("stream_id", r.stream_id());
  text("unit_id", r.unit_id());
  text("member_id", r.member_id());
  text("event_type", r.event_type());
  number("recorded_from_us", r.recorded_from_us());
  number("recorded_to_us", r.recorded_to_us());
  text("actor", r.actor());
  f.needs_envelope_ = !f.stream_id_.empty() || !f.unit_id_.empty() ||
                      !f.member_id_.empty() || !f.event_type_.empty() ||
                      f.has_recorded_from_ || f.recorded_to_us_ != 0 ||
                      !f.actor_.empty();
  return f;
}

absl::Status ReplayFilter::CheckNode(absl::string_view node_id) const {
  for (const std::string* id : {&unit_id_, &member_id_}) {
    if (!id->empty() && domain::NodeOf(*id) != node_id) {
      return absl::InvalidArgumentError(absl::StrCat(
          "audit: replay: ", id == &unit_id_ ? "unit_id " : "member_id ", *id,
          " belongs to node ", domain::NodeOf(*id), ", not to the log of node ",
          node_id, "; set node_id to ", domain::NodeOf(*id)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ReplayFilter::Matches(uint64_t sequence,
                                           absl::string_view envelope) const {
  if (!needs_envelope_) return true;
  EnvelopeFields e;
  if (!DecodeEnvelopeFields(envelope, &e)) {
    return absl::DataLossError(
        absl::StrCat("audit: replay: the stored envelope of sequence ",
                     sequence, " does not decode (run Verify)"));
  }
  if (!stream_id_.empty() && e.stream_id != stream_id_) return false;
  if (!event_type_.empty() && e.event_type != event_type_) return false;
  if (has_recorded_from_ && e.recorded_at_us < recorded_from_us_) return false;
  if (recorded_to_us_ != 0 && e.recorded_at_us >= recorded_to_us_) {
    return false;
  }
  if (!actor_.empty() && e.actor != actor_) return false;
  if (!unit_id_.empty() &&
      !PayloadNamesUnit(e.event_type, e.payload, unit_id_)) {
    return false;
  }
  if (!member_id_.empty() &&
      !PayloadNamesMember(e.event_type, e.payload, member_id_)) {
    return false;
  }
  return true;
}

}  // namespace reporting::audit
