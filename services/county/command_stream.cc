#include "services/county/command_stream.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/unknown_field_set.h"
#include "services/common/grpc_status.h"
#include "services/common/stream_read.h"
#include "services/county/command_kinds.h"

namespace reporting::county {
namespace {

grpc::Status Refusal(grpc::StatusCode code, std::string message) {
  return grpc::Status(code, std::move(message));
}

}  // namespace

CommandStream::CommandStream(grpc::CallbackServerContext* context,
                             const CommandHandlers& handlers,
                             std::atomic<int>* open_streams,
                             prometheus::Family<prometheus::Counter>* commands)
    : context_(context),
      handlers_(handlers),
      open_streams_(open_streams),
      commands_(commands) {
  Next next;
  {
    absl::MutexLock lock(&mu_);
    if (open_streams_->fetch_add(1) >= kMaxCommandStreams) {
      end_ = Refusal(grpc::StatusCode::RESOURCE_EXHAUSTED,
                     absl::StrCat(kMaxCommandStreams,
                                  " command streams are open on this node, "
                                  "the most it serves at once: close one, or "
                                  "send commands with the unary RPCs"));
      read_ended_ = true;
    }
    next = Step();
  }
  Do(next);
}

void CommandStream::OnReadDone(bool ok) {
  Pending* run = nullptr;
  Next next;
  {
    absl::MutexLock lock(&mu_);
    std::unique_ptr<Pending> got = std::move(reading_);
    if (ok) {
      got->bytes = got->request.ByteSizeLong();
      pending_bytes_ += got->bytes;
      run = got.get();
      pending_.push_back(std::move(got));
    } else {
      read_ended_ = true;
      // gRPC parses into the message (clearing our mark) only when a
      // message arrived: a failed read of a parsed message is bad bytes.
      if (!services::internal::StillMarked(got->request)) {
        end_ = services::ToGrpcStatus(services::UndecodableStatus(
            context_, "CommandStreamService.Stream",
            v1::CommandStreamRequest::descriptor()->full_name()));
      }
    }
    next = Step();
  }
  // `run` is not answered yet, so the call cannot finish before it is.
  Do(next);
  if (run != nullptr) Run(run);
}

void CommandStream::OnWriteDone(bool ok) {
  Next next;
  {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    pending_bytes_ -= pending_.front()->bytes;
    pending_.pop_front();
    if (!ok) {
      // The call is gone: read nothing more; the commands read still get
      // their outcome (and are recorded), unwritten.
      broken_ = true;
      read_ended_ = true;
    }
    next = Step();
  }
  Do(next);
}

void CommandStream::OnDone() {
  open_streams_->fetch_sub(1);
  delete this;
}

void CommandStream::Run(Pending* pending) {
  const v1::CommandStreamRequest& request = pending->request;
  const google::protobuf::Reflection* reflection = request.GetReflection();
  const google::protobuf::UnknownFieldSet& unknown =
      reflection->GetUnknownFields(request);
  if (!unknown.empty()) {
    return Answer(
        pending,
        Refusal(grpc::StatusCode::INVALID_ARGUMENT,
                absl::StrCat("command stream message holds field number ",
                             unknown.field(0).number(),
                             ", which reporting.v1.CommandStreamRequest does "
                             "not define: a command this node does not know "
                             "(is the node older than the client?)")));
  }
  const google::protobuf::FieldDescriptor* field =
      reflection->GetOneofFieldDescriptor(
          request, v1::CommandStreamRequest::descriptor()->oneof_decl(0));
  if (field == nullptr) {
    return Answer(pending,
                  Refusal(grpc::StatusCode::INVALID_ARGUMENT,
                          "command stream message holds no command: set the "
                          "field of CommandStreamRequest named after the "
                          "command's RPC, e.g. record_evaluation"));
  }
  const CommandKind* kind = FindCommandKind(field->message_type());
  if (kind == nullptr) {
    return Answer(pending, Refusal(grpc::StatusCode::INTERNAL,
                                   absl::StrCat("no handler for ",
                                                field->message_type()->name(),
                                                " on this node")));
  }
  pending->command = kind->method;
  const google::protobuf::Message& command =
      reflection->GetMessage(request, field);
  // Every command request has `CommandMeta meta = 1`.
  const google::protobuf::Message& meta = command.GetReflection()->GetMessage(
      command, kind->request_type->FindFieldByNumber(1));
  pending->response.set_command_id(
      static_cast<const v1::CommandMeta&>(meta).command_id());
  kind->run(handlers_, command, pending->response.mutable_result(),
            [this, pending](grpc::Status status) { Answer(pending, status); });
}

void CommandStream::Answer(Pending* pending, const grpc::Status& status) {
  if (commands_ != nullptr) {
    commands_
        ->Add({{"command", pending->command},
               {"result", services::StatusCodeName(status.error_code())}})
        .Increment();
  }
  Next next;
  {
    absl::MutexLock lock(&mu_);
    if (!status.ok()) {
      pending->response.set_code(status.error_code());
      pending->response.set_message(status.error_message());
      pending->response.clear_result();
    }
    pending->answered = true;
    next = Step();
  }
  Do(next);
}

CommandStream::Next CommandStream::Step() {
  Next next;
  if (finished_) return next;
  if (!writing_) {
    // On a broken call an answer cannot be written: it is only dropped.
    while (broken_ && !pending_.empty() && pending_.front()->answered) {
      pending_bytes_ -= pending_.front()->bytes;
      pending_.pop_front();
    }
    if (!pending_.empty() && pending_.front()->answered) {
      writing_ = true;
      next.write = &pending_.front()->response;
    }
  }
  if (!read_ended_ && reading_ == nullptr &&
      pending_.size() < kStreamInFlight &&
      pending_bytes_ < kStreamInFlightBytes) {
    reading_ = std::make_unique<Pending>();
    services::internal::MarkUnread(&reading_->request);
    next.read = reading_.get();
  }
  if (read_ended_ && reading_ == nullptr && !writing_ && pending_.empty()) {
    finished_ = true;
    next.finish = true;
    next.status = end_;
  }
  return next;
}

void CommandStream::Do(const Next& next) {
  // Finish comes last: once it is called, the reactor may be gone.
  if (next.read != nullptr) StartRead(&next.read->request);
  if (next.write != nullptr) StartWrite(next.write);
  if (next.finish) Finish(next.status);
}

}  // namespace reporting::county
