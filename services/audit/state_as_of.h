// StateAsOf (audit.proto): the read-model figures as they stood at a cut
// of the log, computed by folding the log prefix into a FRESH projector
// (services/projector/projector.h, Mode::kRebuild): the same code the read
// models use, never the read models themselves (ARCHITECTURE.md 6).
//
// The cut, exactly one of:
//   as_of_sequence  every event with sequence <= it (one node's log)
//   as_of_us        per log, the events up to (not including) the first
//                   one past the cut on the axis: RECORDED compares the
//                   envelope's recorded_at_us, RECEIVED the city copy's
//                   receive time (EventLog::ReceivedAt; a county has none:
//                   FAILED_PRECONDITION). A log is a sequence: nothing after
//                   a later event is applied out of order.
// Scope: one node, or (node_id empty at the city) every copy, summed the
// way the read models are (projector::AddFigures, then FinishForDay for
// overdue and completion rate, as QueryService does).
// today: the request's, else the UTC day of the cut (as_of_us; for
// as_of_sequence the recorded day of the last event folded).
//
// Thread compatibility: each call folds into its own projector; memory
// grows with the number of aggregates in the prefix, like a rebuild's.
#ifndef REPORTING_SERVICES_AUDIT_STATE_AS_OF_H_
#define REPORTING_SERVICES_AUDIT_STATE_AS_OF_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "reporting/v1/audit.pb.h"
#include "services/audit/log_source.h"

namespace reporting::audit {

// Checks the request alone (nothing is read): INVALID_ARGUMENT naming the
// field, FAILED_PRECONDITION for the received-at axis on a county.
absl::Status CheckStateAsOf(const v1::StateAsOfRequest& request,
                            bool holds_copies);

// Checks, resolves the logs and folds. NOT_FOUND for a node not held,
// OUT_OF_RANGE for an as_of_sequence past the log's head.
absl::StatusOr<v1::StateAsOfResponse> StateAsOf(
    const LogSource& source, const v1::StateAsOfRequest& request);

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_AUDIT_STATE_AS_OF_H_
