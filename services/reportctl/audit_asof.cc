// `reportctl audit asof`: the figures as of a sequence or a time, computed
// by the server replaying the log into a fresh projector.
#include <iostream>
#include <map>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "services/reportctl/audit_commands.h"
#include "services/reportctl/audit_figures.h"
#include "services/reportctl/audit_flags.h"
#include "services/reportctl/cli/connect.h"
#include "services/reportctl/cli/table.h"

namespace reporting::reportctl {
namespace {

constexpr char kUsage[] =
    "usage: reportctl audit asof --target HOST:PORT [--node ID] [--unit U]\n"
    "         (--sequence N | --at TIME) [--axis recorded|received]\n"
    "         [--today YYYY-MM-DD] [--json | --csv]\n"
    "\n"
    "The figures as they were: every event up to sequence N of --node, or\n"
    "every event with time <= TIME on the axis (recorded: as it happened at\n"
    "the county; received: as the city knew it, city only). TIME is\n"
    "2024-07-01T08:00:00Z, microseconds, or a date meaning the end of that\n"
    "day (UTC). Without --node at the city: every node and the city total.\n"
    "--unit adds that unit's row (needs --node).\n";

// One table: a row per figure, a column per scope (the scope itself, then
// each node at city scope).
Table FiguresTable(const v1::StateAsOfResponse& r, const std::string& scope) {
  std::vector<std::string> columns = {"figure", scope};
  std::vector<FigureRows> per_column(1);
  per_column[0].emplace_back("events_applied",
                             absl::StrCat(r.events_applied()));
  for (const auto& [node, seq] : std::map<std::string, uint64_t>(
           r.applied_to().begin(), r.applied_to().end())) {
    per_column[0].emplace_back(absl::StrCat("applied_to[", node, "]"),
                               absl::StrCat(seq));
  }
  per_column[0].emplace_back("today", r.today());
  FlattenFigures(r.figures(), "", &per_column[0]);
  if (r.unit_found()) FlattenFigures(r.unit(), "unit.", &per_column[0]);
  for (const auto& node : r.nodes()) {
    columns.push_back(node.node_id());
    per_column.emplace_back();
    FlattenFigures(node, "", &per_column.back());
  }
  // Rows in the order of first appearance; a scope without a figure shows
  // an empty cell.
  std::vector<std::string> names;
  std::map<std::string, std::vector<std::string>> cells;
  for (size_t c = 0; c < per_column.size(); ++c) {
    for (const auto& [name, value] : per_column[c]) {
      auto [it, inserted] =
          cells.emplace(name, std::vector<std::string>(per_column.size()));
      if (inserted) names.push_back(name);
      it->second[c] = value;
    }
  }
  Table t;
  t.columns = columns;
  t.numeric.assign(columns.size(), true);
  t.numeric[0] = false;
  for (const auto& name : names) {
    std::vector<std::string> row = {name};
    row.insert(row.end(), cells[name].begin(), cells[name].end());
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace

int RunAuditAsOf(const Words& words) {
  int exit_code = 0;
  auto args = ParseAuditArgs(
      words, {"target", "node", "unit", "sequence", "at", "axis", "today"},
      {"json", "csv"}, kUsage, &exit_code);
  if (!args) return exit_code;
  auto target = args->Require("target");
  if (!target.ok())
    return AuditUsageError(std::string(target.status().message()), kUsage);
  if (args->Has("sequence") == args->Has("at")) {
    return AuditUsageError("give exactly one of --sequence and --at", kUsage);
  }
  v1::StateAsOfRequest request;
  request.set_node_id(args->Get("node"));
  request.set_unit_id(args->Get("unit"));
  request.set_today(args->Get("today"));
  if (args->Has("sequence")) {
    auto seq = args->GetInt("sequence", 0);
    if (!seq.ok() || *seq <= 0) {
      return AuditUsageError("--sequence must be a sequence >= 1", kUsage);
    }
    request.set_as_of_sequence(static_cast<uint64_t>(*seq));
  } else {
    auto at = ParseTimeFlag("at", args->Get("at"), /*end_of_day=*/true);
    if (!at.ok())
      return AuditUsageError(std::string(at.status().message()), kUsage);
    request.set_as_of_us(*at);
  }
  // The axis applies to a time cut only.
  if (args->Has("axis")) {
    const std::string axis = args->Get("axis");
    if (request.as_of_us() == 0) {
      return AuditUsageError("--axis goes with --at, not --sequence", kUsage);
    }
    if (axis == "recorded") {
      request.set_axis(v1::TIME_AXIS_RECORDED);
    } else if (axis == "received") {
      request.set_axis(v1::TIME_AXIS_RECEIVED);
    } else {
      return AuditUsageError("--axis is recorded or received", kUsage);
    }
  }
  auto channel = Connect(*args, *target);
  if (!channel.ok())
    return AuditUsageError(std::string(channel.status().message()), kUsage);
  auto stub = v1::AuditService::NewStub(*channel);
  v1::StateAsOfResponse response;
  grpc::ClientContext ctx;
  grpc::Status status = stub->StateAsOf(&ctx, request, &response);
  if (!status.ok()) return CallFailed("audit asof", status);
  if (!request.unit_id().empty() && !response.unit_found()) {
    std::cerr << "reportctl: audit asof: unit " << request.unit_id()
              << " did not exist at the cut\n";
  }
  const std::string scope =
      request.node_id().empty() ? "city" : request.node_id();
  PrintTable(FiguresTable(response, scope), FormatFrom(*args), std::cout);
  return 0;
}

}  // namespace reporting::reportctl
