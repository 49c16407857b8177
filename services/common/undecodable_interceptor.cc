#include "services/common/undecodable_interceptor.h"

#include "absl/strings/str_cat.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "services/common/stream_read.h"
#include "spdlog/spdlog.h"

namespace reporting::services {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

class UndecodableInterceptor : public grpc::experimental::Interceptor {
 public:
  UndecodableInterceptor(prometheus::Family<prometheus::Counter>& counter,
                         ServerRpcInfo* info)
      : counter_(counter), info_(info) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* m) override {
    // A unary or server-streaming call has exactly one request; no message
    // after the receive means its bytes did not decode.
    if (m->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        m->GetRecvMessage() == nullptr &&
        (info_->type() == ServerRpcInfo::Type::UNARY ||
         info_->type() == ServerRpcInfo::Type::SERVER_STREAMING)) {
      undecodable_ = true;
    }
    if (m->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      auto* trailers = m->GetSendTrailingMetadata();
      const bool marked =
          trailers != nullptr && trailers->count(kUndecodableTrailer) > 0;
      if (marked) trailers->erase(kUndecodableTrailer);
      if (undecodable_ || marked) {
        counter_.Add({{"method", info_->method()}}).Increment();
        grpc::Status status = m->GetSendStatus();
        if (undecodable_) {
          status = grpc::Status(
              grpc::StatusCode::INVALID_ARGUMENT,
              absl::StrCat(info_->method(),
                           ": the request's bytes are not this method's "
                           "request message (gRPC could not decode them); "
                           "nothing was done"));
          m->ModifySendStatus(status);
        }
        spdlog::warn("undecodable request from {}: {}",
                     info_->server_context()->peer(), status.error_message());
      }
    }
    m->Proceed();
  }

 private:
  prometheus::Family<prometheus::Counter>& counter_;
  ServerRpcInfo* const info_;
  bool undecodable_ = false;
};

class Factory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit Factory(prometheus::Registry& registry)
      : counter_(prometheus::BuildCounter()
                     .Name("reporting_grpc_server_undecodable_total")
                     .Help("Requests whose bytes could not be decoded as the "
                           "method's request message (client errors, "
                           "answered INVALID_ARGUMENT), by method")
                     .Register(registry)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      ServerRpcInfo* info) override {
    return new UndecodableInterceptor(counter_, info);
  }

 private:
  prometheus::Family<prometheus::Counter>& counter_;
};

}  // namespace

std::shared_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewUndecodableInterceptorFactory(prometheus::Registry& registry) {
  return std::make_shared<Factory>(registry);
}

}  // namespace reporting::services
