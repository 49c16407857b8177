#include "services/county/command_context.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "services/common/grpc_status.h"
#include "services/common/log_stream.h"
#include "services/county/future_dates.h"
#include "services/county/request_form.h"
#include "storage/status_macros.h"

namespace reporting::county {

absl::Status ValidateMeta(const v1::CommandMeta& meta) {
  const std::string& id = meta.command_id();
  if (id.empty() || id.size() > kMaxCommandIdChars) {
    return absl::InvalidArgumentError(
        absl::StrCat("meta.command_id must have 1 to ", kMaxCommandIdChars,
                     " characters (has ", id.size(),
                     "): give each intended action its own id, e.g. a UUID"));
  }
  for (char c : id) {
    if (c < 0x20 || c > 0x7e) {
      return absl::InvalidArgumentError(absl::StrCat(
          "meta.command_id \"", absl::CEscape(id),
          "\" must be printable ASCII (no control or non-ASCII characters)"));
    }
  }
  if (meta.actor().empty()) {
    return absl::InvalidArgumentError(
        "meta.actor is required: who records this, e.g. clerk:wang.li@371302");
  }
  if (meta.actor().size() > kMaxActorBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "meta.actor has ", meta.actor().size(), " bytes; the limit is ",
        kMaxActorBytes, ": name who records this, e.g. clerk:wang.li@371302"));
  }
  return absl::OkStatus();
}

bool IsFinalRefusal(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kOutOfRange:
      return true;
    default:
      return false;
  }
}

absl::StatusOr<domain::Stream> CommandContext::Read(
    absl::string_view stream_id) {
  ASSIGN_OR_RETURN(domain::Stream stream,
                   services::ReadWholeStream(*env_.log, stream_id));
  read_set_[stream.id] = stream.version;
  return stream;
}

absl::StatusOr<domain::Stream> CommandContext::ReadMain(
    absl::string_view stream_id) {
  ASSIGN_OR_RETURN(domain::Stream stream, Read(stream_id));
  main_stream_ = stream.id;
  if (meta_.has_expected_version() &&
      meta_.expected_version() != stream.version) {
    return absl::AbortedError(absl::StrCat(
        stream.id, ": expected version ", meta_.expected_version(), ", found ",
        stream.version,
        ": it changed since you read it; read it again and retry"));
  }
  return stream;
}

void CommandContext::Emit(absl::string_view stream_id,
                          const google::protobuf::Message& event) {
  storage::NewEvent e;
  e.stream_id = std::string(stream_id);
  e.event_type = std::string(event.GetDescriptor()->full_name());
  e.payload = event.SerializeAsString();
  events_.push_back(std::move(e));
}

void CommandContext::Commit(v1::CommandResult* result, CommandDone done) {
  if (events_.empty()) {
    done(grpc::Status(grpc::StatusCode::INTERNAL,
                      "command decided nothing to record"));
    return;
  }
  storage::AppendRequest request;
  request.command_id = meta_.command_id();
  request.actor = meta_.actor();
  request.request_digest = request_digest_;
  request.recorded_at_us = env_.now_us();
  if (env_.clock_watch != nullptr) {
    env_.clock_watch->Observe(request.recorded_at_us);
  }
  request.events = std::move(events_);
  request.expected_versions = std::move(read_set_);
  if (meta_.has_expected_version()) {
    // Without a ReadMain the main stream is the first one written to.
    const std::string& main =
        main_stream_.empty() ? request.events.front().stream_id : main_stream_;
    request.expected_versions[main] = meta_.expected_version();
  }
  env_.log->AppendAsync(
      std::move(request),
      [result, done = std::move(done)](
          absl::StatusOr<storage::AppendResult> appended) mutable {
        if (appended.ok()) ToCommandResult(*appended, result);
        done(services::ToGrpcStatus(appended.status()));
      });
}

void CommandContext::Refuse(const absl::Status& refusal,
                            v1::CommandResult* result, CommandDone done) {
  if (!IsFinalRefusal(refusal.code())) {
    return done(services::ToGrpcStatus(refusal));
  }
  storage::AppendRequest request;
  request.command_id = meta_.command_id();
  request.actor = meta_.actor();
  request.request_digest = request_digest_;
  request.refusal = refusal;
  // The answer is the log's: the refusal as recorded, or the first answer
  // if the id was answered meanwhile (a resend racing this one).
  env_.log->AppendAsync(
      std::move(request),
      [result, done = std::move(done)](
          absl::StatusOr<storage::AppendResult> answer) mutable {
        if (answer.ok()) ToCommandResult(*answer, result);
        done(services::ToGrpcStatus(answer.status()));
      });
}

void ToCommandResult(const storage::AppendResult& in, v1::CommandResult* out) {
  out->Clear();
  out->set_first_sequence(in.first_sequence);
  out->set_last_sequence(in.last_sequence);
  for (const auto& [stream, version] : in.stream_versions) {
    v1::StreamVersion* sv = out->add_stream_versions();
    sv->set_stream_id(stream.data(), stream.size());
    sv->set_version(version);
  }
  out->set_duplicate(in.duplicate);
}

void RunCommandWithDigest(
    const NodeEnv& env, const google::protobuf::Message& request,
    const v1::CommandMeta& meta, std::string digest, v1::CommandResult* result,
    CommandDone done, absl::FunctionRef<absl::Status(CommandContext&)> body) {
  absl::Status status = ValidateMeta(meta);
  if (status.ok()) status = CheckRequestForm(request);
  if (!status.ok()) return done(services::ToGrpcStatus(status));

  absl::StatusOr<storage::CommandRecord> earlier =
      env.log->FindCommand(meta.command_id());
  if (earlier.ok()) {
    absl::StatusOr<storage::AppendResult> again =
        storage::AnswerRepeat(*earlier, meta.command_id(), digest);
    if (again.ok()) ToCommandResult(*again, result);
    return done(services::ToGrpcStatus(again.status()));
  }
  if (earlier.status().code() != absl::StatusCode::kNotFound) {
    return done(services::ToGrpcStatus(earlier.status()));
  }

  CommandContext ctx(env, meta, std::move(digest));
  status = RefuseFutureDates(request, env.now_us());
  if (status.ok()) status = body(ctx);
  if (!status.ok()) return ctx.Refuse(status, result, std::move(done));
  ctx.Commit(result, std::move(done));
}

grpc::Status AwaitCommand(absl::FunctionRef<void(CommandDone)> start) {
  grpc::Status status;
  absl::Notification answered;
  start([&](grpc::Status s) {
    status = std::move(s);
    answered.Notify();
  });
  answered.WaitForNotification();
  return status;
}

}  // namespace reporting::county
