// InProcessNode: a county node inside the fuzz process: a real event log
// in a directory, CommandService, CommandStreamService and ClerkService
// served on a gRPC server reached only through its in-process channel (no
// port), a generic stub that calls any unary method by descriptor and a
// stub for the command stream. Used by command_fuzz, stream_fuzz and by
// the seed generator (fuzz_seeds), which records a generated campaign's
// commands and the log they build.
//
// The node's clock is fixed (kNodeNowUs), so an input's answers do not
// depend on the day it runs.
//
// Thread safety: Call may be used from one thread at a time.
#ifndef REPORTING_TESTS_FUZZ_IN_PROCESS_NODE_H_
#define REPORTING_TESTS_FUZZ_IN_PROCESS_NODE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/server.h"
#include "reporting/v1/command_stream.grpc.pb.h"
#include "services/county/clerk_service.h"
#include "services/county/command_service.h"
#include "services/county/command_stream.h"
#include "storage/event_log.h"

namespace reporting::fuzz {

inline constexpr char kFuzzNode[] = "371302";
// 2026-11-30 12:00 +08:00, the seed campaign's `today`.
inline constexpr int64_t kNodeNowUs = 1'796'011'200'000'000;

// Every method of CommandService and ClerkService, in declaration order.
const std::vector<const google::protobuf::MethodDescriptor*>& NodeMethods();
// The method of that name; nullptr when neither service has it.
const google::protobuf::MethodDescriptor* FindNodeMethod(
    absl::string_view name);
// An empty message of `type` (a generated message).
std::unique_ptr<google::protobuf::Message> NewMessage(
    const google::protobuf::Descriptor* type);

class InProcessNode {
 public:
  // Opens (creates) node kFuzzNode's log in `dir`, without WAL sync.
  explicit InProcessNode(const std::string& dir);
  ~InProcessNode();
  InProcessNode(const InProcessNode&) = delete;
  InProcessNode& operator=(const InProcessNode&) = delete;

  storage::EventLog& log() { return *log_; }

  struct Answer {
    grpc::Status status;
    std::string response;  // the serialized response message when OK
  };
  Answer Call(const google::protobuf::MethodDescriptor& method,
              const google::protobuf::Message& request);

  // CommandStreamService on the in-process channel.
  v1::CommandStreamService::Stub& stream_stub() { return *stream_stub_; }

 private:
  std::unique_ptr<storage::EventLog> log_;
  std::unique_ptr<county::CommandServiceImpl> commands_;
  std::unique_ptr<county::CommandStreamServiceImpl> stream_;
  std::unique_ptr<county::ClerkServiceImpl> clerk_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::GenericStub> stub_;
  std::unique_ptr<v1::CommandStreamService::Stub> stream_stub_;
};

}  // namespace reporting::fuzz

#endif  // REPORTING_TESTS_FUZZ_IN_PROCESS_NODE_H_
