// Reading one stream of a node's event log whole, as the domain's folds
// take it (services/domain/stream.h): every event's envelope parsed, in
// stream order. Used by the county's commands (through CommandContext) and
// read API, and by the city's dashboard on a node's copy; with
// domain::LoadUnit, a reader for both.
//
// Not to be confused with stream_read.h (a gRPC request stream).
#ifndef REPORTING_SERVICES_COMMON_LOG_STREAM_H_
#define REPORTING_SERVICES_COMMON_LOG_STREAM_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/domain/stream.h"
#include "storage/event_log.h"

namespace reporting::services {

// The whole stream `stream_id` of `log` (no events and version
// storage::kNoStream when it does not exist). The log's read errors as
// they are; DATA_LOSS when a stored envelope does not parse.
absl::StatusOr<domain::Stream> ReadWholeStream(const storage::EventLog& log,
                                               absl::string_view stream_id);

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_LOG_STREAM_H_
