#include "services/generator/generate_driver.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/grpc_status.h"

namespace reporting::generator {
namespace {

// The stream message holding the command: the field of
// CommandStreamRequest's oneof whose type is the command's request.
absl::StatusOr<v1::CommandStreamRequest> StreamMessage(const Command& command) {
  const google::protobuf::Descriptor* type = command.request->GetDescriptor();
  const google::protobuf::OneofDescriptor* oneof =
      v1::CommandStreamRequest::descriptor()->oneof_decl(0);
  if (type->name() == absl::StrCat(command.method, "Request")) {
    for (int i = 0; i < oneof->field_count(); ++i) {
      const google::protobuf::FieldDescriptor* field = oneof->field(i);
      if (field->message_type() != type) continue;
      v1::CommandStreamRequest message;
      message.GetReflection()
          ->MutableMessage(&message, field)
          ->CopyFrom(*command.request);
      return message;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("no CommandService method ",
                                                 command.method, " taking ",
                                                 type->full_name()));
}

}  // namespace

CommandSender::CommandSender(std::shared_ptr<grpc::Channel> channel,
                             absl::Duration retry_for,
                             absl::Duration answer_within)
    : stub_(v1::CommandStreamService::NewStub(std::move(channel))),
      retry_for_(retry_for),
      answer_within_(answer_within),
      watchdog_([this] { Watch(); }) {}

CommandSender::~CommandSender() {
  if (stream_ != nullptr) {
    stream_->WritesDone();
    (void)Close();
  }
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  watchdog_.join();
}

void CommandSender::Watch() {
  absl::MutexLock lock(&mu_);
  while (!stop_) {
    if (absl::Now() >= answer_due_) {
      late_ = true;
      answer_due_ = absl::InfiniteFuture();
      context_->TryCancel();  // Send is blocked on this call: it exists
    }
    // Wakes for stop_, or to look again (a new due time is at most this
    // late to be noticed).
    mu_.AwaitWithDeadline(
        absl::Condition(&stop_),
        std::min(answer_due_, absl::Now() + absl::Milliseconds(100)));
  }
}

grpc::Status CommandSender::Close() {
  grpc::Status status = stream_->Finish();
  stream_.reset();
  context_.reset();
  if (status.ok()) {
    status = grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "the node ended the command stream");
  }
  return status;
}

absl::StatusOr<v1::CommandResult> CommandSender::Send(const Command& command) {
  absl::StatusOr<v1::CommandStreamRequest> message = StreamMessage(command);
  if (!message.ok()) return message.status();
  const std::string what =
      absl::StrCat(command.method, " ", CommandId(command));
  const absl::Time give_up = absl::Now() + retry_for_;
  absl::Duration backoff = absl::Milliseconds(50);
  while (true) {
    if (stream_ == nullptr) {
      context_ = std::make_unique<grpc::ClientContext>();
      stream_ = stub_->Stream(context_.get());
    }
    v1::CommandStreamResponse answer;
    {
      absl::MutexLock lock(&mu_);
      answer_due_ = absl::Now() + answer_within_;
      late_ = false;
    }
    const bool answered = stream_->Write(*message) && stream_->Read(&answer);
    bool late = false;
    {
      absl::MutexLock lock(&mu_);
      answer_due_ = absl::InfiniteFuture();
      late = late_;
    }
    if (answered) {
      if (answer.code() == 0) return answer.result();
      // answer.code() is the refusal's gRPC code number.
      return services::FromGrpcStatus(
          grpc::Status(static_cast<grpc::StatusCode>(answer.code()),
                       answer.message()),
          what);
    }
    const grpc::Status status = Close();
    if (late) {
      return absl::DeadlineExceededError(absl::StrCat(
          what, ": the node did not answer within ",
          absl::FormatDuration(answer_within_),
          "; whether it was recorded is unknown: send it again (the same "
          "command id makes a resend safe) once the node answers"));
    }
    if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
        status.error_message().empty()) {
      // gRPC's own answer when the server has no CommandStreamService.
      return absl::UnimplementedError(absl::StrCat(
          what,
          ": the server at that address does not take commands: "
          "give a county node's address (not the city aggregator's)"));
    }
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE &&
        absl::Now() + backoff < give_up) {
      absl::SleepFor(backoff);
      backoff = std::min(backoff * 2, absl::Seconds(2));
      continue;
    }
    return services::FromGrpcStatus(status, what);
  }
}

}  // namespace reporting::generator
