// CommandSender: sends generated (or imported) Commands to one county
// node, one at a time, on one CommandStreamService.Stream
// (command_stream.proto): each
// command is written as the CommandStreamRequest field of its request
// type, and Send returns once its answer arrives, so each command sees
// every earlier one (one command in flight). The stream is opened at the
// first Send and kept; it spares the node a call per command.
//
// A stream that breaks (node starting or restarting: UNAVAILABLE) is
// opened again and the command resent with the same command id for up to
// `retry_for`; the node answers a resent command that did land as a
// duplicate, so nothing is doubled. Any refusal is returned as is,
// prefixed with the method and command id.
//
// A command not answered within `answer_within` (a node that stalls,
// rather than one that is down) ends the stream and returns
// DEADLINE_EXCEEDED saying so; the command may or may not be recorded, and
// sending it again is safe (same command id). A watchdog thread per sender
// cancels the late call.
//
// Thread-compatible: one sender per thread (the channel may be shared).
#ifndef REPORTING_SERVICES_GENERATOR_GENERATE_DRIVER_H_
#define REPORTING_SERVICES_GENERATOR_GENERATE_DRIVER_H_

#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"
#include "reporting/v1/command_stream.grpc.pb.h"
#include "services/generator/generate_campaign.h"

namespace reporting::generator {

class CommandSender {
 public:
  explicit CommandSender(std::shared_ptr<grpc::Channel> channel,
                         absl::Duration retry_for = absl::Seconds(30),
                         absl::Duration answer_within = absl::Seconds(60));
  // Closes the stream (every command sent has its answer by then).
  ~CommandSender();

  // The node's answer; its duplicate flag says whether anything was
  // appended now.
  absl::StatusOr<v1::CommandResult> Send(const Command& command);

 private:
  // Ends the stream; its status (UNAVAILABLE when it ended without one).
  grpc::Status Close();
  // The watchdog: cancels the call once answer_due_ has passed.
  void Watch();

  std::unique_ptr<v1::CommandStreamService::Stub> stub_;
  const absl::Duration retry_for_;
  const absl::Duration answer_within_;

  absl::Mutex mu_;
  // When the command in flight must be answered; InfiniteFuture when none
  // is in flight (context_ is only cancelled while one is).
  absl::Time answer_due_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  bool late_ ABSL_GUARDED_BY(mu_) = false;  // the watchdog cancelled it
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::CommandStreamRequest,
                                           v1::CommandStreamResponse>>
      stream_;
  std::thread watchdog_;  // last: it starts once every member above exists
};

}  // namespace reporting::generator

#endif  // REPORTING_SERVICES_GENERATOR_GENERATE_DRIVER_H_
