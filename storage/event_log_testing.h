// Test-only tampering with a stored log, for tests that prove damage is
// found (audit Verify). storage/ is the only place that may include RocksDB
// headers, so the raw access lives here; nothing in a binary links it.
//
// The log in `dir` must be CLOSED (no EventLog open on it): this opens the
// RocksDB directly, rewrites one value and closes it again.
//
// Note EventLog::Open's tail check recomputes the last
// EventLogOptions::verify_tail_on_open events (1024 by default): damage
// there makes Open fail with DATA_LOSS, damage further back is found only
// by a full verification.
#ifndef REPORTING_STORAGE_EVENT_LOG_TESTING_H_
#define REPORTING_STORAGE_EVENT_LOG_TESTING_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace reporting::storage::testing {

// XORs byte `offset` of event `sequence`'s stored envelope with `mask`
// (the stored hash is left as it was, so the two no longer agree).
// NOT_FOUND for a missing event, OUT_OF_RANGE for an offset past the
// envelope.
absl::Status FlipEnvelopeByte(const std::string& dir, uint64_t sequence,
                              size_t offset, uint8_t mask = 0x01);

}  // namespace reporting::storage::testing

#endif  // REPORTING_STORAGE_EVENT_LOG_TESTING_H_
