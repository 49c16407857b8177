#include "services/audit/audit_service.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "services/audit/replay_filter.h"
#include "services/audit/state_as_of.h"
#include "services/audit/verify.h"
#include "services/common/grpc_status.h"
#include "storage/status_macros.h"

namespace reporting::audit {
namespace {

using services::ToGrpcStatus;

absl::Status DoListLogs(const LogSource& source, v1::ListLogsResponse& out) {
  for (const std::string& id : source.Nodes()) {
    ASSIGN_OR_RETURN(LogRef log, source.Find(id));
    const storage::Head head = log.log->GetHead();
    v1::LogInfo* info = out.add_logs();
    info->set_node_id(log.node_id);
    info->set_head_sequence(head.sequence);
    info->set_head_hash(head.hash);
    info->set_diverged(log.diverged);
  }
  return absl::OkStatus();
}

absl::Status DoVerify(const LogSource& source, const v1::VerifyRequest& r,
                      v1::VerifyResponse& out) {
  ASSIGN_OR_RETURN(LogRef log, source.Find(r.node_id()));
  ASSIGN_OR_RETURN(ChainReport report, VerifyChain(log));
  out.set_node_id(log.node_id);
  out.set_ok(report.ok);
  out.set_events_checked(report.events_checked);
  out.set_head_sequence(report.head_sequence);
  out.set_head_hash(report.head_hash);
  if (!report.ok) {
    out.set_first_bad_sequence(report.first_bad_sequence);
    out.set_message(absl::StrCat("node ", log.node_id, " sequence ",
                                 report.first_bad_sequence, ": ",
                                 report.problem));
    return absl::OkStatus();
  }
  std::string receipts_note;
  if (log.replica) {
    ASSIGN_OR_RETURN(ReceiptReport receipts,
                     VerifyReceipts(log, report.head_sequence));
    out.set_receipts_checked(receipts.receipts_checked);
    if (!receipts.ok) {
      out.set_ok(false);
      out.set_first_bad_receipt(receipts.first_bad_receipt);
      out.set_message(absl::StrCat("node ", log.node_id, " receipt ",
                                   receipts.first_bad_receipt, ": ",
                                   receipts.problem));
      return absl::OkStatus();
    }
    receipts_note = absl::StrCat("; ", receipts.receipts_checked,
                                 " receipts, their chain holds");
  }
  out.set_message(absl::StrCat("node ", log.node_id, ": ",
                               report.events_checked,
                               " events, the chain holds up to sequence ",
                               report.head_sequence, receipts_note));
  return absl::OkStatus();
}

absl::Status DoChainHash(const LogSource& source, const v1::ChainHashRequest& r,
                         v1::ChainHashResponse& out) {
  ASSIGN_OR_RETURN(LogRef log, source.Find(r.node_id()));
  const storage::Head head = log.log->GetHead();
  out.set_node_id(log.node_id);
  out.set_head_sequence(head.sequence);
  out.set_head_hash(head.hash);
  if (r.sequence() == 0 || r.sequence() == head.sequence) {
    out.set_sequence(head.sequence);
    out.set_hash(head.hash);
    return absl::OkStatus();
  }
  if (r.sequence() > head.sequence) {
    return absl::OutOfRangeError(absl::StrCat(
        "audit: chain hash: sequence ", r.sequence(), " is past the head of ",
        "node ", log.node_id, "'s log (", head.sequence, ")"));
  }
  ASSIGN_OR_RETURN(storage::StoredEvent e, log.log->ReadOne(r.sequence()));
  out.set_sequence(e.sequence);
  out.set_hash(e.hash);
  return absl::OkStatus();
}

}  // namespace

AuditServiceImpl::AuditServiceImpl(const LogSource* source,
                                   AuditServiceOptions options)
    : source_(source),
      options_(std::move(options)),
      replays_(options_.replays_per_caller > 0 ? options_.replays_per_caller
                                               : ReplaysPerCallerFlag()) {}

grpc::Status AuditServiceImpl::ListLogs(grpc::ServerContext*,
                                        const v1::ListLogsRequest*,
                                        v1::ListLogsResponse* response) {
  return ToGrpcStatus(DoListLogs(*source_, *response));
}

grpc::Status AuditServiceImpl::Replay(
    grpc::ServerContext* context, const v1::ReplayRequest* request,
    grpc::ServerWriter<v1::ReplayBatch>* writer) {
  absl::StatusOr<ReplaySlots::Slot> slot =
      replays_.Acquire(CallerKey(*context));
  if (!slot.ok()) return ToGrpcStatus(slot.status());
  absl::StatusOr<ReplayFilter> filter = ReplayFilter::FromRequest(*request);
  if (!filter.ok()) return ToGrpcStatus(filter.status());
  absl::StatusOr<LogRef> log = source_->Find(request->node_id());
  if (!log.ok()) return ToGrpcStatus(log.status());
  if (absl::Status s = filter->CheckNode(log->node_id); !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (request->seal() && options_.signer == nullptr) {
    return ToGrpcStatus(absl::FailedPreconditionError(
        "audit: replay: this server has no signing key, so it cannot seal "
        "an export"));
  }
  return ToGrpcStatus(RunReplay(
      *log, *filter,
      [writer, context](const v1::ReplayBatch& batch) {
        return !context->IsCancelled() && writer->Write(batch);
      },
      options_.replay, request->seal() ? options_.signer : nullptr));
}

grpc::Status AuditServiceImpl::Keys(grpc::ServerContext*,
                                    const v1::KeysRequest*,
                                    v1::KeysResponse* response) {
  if (options_.signer == nullptr) {
    return ToGrpcStatus(absl::FailedPreconditionError(
        "audit: keys: this server has no signing key"));
  }
  response->set_signer(options_.signer->keys().signer());
  *response->mutable_keys() = options_.signer->keys().history();
  for (v1::NodeKeys& n : options_.signer->AllNodeKeys()) {
    *response->add_nodes() = std::move(n);
  }
  return grpc::Status::OK;
}

grpc::Status AuditServiceImpl::StateAsOf(grpc::ServerContext*,
                                         const v1::StateAsOfRequest* request,
                                         v1::StateAsOfResponse* response) {
  absl::StatusOr<v1::StateAsOfResponse> r =
      audit::StateAsOf(*source_, *request);
  if (!r.ok()) return ToGrpcStatus(r.status());
  *response = std::move(*r);
  return grpc::Status::OK;
}

grpc::Status AuditServiceImpl::Verify(grpc::ServerContext*,
                                      const v1::VerifyRequest* request,
                                      v1::VerifyResponse* response) {
  return ToGrpcStatus(DoVerify(*source_, *request, *response));
}

grpc::Status AuditServiceImpl::ChainHash(grpc::ServerContext*,
                                         const v1::ChainHashRequest* request,
                                         v1::ChainHashResponse* response) {
  return ToGrpcStatus(DoChainHash(*source_, *request, *response));
}

}  // namespace reporting::audit
