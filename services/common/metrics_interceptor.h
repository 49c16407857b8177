// A gRPC server interceptor that counts every RPC by method and status code,
// times it, and counts the county's commands by type and result. Families
// (docs/OPERATIONS.md):
//   reporting_grpc_server_handled_total{method, code}   counter
//   reporting_grpc_server_errors_total{code}            counter, code != OK
//   reporting_grpc_server_handling_seconds{method}      histogram
//   reporting_commands_total{command, result}           counter; CommandService
//                                                       RPCs; result is "OK"
//                                                       or the code name
// method is the full gRPC name ("/reporting.v1.CommandService/RecordSurvey"),
// command the RPC name ("RecordSurvey"), code the upper-case gRPC code name
// ("FAILED_PRECONDITION").
//
// Install it with ServerOptions::interceptors (server.h). Commands sent on
// a command stream are counted in the same family by the stream itself
// (county/command_stream.h, through CommandsTotal).
//
// Thread safety: the factory is shared by every call; prometheus-cpp's
// metrics are thread-safe.
#ifndef REPORTING_SERVICES_COMMON_METRICS_INTERCEPTOR_H_
#define REPORTING_SERVICES_COMMON_METRICS_INTERCEPTOR_H_

#include <memory>
#include <string>

#include "grpcpp/support/server_interceptor.h"
#include "grpcpp/support/status.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"

namespace reporting::services {

// reporting_commands_total in `registry`: created by the first call, the
// same family after (prometheus-cpp merges a family registered again).
prometheus::Family<prometheus::Counter>& CommandsTotal(
    prometheus::Registry& registry);

// Creates the families in `registry` (which must outlive the factory).
std::shared_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewMetricsInterceptorFactory(prometheus::Registry& registry);

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_METRICS_INTERCEPTOR_H_
