// CommandSender: sends generated (or imported) Commands to one county
// node's CommandService. A call that fails with UNAVAILABLE (node starting
// or restarting) is retried with the same command id for up to
// `retry_for`; the node answers a retried command that did land as a
// duplicate, so nothing is doubled. Any other refusal is returned as is,
// prefixed with the method and command id.
//
// Thread-compatible: one sender per thread (the channel may be shared).
#ifndef REPORTING_SERVICES_REPORTCTL_GENERATE_DRIVER_H_
#define REPORTING_SERVICES_REPORTCTL_GENERATE_DRIVER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "reporting/v1/command.grpc.pb.h"
#include "services/reportctl/generate_campaign.h"

namespace reporting::reportctl {

class CommandSender {
 public:
  explicit CommandSender(std::shared_ptr<grpc::Channel> channel,
                         absl::Duration retry_for = absl::Seconds(30));

  // The node's answer; its duplicate flag says whether anything was
  // appended now.
  absl::StatusOr<v1::CommandResult> Send(const Command& command);

 private:
  std::unique_ptr<v1::CommandService::Stub> stub_;
  const absl::Duration retry_for_;
};

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_GENERATE_DRIVER_H_
