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
// Thread-compatible: one sender per thread (the channel may be shared).
#ifndef REPORTING_SERVICES_GENERATOR_GENERATE_DRIVER_H_
#define REPORTING_SERVICES_GENERATOR_GENERATE_DRIVER_H_

#include <memory>

#include "absl/status/statusor.h"
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
                         absl::Duration retry_for = absl::Seconds(30));
  // Closes the stream (every command sent has its answer by then).
  ~CommandSender();

  // The node's answer; its duplicate flag says whether anything was
  // appended now.
  absl::StatusOr<v1::CommandResult> Send(const Command& command);

 private:
  // Ends the stream; its status (UNAVAILABLE when it ended without one).
  grpc::Status Close();

  std::unique_ptr<v1::CommandStreamService::Stub> stub_;
  const absl::Duration retry_for_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::CommandStreamRequest,
                                           v1::CommandStreamResponse>>
      stream_;
};

}  // namespace reporting::generator

#endif  // REPORTING_SERVICES_GENERATOR_GENERATE_DRIVER_H_
