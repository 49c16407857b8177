#include "tests/fuzz/in_process_node.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/byte_buffer.h"
#include "reporting/v1/clerk.grpc.pb.h"
#include "reporting/v1/command.grpc.pb.h"
#include "tests/fuzz/fuzz_check.h"

namespace reporting::fuzz {

using google::protobuf::MethodDescriptor;

const std::vector<const MethodDescriptor*>& NodeMethods() {
  static const auto* methods = [] {
    auto* out = new std::vector<const MethodDescriptor*>();
    for (const char* name :
         {"reporting.v1.CommandService", "reporting.v1.ClerkService"}) {
      const google::protobuf::ServiceDescriptor* s =
          google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
              name);
      FUZZ_CHECK(s != nullptr, name);
      for (int i = 0; i < s->method_count(); ++i) out->push_back(s->method(i));
    }
    return out;
  }();
  return *methods;
}

const MethodDescriptor* FindNodeMethod(absl::string_view name) {
  for (const MethodDescriptor* m : NodeMethods()) {
    if (m->name() == name) return m;
  }
  return nullptr;
}

std::unique_ptr<google::protobuf::Message> NewMessage(
    const google::protobuf::Descriptor* type) {
  return std::unique_ptr<google::protobuf::Message>(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(type)
          ->New());
}

InProcessNode::InProcessNode(const std::string& dir) {
  storage::EventLogOptions options;
  options.node_id = kFuzzNode;
  options.sync = false;
  options.now_us = [] { return kNodeNowUs; };
  auto log = storage::EventLog::Open(dir, options);
  FUZZ_CHECK(log.ok(), log.status().ToString());
  log_ = std::move(*log);
  county::NodeEnv env{kFuzzNode, log_.get(), [] { return kNodeNowUs; }};
  commands_ = std::make_unique<county::CommandServiceImpl>(env);
  stream_ = std::make_unique<county::CommandStreamServiceImpl>(env);
  clerk_ = std::make_unique<county::ClerkServiceImpl>(env);
  grpc::ServerBuilder builder;
  builder.RegisterService(commands_.get());
  builder.RegisterService(stream_.get());
  builder.RegisterService(clerk_.get());
  server_ = builder.BuildAndStart();
  FUZZ_CHECK(server_ != nullptr, "in-process server");
  std::shared_ptr<grpc::Channel> channel =
      server_->InProcessChannel(grpc::ChannelArguments());
  stub_ = std::make_unique<grpc::GenericStub>(channel);
  stream_stub_ = v1::CommandStreamService::NewStub(channel);
}

InProcessNode::~InProcessNode() {
  server_->Shutdown(std::chrono::system_clock::now());
  server_->Wait();
  const absl::Status s = log_->Close();
  FUZZ_CHECK(s.ok(), s.ToString());
}

InProcessNode::Answer InProcessNode::Call(
    const MethodDescriptor& method, const google::protobuf::Message& request) {
  const std::string bytes = request.SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer in(&slice, 1), out;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  absl::Notification done;
  Answer answer;
  stub_->UnaryCall(
      &context,
      absl::StrCat("/", method.service()->full_name(), "/", method.name()),
      grpc::StubOptions(), &in, &out, [&](grpc::Status s) {
        answer.status = std::move(s);
        done.Notify();
      });
  done.WaitForNotification();
  if (answer.status.ok()) {
    std::vector<grpc::Slice> slices;
    FUZZ_CHECK(out.Dump(&slices).ok(), "response bytes");
    for (const grpc::Slice& s : slices) {
      answer.response.append(reinterpret_cast<const char*>(s.begin()),
                             s.size());
    }
  }
  return answer;
}

}  // namespace reporting::fuzz
