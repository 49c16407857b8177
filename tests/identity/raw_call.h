// Calls any gRPC method with raw request bytes (grpc::GenericStub), so a
// test can send what no generated stub would: undecodable bytes, a Hello
// followed by garbage, an empty frame.
//
// Thread compatibility: one call at a time per RawCall invocation.
#ifndef REPORTING_TESTS_IDENTITY_RAW_CALL_H_
#define REPORTING_TESTS_IDENTITY_RAW_CALL_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace reporting::identity_test {

struct RawResult {
  grpc::Status status;
  int responses = 0;  // response messages read before the status
};

// Sends `frames` as the request messages of `method` ("/pkg.Service/M"),
// half-closes, reads every response and returns the call's status.
RawResult RawCall(const std::shared_ptr<grpc::Channel>& channel,
                  const std::string& method,
                  const std::vector<std::string>& frames,
                  std::chrono::milliseconds deadline);

}  // namespace reporting::identity_test

#endif  // REPORTING_TESTS_IDENTITY_RAW_CALL_H_
