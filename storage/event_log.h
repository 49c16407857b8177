// EventLog: one node's append-only, hash-chained event log in RocksDB.
// Start here for storage/; the byte formats are in storage/README.md.
//
// Contract
// - Sequences are gapless per node, from 1. Each event belongs to a stream
//   whose versions count from 1. An append is all or none: every event of
//   one AppendRequest commits in one RocksDB write, or none does.
// - An append is acknowledged (Append returns) only once it is durable
//   (WAL synced), unless Options::sync is false. Concurrent appenders share
//   syncs (group commit).
// - Idempotency: a command id that was appended before is answered with the
//   original result (same sequences, duplicate = true); nothing is appended.
//   A command id whose refusal was recorded (AppendRequest::refusal) is
//   answered with that refusal again. A command id given with a request
//   digest other than the one recorded is refused with ALREADY_EXISTS. This
//   holds across restarts (the command index is in RocksDB) for as long as
//   the log exists: command ids are never forgotten.
// - Optimistic concurrency: each entry of AppendRequest::expected_versions
//   must equal the stream's current version, else ABORTED naming stream,
//   expected and actual version, and nothing is written.
// - Readers only ever see durable events: Head() and every Read* stop at
//   the last acknowledged sequence.
// - Stored envelope bytes are never re-encoded.
//
// Thread safety: all methods may be called concurrently from any thread.
// Lifetime: Close() (or the destructor) waits for in-flight appends.
#ifndef REPORTING_STORAGE_EVENT_LOG_H_
#define REPORTING_STORAGE_EVENT_LOG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/disk_usage.h"
#include "storage/receipt.h"
#include "storage/stream_versions.h"

namespace reporting::storage {

// Limits; refusals name them. Documented in storage/README.md.
inline constexpr size_t kMaxPayloadBytes = 64 * 1024;
inline constexpr size_t kMaxEventsPerAppend = 10000;
inline constexpr size_t kMaxStreamIdBytes = 256;
inline constexpr size_t kMaxCommandIdBytes = 128;
inline constexpr size_t kMaxActorBytes = 128;
inline constexpr size_t kHashBytes = 32;
// A request digest (AppendRequest::request_digest): SHA-256, 32 bytes.
inline constexpr size_t kDigestBytes = 32;
// A recorded refusal's message is cut to this many bytes (at a UTF-8
// character boundary, "..." appended) before it is stored and answered.
inline constexpr size_t kMaxRefusalMessageBytes = 16 * 1024;
// Every envelope field but the payload is bounded too (node id at Open,
// stream id, a 36-character event id, an event type of the registry,
// actor, command id, prev hash, four numbers and the tags and lengths), so
// an event's envelope takes at most kMaxEnvelopeBytes: replication carries
// any event a log can append (city::kMaxBatchBytes is asserted larger).
inline constexpr size_t kMaxNodeIdBytes = 64;
inline constexpr size_t kMaxEventTypeBytes = 128;
inline constexpr size_t kMaxEnvelopeBytes = kMaxPayloadBytes + 1024;
static_assert(kMaxNodeIdBytes + kMaxStreamIdBytes + 36 + kMaxEventTypeBytes +
                      kMaxActorBytes + kMaxCommandIdBytes + kHashBytes +
                      4 * 10 + 11 * 4 <=
                  kMaxEnvelopeBytes - kMaxPayloadBytes,
              "an envelope's fields other than the payload fit in 1 KiB");

// Expected version meaning "the stream must not exist yet".
inline constexpr uint64_t kNoStream = 0;

struct EventLogOptions {
  // Node whose log this is (written into every envelope), e.g. "371302".
  std::string node_id;
  // Sync the WAL before acknowledging. Turning it off is for benchmarks and
  // bulk loads only: an OS crash can then lose acknowledged events. Open
  // logs a loud warning when it is off.
  bool sync = true;
  // Open creates the log when the directory is empty.
  bool create_if_missing = true;
  // Number of most recent events whose hashes Open recomputes.
  uint64_t verify_tail_on_open = 1024;
  // Clock for recorded_at when the request does not give one
  // (microseconds since the Unix epoch). Default: absl::Now().
  std::function<int64_t()> now_us;
};

// One event to append.
struct NewEvent {
  std::string stream_id;   // non-empty, <= kMaxStreamIdBytes, no NUL byte
  std::string event_type;  // a message of events.proto (full name)
  std::string payload;     // serialized message; 1..kMaxPayloadBytes bytes
};

struct AppendRequest {
  std::string command_id;        // required; idempotency key, <= 128 bytes
  std::string actor;             // required; who records it, <= 128 bytes
  int64_t recorded_at_us = 0;    // 0: the log's clock
  std::vector<NewEvent> events;  // 1..kMaxEventsPerAppend (0 for a refusal)
  // stream id -> version the stream must have before this append
  // (kNoStream: must not exist). Streams not named are not checked.
  std::map<std::string, uint64_t> expected_versions;
  // Empty, or kDigestBytes bytes naming the request this command id
  // answers (the caller's digest of it). Stored with the command id: a
  // later append of the same id with another non-empty digest is refused
  // with ALREADY_EXISTS and appends nothing.
  std::string request_digest;
  // Not OK: instead of appending events (there must be none), record this
  // refusal as the command id's final answer, durably, and answer it (its
  // message cut to kMaxRefusalMessageBytes). Every later append of the id
  // gets the same code and message. If the id was answered before, that
  // first answer is returned instead and nothing is recorded.
  absl::Status refusal;
};

struct AppendResult {
  uint64_t first_sequence = 0;
  uint64_t last_sequence = 0;
  // New version of every stream the append touched, in the order of its
  // first event on each.
  StreamVersions stream_versions;
  // True when the command id had been appended before; the rest of the
  // result is the original one.
  bool duplicate = false;
};

// What the log holds for a command id: its first answer.
struct CommandRecord {
  // OK: the command was appended and `result` is its original result.
  // Otherwise the refusal recorded for it (nothing was appended).
  absl::Status refusal;
  AppendResult result;
  std::string request_digest;  // empty when recorded without one
};

// The answer the log gives an append of `command_id` with `request_digest`
// that finds `record`: ALREADY_EXISTS when both digests are non-empty and
// differ; else the recorded refusal; else the original result with
// duplicate = true.
absl::StatusOr<AppendResult> AnswerRepeat(const CommandRecord& record,
                                          absl::string_view command_id,
                                          absl::string_view request_digest);

// An event as stored: exact envelope bytes and their hash.
struct StoredEvent {
  uint64_t sequence = 0;
  std::string envelope;  // serialized reporting.v1.EventEnvelope
  std::string hash;      // kHashBytes bytes
};

struct Head {
  uint64_t sequence = 0;  // 0 for an empty log
  std::string hash;       // kHashBytes zero bytes for an empty log
};

// Bounds for a forward read; whichever limit is hit first ends the batch
// (at least one event is returned when any is available).
struct ReadLimits {
  size_t max_events = 1000;
  size_t max_bytes = 4 << 20;
};

// Receives the outcome of EventLog::AppendAsync, exactly once.
using AppendCallback =
    absl::AnyInvocable<void(absl::StatusOr<AppendResult> outcome)>;

// Progress of a long operation: done so far, and the total.
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

class EventLog {
 public:
  // Opens (or creates) the log in `dir`. Checks the chain's tail: a stored
  // event whose bytes no longer match its hash yields DATA_LOSS naming its
  // sequence.
  static absl::StatusOr<std::unique_ptr<EventLog>> Open(
      const std::string& dir, EventLogOptions options);

  virtual ~EventLog() = default;

  // Appends the request's events as one atomic, durable unit (or records
  // its refusal: AppendRequest::refusal). INVALID_ARGUMENT for a malformed
  // request (before anything is written), ABORTED for a version mismatch,
  // ALREADY_EXISTS for a command id recorded with another request digest,
  // a recorded refusal's own status for a command id refused before.
  virtual absl::StatusOr<AppendResult> Append(const AppendRequest& request) = 0;

  // Append without blocking the caller on the write and the sync: `done`
  // gets what Append would have returned, when Append would have returned
  // it (durable, or refused). It runs on the log's answerer thread (or on
  // the thread of an Append that led the request's group), or on the
  // caller's thread for a request refused at once; never under the log's
  // locks, so it may call AppendAsync again. `done` must not block: every
  // append of its group waits for it. A server answers its calls from
  // `done` instead of parking one thread per call until the fsync.
  // This default runs Append on the caller's thread.
  virtual void AppendAsync(AppendRequest request, AppendCallback done) {
    done(Append(request));
  }

  // The last durable event's sequence and hash.
  virtual Head GetHead() const = 0;

  // Events with sequence >= from (from >= 1), in order, within limits.
  // Empty when from > head.
  virtual absl::StatusOr<std::vector<StoredEvent>> Read(
      uint64_t from, ReadLimits limits = {}) const = 0;

  // One event; NOT_FOUND past the head.
  virtual absl::StatusOr<StoredEvent> ReadOne(uint64_t sequence) const = 0;

  // Events of one stream with stream_version >= from_version, in order.
  virtual absl::StatusOr<std::vector<StoredEvent>> ReadStream(
      absl::string_view stream_id, uint64_t from_version = 1,
      ReadLimits limits = {}) const = 0;

  // Current version of a stream (kNoStream when it has no events).
  virtual absl::StatusOr<uint64_t> StreamVersion(
      absl::string_view stream_id) const = 0;

  // Events of one type with from_us <= recorded_at_us < to_us, ordered by
  // (recorded_at_us, sequence). Resume after the last event returned with
  // after_sequence (0 to start); uses the type index.
  virtual absl::StatusOr<std::vector<StoredEvent>> ReadByType(
      absl::string_view event_type, int64_t from_us, int64_t to_us,
      uint64_t after_sequence = 0, ReadLimits limits = {}) const = 0;

  // The first answer durably recorded for a command id (its events or its
  // refusal); NOT_FOUND if it has none.
  virtual absl::StatusOr<CommandRecord> FindCommand(
      absl::string_view command_id) const = 0;

  // The original result of an appended command id; NOT_FOUND if it was
  // never appended (refused, or never seen).
  absl::StatusOr<AppendResult> LookupCommand(
      absl::string_view command_id) const;

  // Blocks until the head is > after_sequence, the timeout passes, or
  // WakeWaiters() is called after WakeGeneration() returned
  // `wake_generation`; returns the head. Lets followers (the replicator)
  // wake on append without polling. A follower that must also wake for
  // something else (being stopped, its stream ending) reads
  // WakeGeneration() BEFORE it checks that something, waits with it, and
  // has whoever changes it call WakeWaiters() after: no wake-up is lost.
  virtual Head WaitForAppend(uint64_t after_sequence, absl::Duration timeout,
                             uint64_t wake_generation) const = 0;
  virtual uint64_t WakeGeneration() const = 0;
  // Wakes every WaitForAppend whose generation was read before this call.
  virtual void WakeWaiters() const = 0;

  // Replica ingest (the city's copy of a node's log, fed by replication;
  // storage/README.md "Replicas"). `events` are consecutive stored events of
  // this log's node, exact bytes and hashes as the node holds them. Events
  // at or below the head must be byte-identical to the ones held (they are
  // skipped; a batch wholly at or below the head is a no-op); the rest must
  // start at head + 1 and continue the chain. The new events, the new head
  // and one receipt for them (their range, the last one's hash and
  // `received_at_us`, when this copy received them, microseconds since the
  // Unix epoch; chained onto the previous receipt) are one synced write.
  // Returns the durable head. Refusals change nothing:
  //   INVALID_ARGUMENT     an envelope that does not decode, belongs to
  //                        another node, disagrees with its sequence, or
  //                        whose hash is not SHA-256(prev_hash || envelope);
  //                        non-consecutive sequences; too many events
  //   FAILED_PRECONDITION  a gap: the message names the expected sequence
  //   DATA_LOSS            divergence: an event differs from the one held,
  //                        or the first new event does not chain onto the
  //                        head
  virtual absl::StatusOr<Head> AppendReplicated(
      const std::vector<StoredEvent>& events, int64_t received_at_us) = 0;

  // The two halves of AppendReplicated, for a receiver that pipelines
  // (writes batch k+1 while batch k's sync runs): WriteReplicated makes the
  // same checks and the same write but returns before it is durable (and
  // before readers see it); AwaitDurable(sequence) returns once everything
  // written up to `sequence` is durable (one WAL sync covers every write
  // made before it starts). FAILED_PRECONDITION for a sequence not written.
  virtual absl::StatusOr<Head> WriteReplicated(
      const std::vector<StoredEvent>& events, int64_t received_at_us) = 0;
  virtual absl::Status AwaitDurable(uint64_t sequence) = 0;

  // Restore of a node's OWN log from a copy of it (the city's export,
  // docs/OPERATIONS.md "A county restored from the city"): the same checks
  // and exact-bytes write as AppendReplicated, durable when it returns, but
  // it records what Append would have: the command index (each envelope's
  // command_id -> its first and last sequence, so a command retried after
  // the restore is still answered as a duplicate) and no receive times.
  // Meant for an empty log being rebuilt before the node serves; afterwards
  // Append continues the chain at head + 1. Refusals as AppendReplicated's,
  // plus INVALID_ARGUMENT for an event without command_id and DATA_LOSS for
  // a command id already held for other sequences. The default (for logs
  // that wrap or stage another, which never restore) is UNIMPLEMENTED.
  virtual absl::StatusOr<Head> AppendRestored(
      const std::vector<StoredEvent>& events) {
    (void)events;
    return absl::UnimplementedError("event_log: restore is not supported here");
  }

  // When a replica received the event (the received_at_us given to
  // AppendReplicated); NOT_FOUND past the head or for events appended with
  // Append (a node's own log records no receive time). The receive time of
  // ReceiptFor(sequence).
  virtual absl::StatusOr<int64_t> ReceivedAt(uint64_t sequence) const = 0;

  // A copy's receipt chain (storage/receipt.h; README.md "Receipts"): every
  // replicated write that added events wrote one receipt (its range, the
  // last event's hash, the receive time, chained to the previous receipt)
  // in the same RocksDB write as the events and the head.
  //
  // The durable receipt covering `sequence`; NOT_FOUND past the head, for
  // a node's own log, or for an event of a copy that has no receipt (one
  // received before receive times were kept). The defaults are for logs
  // that wrap a node's own log, which holds no receipts.
  virtual absl::StatusOr<Receipt> ReceiptFor(uint64_t sequence) const {
    return absl::NotFoundError(
        absl::StrCat("event_log: no receipt for sequence ", sequence,
                     ": this log is not a copy"));
  }
  // Durable receipts whose last_sequence is >= from_sequence, in order, at
  // most max_receipts (at least one when any is left). Empty for a node's
  // own log.
  virtual absl::StatusOr<std::vector<Receipt>> ReadReceipts(
      uint64_t from_sequence, size_t max_receipts) const {
    (void)from_sequence;
    (void)max_receipts;
    return std::vector<Receipt>();
  }

  // Recomputes the whole chain from sequence 1; DATA_LOSS naming the first
  // bad sequence. Calls progress now and then.
  virtual absl::Status Verify(const ProgressFn& progress = nullptr) const = 0;

  // Online backup: writes a consistent copy of the log to `dir` (a RocksDB
  // checkpoint; hard links where possible), openable with Open(). `dir`
  // must not exist yet. The copy holds at least every acknowledged event.
  virtual absl::Status Checkpoint(const std::string& dir) const = 0;

  // What the log's RocksDB occupies (metrics; storage/disk_usage.h).
  virtual absl::StatusOr<DiskUsage> GetDiskUsage() const = 0;

  // Whether appends are accepted now (health, metrics, status): OK;
  // RESOURCE_EXHAUSTED when the disk is below the reserve
  // (storage/disk_space.h: the message names the directory, the free and
  // reserved bytes and what to do); or, after a write or sync failed,
  // the refusal appends get until the log has reopened itself, which it
  // does as soon as its disk has room (storage/README.md "Full disks").
  // Reads the free space at most every 50 ms. The default (logs that wrap
  // another) is OK.
  virtual absl::Status WriteHealth() { return absl::OkStatus(); }

  // Flushes and closes; later calls fail with FAILED_PRECONDITION.
  virtual absl::Status Close() = 0;
};

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_EVENT_LOG_H_
