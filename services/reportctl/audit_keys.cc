// `reportctl audit keys`: the public keys a server signs with (its key
// history, oldest first) and the nodes' keys it holds (a county: its own;
// the city: each node's pinned history and newest signed head). An auditor
// compares them with keys published by the signer, and gives them to the
// verifiers (--trusted_key).
#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "services/reportctl/audit_commands.h"
#include "services/reportctl/cli/connect.h"
#include "services/reportctl/cli/table.h"

namespace reporting::reportctl {
namespace {

constexpr char kUsage[] =
    "usage: reportctl audit keys --target HOST:PORT [--json | --csv]\n"
    "\n"
    "One row per key: the signer (the server itself, or a node whose keys it\n"
    "holds), the key's number, its Ed25519 public key (hex), when it was\n"
    "made, which key endorsed it, and for a node the newest head it signed\n"
    "that this server holds (sequence and time).\n";

std::string Micros(int64_t us) { return us == 0 ? "" : absl::StrCat(us); }

void AddKeys(const v1::KeyHistory& history, const std::string& role,
             const v1::SignedHead* head, Table& table) {
  for (const v1::KeyRecord& k : history.keys()) {
    const bool newest =
        k.number() == static_cast<uint32_t>(history.keys_size());
    table.rows.push_back(
        {k.signer(), role, absl::StrCat(k.number()),
         absl::BytesToHexString(k.public_key()), Micros(k.created_at_us()),
         k.number() == 1 ? "itself" : absl::StrCat("key ", k.number() - 1),
         newest && head != nullptr ? absl::StrCat(head->sequence()) : "",
         newest && head != nullptr ? Micros(head->signed_at_us()) : ""});
  }
}

}  // namespace

int RunAuditKeys(const Words& words) {
  int exit_code = 0;
  auto args =
      ParseAuditArgs(words, {"target"}, {"json", "csv"}, kUsage, &exit_code);
  if (!args) return exit_code;
  if (auto v = args->Require("target"); !v.ok()) {
    return AuditUsageError(std::string(v.status().message()), kUsage);
  }
  auto channel = Connect(*args, args->Get("target"));
  if (!channel.ok())
    return AuditUsageError(std::string(channel.status().message()), kUsage);
  auto stub = v1::AuditService::NewStub(*channel);
  v1::KeysResponse response;
  grpc::ClientContext ctx;
  grpc::Status status = stub->Keys(&ctx, v1::KeysRequest(), &response);
  if (!status.ok()) return CallFailed("audit keys", status);

  Table table;
  table.columns = {
      "signer",        "role",        "key",           "public_key",
      "created_at_us", "endorsed_by", "head_sequence", "head_signed_at_us"};
  table.numeric = {false, false, true, false, true, false, true, true};
  const v1::SignedHead* own_head = nullptr;
  for (const v1::NodeKeys& n : response.nodes()) {
    if (n.node_id() == response.signer() && n.has_latest_head()) {
      own_head = &n.latest_head();
    }
  }
  AddKeys(response.keys(), "server", own_head, table);
  for (const v1::NodeKeys& n : response.nodes()) {
    if (n.node_id() == response.signer()) continue;  // a county: itself
    if (n.keys().keys_size() == 0) {
      table.rows.push_back(
          {n.node_id(), "node", "", "(no keys pinned)", "", "", "", ""});
      continue;
    }
    AddKeys(n.keys(), "node", n.has_latest_head() ? &n.latest_head() : nullptr,
            table);
  }
  PrintTable(table, FormatFrom(*args), std::cout);
  return 0;
}

}  // namespace reporting::reportctl
