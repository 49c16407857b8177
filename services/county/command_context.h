// CommandContext: the one path every command takes from request to log.
//
//   RunCommand(env, request, result, done, [&](CommandContext& ctx) {
//     ASSIGN_OR_RETURN(domain::Stream unit, ctx.Read(UnitStream(unit_id)));
//     ASSIGN_OR_RETURN(domain::Stream eval,
//     ctx.ReadMain(EvaluationStream(...)));
//     ... fold, decide (pure domain code) ...
//     ctx.Emit(eval.id, event);
//     return absl::OkStatus();
//   });
//
// 1. CommandMeta is checked: command_id 1..128 printable ASCII, actor
//    1..128 bytes; then the request's form (request_form.h: no unknown
//    field, every text within its limit). INVALID_ARGUMENT, not recorded:
//    the id may be bad, and nothing of a malformed request is stored.
// 2. The first answer is final: a command id the log has answered is
//    answered the same way before anything else, even when the request
//    would be answered otherwise now: the original CommandResult
//    (duplicate = true), or the recorded refusal (same code and message).
//    A command id recorded for a different request (request_digest.h) is
//    ALREADY_EXISTS.
//    Dates from the clerk more than a day in the node's future are refused
//    (future_dates.h; INVALID_ARGUMENT, final and recorded like step 3's).
// 3. The body reads the streams it needs (on demand: no state is kept
//    between commands), decides, and emits events.
// 4. Commit appends the events in one atomic append whose expected versions
//    name every stream read (the read set: a concurrent change to anything
//    the decision looked at gives ABORTED, so the caller re-reads and
//    retries), and meta.expected_version for the main stream. The append
//    is asynchronous (EventLog::AppendAsync): the command's answer is
//    given to `done` once it is durable, so no thread waits per command.
//    A refusal from the body is final when IsFinalRefusal says so: it is
//    recorded under the command id through the same append path (with the
//    request's digest) and answered once that record is durable.
//
// A CommandContext lives for one call on one thread; NodeEnv is shared and
// constant.
#ifndef REPORTING_SERVICES_COUNTY_COMMAND_CONTEXT_H_
#define REPORTING_SERVICES_COUNTY_COMMAND_CONTEXT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/status.h"
#include "reporting/v1/command.pb.h"
#include "reporting/v1/envelope.pb.h"
#include "services/county/clock_watch.h"
#include "services/county/request_digest.h"
#include "services/domain/stream.h"
#include "storage/event_log.h"

namespace reporting::county {

// What every handler of one node needs. Constant after construction.
struct NodeEnv {
  std::string node_id;               // e.g. "371302"
  storage::EventLog* log = nullptr;  // not owned; outlives the services
  // The node's clock, microseconds since the Unix epoch (tests pin it).
  // Events are recorded at it.
  std::function<int64_t()> now_us;
  // Watches recorded times for a clock set back (clock_watch.h); not
  // owned, may be null.
  ClockWatch* clock_watch = nullptr;
};

// Receives a command's outcome exactly once: OK (the CommandResult is
// filled) or the refusal.
using CommandDone = absl::AnyInvocable<void(grpc::Status status)>;

inline constexpr size_t kMaxCommandIdChars = storage::kMaxCommandIdBytes;
inline constexpr size_t kMaxActorBytes = storage::kMaxActorBytes;

// INVALID_ARGUMENT unless the meta is well-formed (see above).
absl::Status ValidateMeta(const v1::CommandMeta& meta);

// Whether a refusal with this code is the command id's final answer,
// recorded and given again to every resend (command.proto): the answers of
// the campaign's rules and of the request's own form, which a resend of
// the same request would only get again or, worse, not get any more once
// the state has moved on: INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS,
// FAILED_PRECONDITION, PERMISSION_DENIED, OUT_OF_RANGE. Every other code is
// transient and not recorded, so a resend under the same id is decided
// afresh: ABORTED (a version conflict: re-read and retry), UNAVAILABLE,
// RESOURCE_EXHAUSTED (a full disk, an oversized import), DEADLINE_EXCEEDED,
// CANCELLED, and the node's own failures (INTERNAL, DATA_LOSS, UNKNOWN).
bool IsFinalRefusal(absl::StatusCode code);

class CommandContext {
 public:
  // `request_digest`: the request's (request_digest.h), recorded with
  // the command id.
  CommandContext(const NodeEnv& env, const v1::CommandMeta& meta,
                 std::string request_digest)
      : env_(env), meta_(meta), request_digest_(std::move(request_digest)) {}
  CommandContext(const CommandContext&) = delete;
  CommandContext& operator=(const CommandContext&) = delete;

  const NodeEnv& env() const { return env_; }
  const std::string& node_id() const { return env_.node_id; }
  int64_t now_us() const { return env_.now_us(); }

  // Reads a stream whole (services::ReadWholeStream) and adds it to the
  // read set at the version read.
  absl::StatusOr<domain::Stream> Read(absl::string_view stream_id);
  // Same, for the command's main stream: when meta.expected_version is set
  // and differs from the version read, ABORTED at once.
  absl::StatusOr<domain::Stream> ReadMain(absl::string_view stream_id);

  // Queues an event (the message's type and bytes) for `stream_id`.
  void Emit(absl::string_view stream_id,
            const google::protobuf::Message& event);

  // Appends the queued events without waiting; once durable, fills
  // `result` and calls `done` (which gets INTERNAL when nothing was
  // emitted: a handler bug). `result` must outlive the call to `done`.
  void Commit(v1::CommandResult* result, CommandDone done);

  // Answers the body's refusal: a final one (IsFinalRefusal) once it is
  // recorded and durable (or, if the command id was answered meanwhile,
  // with that first answer), any other at once.
  void Refuse(const absl::Status& refusal, v1::CommandResult* result,
              CommandDone done);

 private:
  const NodeEnv& env_;
  const v1::CommandMeta& meta_;
  const std::string request_digest_;
  std::string main_stream_;
  std::map<std::string, uint64_t> read_set_;
  std::vector<storage::NewEvent> events_;
};

// Runs one command (steps 1-4 above) and gives its outcome, as a gRPC
// status, to `done`: on this thread for a malformed meta, a repeated
// command id or a transient refusal, else from the log once the append
// (or the refusal's record) is durable. `body` runs on this thread before
// RunCommand returns: it reads, decides and emits; a non-OK status from it
// is the refusal, and no event is written. `request` is the whole request
// (a message with a CommandMeta `meta`).
template <typename Request>
void RunCommand(const NodeEnv& env, const Request& request,
                v1::CommandResult* result, CommandDone done,
                absl::FunctionRef<absl::Status(CommandContext&)> body);

// RunCommand for a request whose digest is computed (`meta` is its meta).
void RunCommandWithDigest(
    const NodeEnv& env, const google::protobuf::Message& request,
    const v1::CommandMeta& meta, std::string digest, v1::CommandResult* result,
    CommandDone done, absl::FunctionRef<absl::Status(CommandContext&)> body);

template <typename Request>
void RunCommand(const NodeEnv& env, const Request& request,
                v1::CommandResult* result, CommandDone done,
                absl::FunctionRef<absl::Status(CommandContext&)> body) {
  RunCommandWithDigest(env, request, request.meta(), CommandDigest(request),
                       result, std::move(done), body);
}

// Starts a command with `start(done)` and waits for its outcome: for
// callers with a thread to spare (the clerk's batch import, tools, tests).
grpc::Status AwaitCommand(absl::FunctionRef<void(CommandDone)> start);

// AppendResult -> CommandResult (stream versions in stream id order).
void ToCommandResult(const storage::AppendResult& in, v1::CommandResult* out);

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_COMMAND_CONTEXT_H_
