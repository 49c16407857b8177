// ReplayFilter: the checked filters of one ReplayRequest (audit.proto) and
// the test of one stored envelope against them.
//
// Every given filter must match (AND); an empty / zero filter matches
// everything. unit_id and member_id follow payload_names.h. When no filter
// is given beyond the sequence range, needs_envelope() is false and the
// replay never decodes an envelope.
//
// Thread compatibility: immutable after FromRequest; Matches is const.
#ifndef REPORTING_SERVICES_AUDIT_REPLAY_FILTER_H_
#define REPORTING_SERVICES_AUDIT_REPLAY_FILTER_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "reporting/v1/audit.pb.h"

namespace reporting::audit {

// Events per ReplayBatch when the request says 0, and the most allowed
// (a larger batch_size is taken as this).
inline constexpr uint32_t kDefaultBatchEvents = 1000;
inline constexpr uint32_t kMaxBatchEvents = 10000;

class ReplayFilter {
 public:
  // Checks the request's filters and range; INVALID_ARGUMENT naming the
  // field otherwise (nothing is read). Does not resolve node_id.
  static absl::StatusOr<ReplayFilter> FromRequest(const v1::ReplayRequest& r);

  // INVALID_ARGUMENT when unit_id / member_id belongs to another node than
  // the log's (the filter could never match).
  absl::Status CheckNode(absl::string_view node_id) const;

  bool needs_envelope() const { return needs_envelope_; }
  uint64_t from_sequence() const { return from_; }
  uint64_t to_sequence() const { return to_; }  // 0: the head
  uint32_t batch_events() const { return batch_events_; }
  // The filters as given, normalised for an export seal (docs/AUDIT.md
  // "Filters"): by ReplayRequest field name, only those non-empty /
  // non-zero, numbers in decimal, event_type the full message name.
  const std::map<std::string, std::string>& given() const { return given_; }

  // Whether a stored envelope passes the filters (not the sequence range).
  // DATA_LOSS naming `sequence` when the envelope does not decode.
  absl::StatusOr<bool> Matches(uint64_t sequence,
                               absl::string_view envelope) const;

 private:
  ReplayFilter() = default;

  uint64_t from_ = 1;
  uint64_t to_ = 0;
  std::string stream_id_;
  std::string unit_id_;
  std::string member_id_;
  std::string event_type_;
  int64_t recorded_from_us_ = 0;
  int64_t recorded_to_us_ = 0;  // 0: no bound
  bool has_recorded_from_ = false;
  std::string actor_;
  uint32_t batch_events_ = kDefaultBatchEvents;
  bool needs_envelope_ = false;
  std::map<std::string, std::string> given_;
};

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_AUDIT_REPLAY_FILTER_H_
