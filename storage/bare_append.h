// BareAppendLoop: the baseline of tests/bench/append_bench. It writes the
// puts of one append (per event its value and its index entries, then the
// command and the head; kAppendParts: those EventLog::Append makes) to a
// RocksDB opened with the log's options, in one Write with the given sync
// setting, and does none of the log's own work: no validation, no
// idempotency or version checks, no encoding, no hashing. What an append
// costs at the very least. In storage/ because only storage/ includes
// RocksDB headers.
//
// Thread safety: Write may be called concurrently (RocksDB groups the
// writes itself).
#ifndef REPORTING_STORAGE_BARE_APPEND_H_
#define REPORTING_STORAGE_BARE_APPEND_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace reporting::storage {

class RocksDb;

// One event of a bare append: its stream and its stored value (hash and
// envelope, prepared by the caller).
struct BareEvent {
  std::string stream;
  absl::string_view value;
};

// Which of an append's index puts a bare write makes (append_bench's
// index_cost scenarios leave one out to measure what it costs). The events
// and the head are always written; the default is every index put a log
// has.
struct BareParts {
  bool stream_index = true;  // stream_id 0x00 be64(version) -> sequence
  bool type_index = true;    // event_type 0x00 time sequence -> ""
  bool command = true;       // command_id -> first, last, digest
};
// The puts EventLog::Append makes: no type_index entries (a node's own
// log indexes types lazily, storage/README.md "Types, lazily").
inline constexpr BareParts kAppendParts{true, false, true};

class BareAppendLoop {
 public:
  // Creates the directory and the database when missing.
  static absl::StatusOr<std::unique_ptr<BareAppendLoop>> Open(
      const std::string& dir);
  ~BareAppendLoop();
  BareAppendLoop(const BareAppendLoop&) = delete;
  BareAppendLoop& operator=(const BareAppendLoop&) = delete;

  // Writes events[i] as sequence first + i (stream version = its
  // sequence), all with event_type and recorded_at_us, then command_id ->
  // [first, last] with the request digest (empty or 32 bytes) and the
  // head, in one WriteBatch; `parts` leaves index puts out.
  absl::Status Write(uint64_t first, const std::vector<BareEvent>& events,
                     absl::string_view event_type, int64_t recorded_at_us,
                     absl::string_view command_id, absl::string_view digest,
                     bool sync, const BareParts& parts = BareParts());

 private:
  explicit BareAppendLoop(std::unique_ptr<RocksDb> db);

  std::unique_ptr<RocksDb> db_;
};

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_BARE_APPEND_H_
