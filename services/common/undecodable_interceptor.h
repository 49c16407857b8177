// Requests whose bytes gRPC cannot decode as the method's request message
// are a client's error (ARCHITECTURE.md decision 8): answered
// INVALID_ARGUMENT with a message naming the method, logged (warn) and
// counted in
//   reporting_grpc_server_undecodable_total{method}
// instead of gRPC's own answers (INTERNAL for a synchronous handler,
// UNIMPLEMENTED for a callback one, both without a message).
//
// Unary and server-streaming methods: the interceptor notices the missing
// request and rewrites the status. Streaming handlers read with
// stream_read.h's ReadRequest and answer UndecodableStatus, which the
// interceptor counts and logs the same way. Node::Serve installs it (before
// the metrics interceptor, which then counts the rewritten code).
//
// Thread safety: the factory is shared by every call.
#ifndef REPORTING_SERVICES_COMMON_UNDECODABLE_INTERCEPTOR_H_
#define REPORTING_SERVICES_COMMON_UNDECODABLE_INTERCEPTOR_H_

#include <memory>

#include "grpcpp/support/server_interceptor.h"
#include "prometheus/registry.h"

namespace reporting::services {

// Creates the counter family in `registry` (which must outlive the factory).
std::shared_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewUndecodableInterceptorFactory(prometheus::Registry& registry);

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_UNDECODABLE_INTERCEPTOR_H_
