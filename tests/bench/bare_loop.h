// The bare baseline shared by projection_bench and replay_bench: every
// stored event of a log read with EventLog::Read, its envelope and payload
// parsed into reused messages. One definition, so both benchmarks compare
// against the same loop.
#ifndef REPORTING_TESTS_BENCH_BARE_LOOP_H_
#define REPORTING_TESTS_BENCH_BARE_LOOP_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "storage/event_log.h"

namespace reporting::bench {

// Reads and parses every event of `log` from sequence 1; returns how many.
// INTERNAL when an envelope or payload does not parse.
absl::StatusOr<uint64_t> BareIterateAndParse(const storage::EventLog& log);

}  // namespace reporting::bench

#endif  // REPORTING_TESTS_BENCH_BARE_LOOP_H_
