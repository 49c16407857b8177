// Replay: the matching events of one log, in log order, as ReplayBatch
// messages (audit.proto), written one at a time through a callback.
//
// Shape of one call:
//   head := the log's durable head when the call starts (fixed: events
//           appended meanwhile are not sent); to := min(to_sequence, head)
//   loop: read the next chunk of stored events (at most
//         ReplayLimits::read_events events / read_bytes bytes) from the
//         log; test each against the filter; move the matching ones into
//         the pending batch; a batch is written when it holds batch_events
//         events or about max_batch_bytes bytes.
//   The next chunk is read only after the previous write returned. With
//   gRPC's synchronous server, Write blocks until HTTP/2 flow control has
//   taken the message, so a slow reader holds the server to one chunk plus
//   one batch (about 2 MiB) per call, whatever the log's size.
//   A filtered replay writes what it has (maybe nothing) once it has
//   scanned progress_every events since its last message, so scanned_to
//   moves and sparse matches are not held back.
//   The last batch always has scanned_to == to (possibly empty), so the
//   client knows the replay is complete; resume with scanned_to + 1. A
//   sealed replay's last batch carries the seal (it cannot be resumed: the
//   seal covers one call's events).
//
// Thread compatibility: one call per thread; the log may be appended to
// concurrently.
#ifndef REPORTING_SERVICES_AUDIT_REPLAY_H_
#define REPORTING_SERVICES_AUDIT_REPLAY_H_

#include <cstddef>
#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "reporting/v1/audit.pb.h"
#include "services/audit/export_signer.h"
#include "services/audit/log_source.h"
#include "services/audit/replay_filter.h"

namespace reporting::audit {

struct ReplayLimits {
  size_t read_events = 2000;         // events per storage read
  size_t read_bytes = 1 << 20;       // bytes per storage read (about)
  size_t max_batch_bytes = 1 << 20;  // envelope bytes per message (about)
  uint64_t progress_every = 100000;  // scanned events without a message
};

// Writes one batch; false when the client has gone (the replay stops with
// CANCELLED). The batch may be modified after the call returns.
using BatchWriter = std::function<bool(const v1::ReplayBatch&)>;

// Runs the replay of `log` (already resolved and checked against the
// filter). DATA_LOSS when a stored event is missing or does not decode.
// On a city copy each event carries its receipt's number and receive time,
// and each receipt covering a sent event is sent once, with the first
// message holding an event it covers. With `sealer` the last message
// carries the ExportSeal of what was sent, signed by it.
absl::Status RunReplay(const LogRef& log, const ReplayFilter& filter,
                       const BatchWriter& write,
                       const ReplayLimits& limits = {},
                       const ExportSigner* sealer = nullptr);

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_AUDIT_REPLAY_H_
