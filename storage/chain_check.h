// Recomputes a stretch of the hash chain from the stored bytes: used by
// EventLog::Open (the tail) and EventLog::Verify (everything).
//
// Thread safety: reads only; safe concurrently with appends (it reads
// sequences that are already written).
#ifndef REPORTING_STORAGE_CHAIN_CHECK_H_
#define REPORTING_STORAGE_CHAIN_CHECK_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/event_log.h"
#include "storage/rocks_db.h"

namespace reporting::storage {

// Checks events from..to (inclusive, from >= 1) given prev_hash = hash of
// event from-1 (ZeroHash() when from == 1). For every event: its key is
// the next sequence (no gap), its stored hash equals ChainHash(prev, bytes),
// the envelope parses and its sequence and prev_hash fields agree. Returns
// the hash of event `to`; DATA_LOSS naming the first bad sequence, with
// the message prefixed "event_log: <what> node=<node_id> ".
absl::StatusOr<std::string> CheckChain(const RocksDb& db,
                                       absl::string_view what,
                                       absl::string_view node_id, uint64_t from,
                                       uint64_t to, std::string prev_hash,
                                       const ProgressFn& progress);

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_CHAIN_CHECK_H_
