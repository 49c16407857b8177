// `reportctl audit verify`: recompute hash chains on the server, or compare
// a county's log with the city's copy by chain hashes (audit_bisect.h).
#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "services/common/grpc_status.h"
#include "services/reportctl/audit_bisect.h"
#include "services/reportctl/audit_commands.h"
#include "services/reportctl/cli/connect.h"
#include "services/reportctl/cli/table.h"

namespace reporting::reportctl {
namespace {

constexpr char kUsage[] =
    "usage: reportctl audit verify --target HOST:PORT (--node ID | --all)\n"
    "                              [--json | --csv]\n"
    "       reportctl audit verify --county HOST:PORT --city HOST:PORT\n"
    "                              --node ID [--json]\n"
    "\n"
    "The first form recomputes each log's whole hash chain on the server\n"
    "(--all: every log it holds) and prints, per node, ok or the first bad\n"
    "sequence. The second compares the county's log with the city's copy by\n"
    "chain hashes only (bisection): \"consistent up to N\" or \"diverges at\n"
    "N\". Exit code 1 when a chain is bad or the copies diverge.\n";

struct Head {
  uint64_t sequence = 0;
  std::string hash;
};

absl::StatusOr<Head> ChainHead(v1::AuditService::Stub& stub,
                               const std::string& node,
                               const std::string& where) {
  v1::ChainHashRequest request;
  request.set_node_id(node);
  v1::ChainHashResponse response;
  grpc::ClientContext ctx;
  grpc::Status s = stub.ChainHash(&ctx, request, &response);
  if (!s.ok()) return services::FromGrpcStatus(s, where);
  return Head{response.head_sequence(), response.head_hash()};
}

HashAt Lookup(v1::AuditService::Stub& stub, const std::string& node,
              const std::string& where) {
  return
      [&stub, node, where](uint64_t sequence) -> absl::StatusOr<std::string> {
        v1::ChainHashRequest request;
        request.set_node_id(node);
        request.set_sequence(sequence);
        v1::ChainHashResponse response;
        grpc::ClientContext ctx;
        grpc::Status s = stub.ChainHash(&ctx, request, &response);
        if (!s.ok()) return services::FromGrpcStatus(s, where);
        return response.hash();
      };
}

int CompareCountyWithCity(const Args& args) {
  auto node = args.Require("node");
  if (!node.ok())
    return AuditUsageError("--node is required with --county and --city",
                           kUsage);
  auto county_channel = Connect(args, args.Get("county"));
  auto city_channel = Connect(args, args.Get("city"));
  if (!county_channel.ok())
    return AuditUsageError(std::string(county_channel.status().message()),
                           kUsage);
  if (!city_channel.ok())
    return AuditUsageError(std::string(city_channel.status().message()),
                           kUsage);
  auto county = v1::AuditService::NewStub(*county_channel);
  auto city = v1::AuditService::NewStub(*city_channel);
  const std::string county_where = absl::StrCat("county ", args.Get("county"));
  const std::string city_where = absl::StrCat("city ", args.Get("city"));
  auto county_head = ChainHead(*county, *node, county_where);
  if (!county_head.ok()) return Failed("audit verify", county_head.status());
  auto city_head = ChainHead(*city, *node, city_where);
  if (!city_head.ok()) return Failed("audit verify", city_head.status());
  auto result =
      CompareChains(county_head->sequence, Lookup(*county, *node, county_where),
                    city_head->sequence, Lookup(*city, *node, city_where));
  if (!result.ok()) return Failed("audit verify", result.status());
  const bool diverged = result->diverges_at != 0;
  if (args.GetBool("json")) {
    std::cout << "{\"node_id\": " << JsonQuote(*node)
              << ", \"consistent\": " << (diverged ? "false" : "true")
              << ", \"consistent_up_to\": " << result->consistent_up_to
              << ", \"diverges_at\": " << result->diverges_at
              << ", \"county_head\": " << county_head->sequence
              << ", \"city_head\": " << city_head->sequence
              << ", \"lookups\": " << result->lookups << "}\n";
  } else if (diverged) {
    std::cout << "node " << *node << ": diverges at " << result->diverges_at
              << " (consistent up to " << result->consistent_up_to
              << "; county head " << county_head->sequence << ", city head "
              << city_head->sequence << ")\n";
  } else {
    std::cout << "node " << *node << ": consistent up to "
              << result->consistent_up_to << " (county head "
              << county_head->sequence << ", city head " << city_head->sequence
              << ")\n";
  }
  return diverged ? 1 : 0;
}

int VerifyOnServer(const Args& args) {
  auto target = args.Require("target");
  if (!target.ok())
    return AuditUsageError(std::string(target.status().message()), kUsage);
  if (args.Has("node") == args.GetBool("all")) {
    return AuditUsageError("give exactly one of --node and --all", kUsage);
  }
  auto channel = Connect(args, *target);
  if (!channel.ok())
    return AuditUsageError(std::string(channel.status().message()), kUsage);
  auto stub = v1::AuditService::NewStub(*channel);
  std::vector<std::string> nodes;
  if (args.GetBool("all")) {
    v1::ListLogsResponse logs;
    grpc::ClientContext ctx;
    grpc::Status s = stub->ListLogs(&ctx, v1::ListLogsRequest(), &logs);
    if (!s.ok()) return CallFailed("audit verify: list logs", s);
    for (const auto& log : logs.logs()) nodes.push_back(log.node_id());
  } else {
    nodes.push_back(args.Get("node"));
  }
  Table table;
  table.columns = {"node",          "ok",        "events_checked",
                   "head_sequence", "head_hash", "first_bad_sequence",
                   "message"};
  table.numeric = {false, false, true, true, false, true, false};
  bool all_ok = true;
  ProgressBar progress("verify", nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    v1::VerifyRequest request;
    request.set_node_id(nodes[i]);
    v1::VerifyResponse r;
    grpc::ClientContext ctx;
    grpc::Status s = stub->Verify(&ctx, request, &r);
    if (!s.ok()) {
      progress.Finish();
      return CallFailed(absl::StrCat("audit verify ", nodes[i]), s);
    }
    all_ok = all_ok && r.ok();
    table.rows.push_back(
        {nodes[i], r.ok() ? "ok" : "BAD", absl::StrCat(r.events_checked()),
         absl::StrCat(r.head_sequence()), absl::BytesToHexString(r.head_hash()),
         r.ok() ? "" : absl::StrCat(r.first_bad_sequence()), r.message()});
    progress.Update(i + 1);
  }
  progress.Finish();
  PrintTable(table, FormatFrom(args), std::cout);
  return all_ok ? 0 : 1;
}

}  // namespace

int RunAuditVerify(const Words& words) {
  int exit_code = 0;
  auto args = ParseAuditArgs(words, {"target", "node", "county", "city"},
                             {"all", "json", "csv"}, kUsage, &exit_code);
  if (!args) return exit_code;
  if (args->Has("county") || args->Has("city")) {
    if (!args->Has("county") || !args->Has("city") || args->Has("target") ||
        args->GetBool("all")) {
      return AuditUsageError(
          "--county and --city go together, with --node and without "
          "--target or --all",
          kUsage);
    }
    return CompareCountyWithCity(*args);
  }
  return VerifyOnServer(*args);
}

}  // namespace reporting::reportctl
