#include "services/common/metrics_interceptor.h"

#include <chrono>
#include <string>

#include "absl/strings/match.h"
#include "prometheus/histogram.h"
#include "services/common/grpc_status.h"

namespace reporting::services {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kCommandPrefix[] = "/reporting.v1.CommandService/";

struct Families {
  prometheus::Family<prometheus::Counter>& handled;
  prometheus::Family<prometheus::Counter>& errors;
  prometheus::Family<prometheus::Histogram>& seconds;
  prometheus::Family<prometheus::Counter>& commands;
};

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(const Families& families, std::string method)
      : families_(families), method_(std::move(method)), start_(Clock::now()) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      Record(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Record(grpc::StatusCode code) {
    const std::string name = StatusCodeName(code);
    const double seconds =
        std::chrono::duration<double>(Clock::now() - start_).count();
    families_.handled.Add({{"method", method_}, {"code", name}}).Increment();
    families_.seconds
        .Add({{"method", method_}},
             prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.002,
                                                     0.005, 0.01, 0.02, 0.05,
                                                     0.1, 0.2, 0.5, 1, 2, 5})
        .Observe(seconds);
    if (code != grpc::StatusCode::OK) {
      families_.errors.Add({{"code", name}}).Increment();
    }
    if (absl::StartsWith(method_, kCommandPrefix)) {
      families_.commands
          .Add({{"command", method_.substr(sizeof(kCommandPrefix) - 1)},
                {"result", name}})
          .Increment();
    }
  }

  const Families& families_;
  const std::string method_;
  const Clock::time_point start_;
};

class Factory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit Factory(prometheus::Registry& registry)
      : families_{
            prometheus::BuildCounter()
                .Name("reporting_grpc_server_handled_total")
                .Help("RPCs completed, by full method name and status code")
                .Register(registry),
            prometheus::BuildCounter()
                .Name("reporting_grpc_server_errors_total")
                .Help("RPCs completed with a status other than OK, by code")
                .Register(registry),
            prometheus::BuildHistogram()
                .Name("reporting_grpc_server_handling_seconds")
                .Help("Time from the call's arrival to its status, by method")
                .Register(registry),
            CommandsTotal(registry)} {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(families_, info->method());
  }

 private:
  const Families families_;
};

}  // namespace

prometheus::Family<prometheus::Counter>& CommandsTotal(
    prometheus::Registry& registry) {
  return prometheus::BuildCounter()
      .Name("reporting_commands_total")
      .Help(
          "County commands (CommandService RPCs and commands sent on "
          "CommandStreamService.Stream) by command and result (OK or the "
          "refusal's status code)")
      .Register(registry);
}

std::shared_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewMetricsInterceptorFactory(prometheus::Registry& registry) {
  return std::make_shared<Factory>(registry);
}

}  // namespace reporting::services
