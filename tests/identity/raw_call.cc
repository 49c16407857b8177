#include "tests/identity/raw_call.h"

#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"

namespace reporting::identity_test {
namespace {

// Waits for the one outstanding operation; its ok flag.
bool Await(grpc::CompletionQueue& cq) {
  void* tag = nullptr;
  bool ok = false;
  if (!cq.Next(&tag, &ok)) return false;
  return ok;
}

}  // namespace

RawResult RawCall(const std::shared_ptr<grpc::Channel>& channel,
                  const std::string& method,
                  const std::vector<std::string>& frames,
                  std::chrono::milliseconds deadline) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  grpc::CompletionQueue cq;
  RawResult result;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, method, &cq);
  void* const tag = reinterpret_cast<void*>(1);
  call->StartCall(tag);
  bool open = Await(cq);
  for (const std::string& frame : frames) {
    if (!open) break;
    grpc::Slice slice(frame);
    grpc::ByteBuffer buffer(&slice, 1);
    call->Write(buffer, tag);
    open = Await(cq);
  }
  if (open) {
    call->WritesDone(tag);
    Await(cq);
    for (;;) {
      grpc::ByteBuffer response;
      call->Read(&response, tag);
      if (!Await(cq)) break;
      ++result.responses;
    }
  }
  call->Finish(&result.status, tag);
  Await(cq);
  cq.Shutdown();
  void* ignored_tag;
  bool ignored_ok;
  while (cq.Next(&ignored_tag, &ignored_ok)) {
  }
  return result;
}

}  // namespace reporting::identity_test
