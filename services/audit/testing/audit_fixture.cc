#include "services/audit/testing/audit_fixture.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "services/common/grpc_status.h"
#include "services/common/server.h"
#include "storage/status_macros.h"

namespace reporting::audit::testing {

absl::Status FillLog(storage::EventLog& log, projector::HistoryGenerator& gen,
                     uint64_t n, size_t per_append) {
  static const char* kActors[] = {"clerk:a", "clerk:b", "clerk:c"};
  storage::AppendRequest req;
  for (uint64_t i = 0; i < n; ++i) {
    v1::EventEnvelope e = gen.Next();
    if (req.events.empty()) req.recorded_at_us = e.recorded_at_us();
    req.events.push_back({e.stream_id(), e.event_type(), e.payload()});
    if (req.events.size() == per_append || i + 1 == n) {
      req.actor = kActors[gen.sequence() % 3];
      req.command_id =
          absl::StrCat("fill-", gen.node_id(), "-", gen.sequence());
      RETURN_IF_ERROR(log.Append(req).status());
      req.events.clear();
    }
  }
  return absl::OkStatus();
}

std::vector<storage::StoredEvent> ReadAll(const storage::EventLog& log) {
  std::vector<storage::StoredEvent> all;
  uint64_t next = 1;
  for (;;) {
    absl::StatusOr<std::vector<storage::StoredEvent>> chunk = log.Read(next);
    if (!chunk.ok() || chunk->empty()) break;
    next = chunk->back().sequence + 1;
    for (storage::StoredEvent& e : *chunk) all.push_back(std::move(e));
  }
  return all;
}

absl::Status CopyToReplica(const storage::EventLog& from, storage::EventLog& to,
                           uint64_t first, uint64_t last,
                           int64_t received_at_us) {
  uint64_t next = first;
  while (next <= last) {
    storage::ReadLimits limits;
    limits.max_events =
        static_cast<size_t>(std::min<uint64_t>(1000, last - next + 1));
    ASSIGN_OR_RETURN(std::vector<storage::StoredEvent> chunk,
                     from.Read(next, limits));
    if (chunk.empty()) {
      return absl::OutOfRangeError(absl::StrCat("no event ", next));
    }
    RETURN_IF_ERROR(to.AppendReplicated(chunk, received_at_us).status());
    next = chunk.back().sequence + 1;
  }
  return absl::OkStatus();
}

AuditServer::AuditServer(const LogSource* source, AuditServiceOptions options)
    : service_(source, std::move(options)) {
  services::ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.services = {&service_};
  absl::StatusOr<services::StartedServer> started = services::StartServer(o);
  if (!started.ok()) std::abort();
  server_ = std::move(started->server);
  stub_ = v1::AuditService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", started->port),
                          grpc::InsecureChannelCredentials()));
}

AuditServer::~AuditServer() {
  server_->Shutdown();
  server_->Wait();
}

absl::StatusOr<std::vector<v1::ReplayBatch>> AuditServer::Replay(
    const v1::ReplayRequest& request) {
  grpc::ClientContext ctx;
  std::unique_ptr<grpc::ClientReader<v1::ReplayBatch>> reader =
      stub_->Replay(&ctx, request);
  std::vector<v1::ReplayBatch> out;
  v1::ReplayBatch batch;
  while (reader->Read(&batch)) out.push_back(batch);
  RETURN_IF_ERROR(services::FromGrpcStatus(reader->Finish()));
  return out;
}

}  // namespace reporting::audit::testing
