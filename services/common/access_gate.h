// The one place where roles are enforced (roles.h's table), in both
// binaries: an AuthMetadataProcessor that gRPC runs on every call of a TLS
// server before any handler sees the call. Node::Serve installs it.
//
// A refusal ends the call with UNAUTHENTICATED or PERMISSION_DENIED and a
// message naming the method, the role(s) it needs and the caller's CN and
// OU; it is logged (warn) and counted in
//   reporting_grpc_server_denied_total{service, code}
// (the call never reaches a handler, so the per-method RPC counters of
// metrics_interceptor.h do not see it).
//
// On a plaintext server (--insecure) there are no identities and no gate.
//
// Thread safety: Process runs on gRPC's threads concurrently; the table is
// immutable and prometheus-cpp's counters are thread-safe.
#ifndef REPORTING_SERVICES_COMMON_ACCESS_GATE_H_
#define REPORTING_SERVICES_COMMON_ACCESS_GATE_H_

#include <string>

#include "grpcpp/security/auth_metadata_processor.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"

namespace reporting::services {

class AccessGate final : public grpc::AuthMetadataProcessor {
 public:
  // own_node_id: the serving county node's id ("" at the city); the
  // registry must outlive the gate.
  AccessGate(std::string own_node_id, prometheus::Registry& registry);

  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& auth_metadata,
                       grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

 private:
  const std::string own_node_id_;
  prometheus::Family<prometheus::Counter>& denied_;
};

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_ACCESS_GATE_H_
