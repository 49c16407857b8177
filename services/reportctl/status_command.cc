// reportctl status: a county node's replication state and lag, from
// ClerkService.GetReplicationStatus (proto/reporting/v1/clerk.proto).
//
//   reportctl status --county HOST:PORT [--json | --csv]
//                    (--insecure | --tls_cert F --tls_key F --tls_ca F)
#include <iostream>
#include <optional>
#include <set>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "reporting/v1/clerk.grpc.pb.h"
#include "services/reportctl/cli/args.h"
#include "services/reportctl/cli/connect.h"
#include "services/reportctl/cli/table.h"
#include "services/reportctl/commands.h"
#include "services/reportctl/office_args.h"

namespace reporting::reportctl {
namespace {

constexpr char kUsage[] =
    "usage: reportctl status --county HOST:PORT [--json | --csv]\n"
    "         (--insecure | --tls_cert F --tls_key F --tls_ca F)\n"
    "The county node's log head, how far the city's copy is behind, and\n"
    "whether it takes new commands (disk: ok, or disk_full).\n";

std::string Time(int64_t us) {
  if (us == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixMicros(us),
                          absl::LocalTimeZone());
}

}  // namespace

int RunStatus(const Words& words) {
  int exit_code = 0;
  std::optional<Args> args = ParseCommandArgs(
      "status", words, {"county"}, {"json", "csv"}, kUsage, &exit_code);
  if (!args) return exit_code;
  absl::StatusOr<std::string> county = args->Require("county");
  if (!county.ok()) {
    std::cerr << "reportctl status: " << county.status().message() << "\n"
              << kUsage;
    return 2;
  }
  auto channel = Connect(*args, *county);
  if (!channel.ok()) return Failed("status", channel.status());
  auto stub = v1::ClerkService::NewStub(*channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  v1::ReplicationStatusView view;
  grpc::Status s = stub->GetReplicationStatus(
      &ctx, v1::GetReplicationStatusRequest(), &view);
  if (!s.ok()) return CallFailed("status", s);

  Table table;
  table.columns = {
      "node",           "head_sequence", "head_recorded_at", "city",   "state",
      "acked_sequence", "lag_events",    "lag_seconds",      "detail", "disk"};
  table.numeric = {false, true, false, false, false,
                   true,  true, true,  false, false};
  const bool on = view.configured();
  // "disk_full" while new commands are refused for lack of space (the
  // refusal in detail), "writes_refused" for another failed write.
  std::string disk = "ok";
  std::string detail = on ? view.detail()
                          : "no --city: this node does not "
                            "replicate";
  if (!view.write_refusal().empty()) {
    disk = view.disk_full() ? "disk_full" : "writes_refused";
    detail = view.write_refusal() + (detail.empty() ? "" : "; " + detail);
  }
  table.rows.push_back({view.node_id(), std::to_string(view.head_sequence()),
                        Time(view.head_recorded_at_us()), on ? view.city() : "",
                        on ? view.state() : "NOT_CONFIGURED",
                        on ? std::to_string(view.acked_sequence()) : "",
                        on ? std::to_string(view.lag_events()) : "",
                        on ? absl::StrFormat("%.1f", view.lag_seconds()) : "",
                        detail, disk});
  PrintTable(table, FormatFrom(*args), std::cout);
  return 0;
}

}  // namespace reporting::reportctl
