// reportctl overview | units | rectification | census | freshness: the
// city office's tables, from the city aggregator's QueryService
// (proto/reporting/v1/query.proto). Aggregates only, as the API serves
// them; paged lists are followed to the end.
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "reporting/v1/query.grpc.pb.h"
#include "services/reportctl/cli/args.h"
#include "services/reportctl/cli/connect.h"
#include "services/reportctl/cli/table.h"
#include "services/reportctl/commands.h"
#include "services/reportctl/office_args.h"
#include "services/reportctl/office_enums.h"
#include "services/reportctl/office_overview.h"

namespace reporting::reportctl {
namespace {

constexpr char kUsage[] =
    "usage: reportctl overview      --city HOST:PORT [--today YYYY-MM-DD]\n"
    "       reportctl units         --city HOST:PORT [--node ID] [--batch B]\n"
    "                               [--stage S] [--step S] [--reason REASON]\n"
    "                               [--blocked | --waiting | --clear]\n"
    "       reportctl rectification --city HOST:PORT [--node ID] [--kind K]\n"
    "                               [--class C] [--overdue] [--today D]\n"
    "       reportctl census        --city HOST:PORT\n"
    "       reportctl freshness     --city HOST:PORT\n"
    "  every one: --json | --csv, and --insecure or --tls_cert/--tls_key/"
    "--tls_ca\n"
    "  values: batch first|second; stage study_mobilisation|"
    "analysis_evaluation|\n"
    "  rectification_improvement|completed (a unique prefix will do); step\n"
    "  self_inspection|survey|report|supervisory_review|approval|meeting;\n"
    "  reason e.g. evaluation_unsigned; --blocked: blocked by a rule (a clerk\n"
    "  must act), --waiting: waiting for another level; kind "
    "members_and_organisations|conduct|\n"
    "  reform_development_stability|public_vital_interests; class immediate|\n"
    "  with_effort|hard_for_now.\n";

using Stub = v1::QueryService::Stub;
constexpr int kPageSize = 1000;

std::string N(uint64_t n) { return std::to_string(n); }

std::unique_ptr<grpc::ClientContext> Context() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  return ctx;
}

std::string Time(int64_t us) {
  if (us == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixMicros(us),
                          absl::LocalTimeZone());
}

// Node id -> name, from the overview (the other answers carry ids only).
std::map<std::string, std::string> NodeNames(Stub& stub) {
  std::map<std::string, std::string> names;
  v1::CityOverview overview;
  auto ctx = Context();
  if (stub.GetCityOverview(ctx.get(), v1::GetCityOverviewRequest(), &overview)
          .ok()) {
    for (const auto& n : overview.nodes()) names[n.node_id()] = n.name();
  }
  return names;
}

int Overview(Stub& stub, const Args& args, Table& table) {
  v1::GetCityOverviewRequest request;
  request.set_today(args.Get("today"));
  v1::CityOverview overview;
  auto ctx = Context();
  grpc::Status s = stub.GetCityOverview(ctx.get(), request, &overview);
  if (!s.ok()) return CallFailed("overview", s);
  table = CityOverviewTable(overview);
  return 0;
}

absl::Status EnumFlag(const Args& args, const std::string& flag,
                      const google::protobuf::EnumDescriptor* type,
                      const std::function<void(int)>& set) {
  if (!args.Has(flag)) return absl::OkStatus();
  absl::StatusOr<int> value = ParseEnum(type, flag, args.Get(flag));
  if (!value.ok()) return value.status();
  set(*value);
  return absl::OkStatus();
}

int Units(Stub& stub, const Args& args, Table& table) {
  v1::ListUnitsRequest request;
  request.set_node_id(args.Get("node"));
  request.set_page_size(kPageSize);
  for (absl::Status s :
       {EnumFlag(args, "batch", v1::Batch_descriptor(),
                 [&](int v) { request.set_batch(static_cast<v1::Batch>(v)); }),
        EnumFlag(args, "stage", v1::Stage_descriptor(),
                 [&](int v) { request.set_stage(static_cast<v1::Stage>(v)); }),
        EnumFlag(args, "step", v1::TransitionStep_descriptor(),
                 [&](int v) {
                   request.set_next_step(static_cast<v1::TransitionStep>(v));
                 }),
        EnumFlag(args, "reason", v1::BlockingReasonCode_descriptor(),
                 [&](int v) {
                   request.set_blocked_reason(
                       static_cast<v1::BlockingReasonCode>(v));
                 })}) {
    if (!s.ok()) {
      std::cerr << "reportctl units: " << s.message() << "\n";
      return 2;
    }
  }
  int conditions = 0;
  for (const auto& [flag, condition] :
       {std::pair{"blocked", v1::UNIT_CONDITION_BLOCKED},
        std::pair{"waiting", v1::UNIT_CONDITION_WAITING},
        std::pair{"clear", v1::UNIT_CONDITION_CLEAR}}) {
    if (args.GetBool(flag)) {
      request.set_condition(condition);
      ++conditions;
    }
  }
  if (conditions > 1) {
    std::cerr << "reportctl units: give at most one of --blocked, --waiting, "
                 "--clear\n";
    return 2;
  }
  const std::map<std::string, std::string> names = NodeNames(stub);
  table.columns = {"node",     "node_name",        "unit",      "name",
                   "batch",    "category",         "members",   "registered",
                   "stage",    "next_step",        "condition", "since",
                   "blocking", "dissatisfied_pct", "summaries"};
  table.numeric = {false, false, false, false, false, false, true, true,
                   false, false, false, false, false, true,  true};
  do {
    v1::ListUnitsResponse response;
    auto ctx = Context();
    grpc::Status s = stub.ListUnits(ctx.get(), request, &response);
    if (!s.ok()) return CallFailed("units", s);
    for (const v1::UnitRow& u : response.units()) {
      std::vector<std::string> blocking;
      for (const auto& b : u.blocking()) {
        blocking.push_back(absl::StrCat(
            EnumText(v1::BlockingReasonCode_descriptor(), b.code()),
            b.count() > 1 ? absl::StrCat("(", b.count(), ")") : ""));
      }
      auto name = names.find(u.node_id());
      table.rows.push_back(
          {u.node_id(), name == names.end() ? "" : name->second, u.unit_id(),
           u.name(), EnumText(v1::Batch_descriptor(), u.batch()), u.category(),
           N(u.member_count()), N(u.members_registered()),
           EnumText(v1::Stage_descriptor(), u.stage()),
           EnumText(v1::TransitionStep_descriptor(), u.next_step()),
           EnumText(v1::UnitCondition_descriptor(), u.condition()),
           Time(u.step_since_us()), absl::StrJoin(blocking, " "),
           u.has_survey()
               ? absl::StrFormat("%.1f",
                                 u.latest_survey().dissatisfied_percent())
               : "",
           N(u.summaries_filed_size())});
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return 0;
}

int Rectifications(Stub& stub, const Args& args, Table& table) {
  v1::ListRectificationsRequest request;
  request.set_node_id(args.Get("node"));
  request.set_today(args.Get("today"));
  request.set_page_size(kPageSize);
  for (absl::Status s :
       {EnumFlag(args, "kind", v1::RectificationKind_descriptor(),
                 [&](int v) {
                   request.set_kind(static_cast<v1::RectificationKind>(v));
                 }),
        EnumFlag(args, "class", v1::RectificationClass_descriptor(),
                 [&](int v) {
                   request.set_class_(static_cast<v1::RectificationClass>(v));
                 })}) {
    if (!s.ok()) {
      std::cerr << "reportctl rectification: " << s.message() << "\n";
      return 2;
    }
  }
  const bool overdue_only = args.GetBool("overdue");
  table.columns = {"node",      "item",   "unit",     "kind",
                   "class",     "status", "deadline", "percent_done",
                   "closed_on", "overdue"};
  table.numeric = {false, false, false, false, false,
                   false, false, true,  false, false};
  bool more = true;
  while (more) {
    v1::ListRectificationsResponse response;
    auto ctx = Context();
    grpc::Status s = stub.ListRectifications(ctx.get(), request, &response);
    if (!s.ok()) return CallFailed("rectification", s);
    for (const v1::RectificationRow& r : response.items()) {
      // Overdue items come first: the first other one ends the list.
      if (overdue_only && !r.overdue()) {
        more = false;
        break;
      }
      table.rows.push_back(
          {r.node_id(), r.item_id(), r.unit_id(),
           EnumText(v1::RectificationKind_descriptor(), r.kind()),
           EnumText(v1::RectificationClass_descriptor(), r.class_()),
           EnumText(v1::RectificationStatus_descriptor(), r.status()),
           r.deadline(), N(r.percent_done()), r.closed_on(),
           r.overdue() ? "yes" : "no"});
    }
    request.set_page_token(response.next_page_token());
    if (request.page_token().empty()) more = false;
  }
  return 0;
}

int Census(Stub& stub, const Args&, Table& table) {
  v1::CensusSummary summary;
  auto ctx = Context();
  grpc::Status s =
      stub.GetCensusSummary(ctx.get(), v1::GetCensusSummaryRequest(), &summary);
  if (!s.ok()) return CallFailed("census", s);
  const std::map<std::string, std::string> names = NodeNames(stub);
  table.columns = {"node",
                   "name",
                   "units",
                   "without_organisation",
                   "leadership_incomplete",
                   "weak_and_lax",
                   "paralysed",
                   "secretary_unable",
                   "floating",
                   "transferred",
                   "temporary",
                   "certificate",
                   "contactable",
                   "not_contactable",
                   "problems",
                   "resolved"};
  table.numeric.assign(table.columns.size(), true);
  table.numeric[0] = table.numeric[1] = false;
  auto add = [&](const std::string& id, const std::string& name,
                 const v1::CensusFigures& c) {
    table.rows.push_back(
        {id, name, N(c.units_reported()), N(c.without_organisation()),
         N(c.leadership_incomplete()), N(c.weak_and_lax()), N(c.paralysed()),
         N(c.secretary_unable_to_lead()), N(c.floating_total()),
         N(c.floating_relation_transferred()),
         N(c.floating_temporary_relation()), N(c.floating_with_certificate()),
         N(c.floating_contactable()), N(c.floating_not_contactable()),
         N(c.problems()), N(c.problems_resolved())});
  };
  const std::map<std::string, v1::CensusFigures> by_node(
      summary.by_node().begin(), summary.by_node().end());
  for (const auto& [id, figures] : by_node) {
    auto name = names.find(id);
    add(id, name == names.end() ? "" : name->second, figures);
  }
  add("city", "全市", summary.city());
  return 0;
}

int Freshness(Stub& stub, const Args&, Table& table) {
  v1::FreshnessResponse response;
  auto ctx = Context();
  grpc::Status s =
      stub.GetFreshness(ctx.get(), v1::GetFreshnessRequest(), &response);
  if (!s.ok()) return CallFailed("freshness", s);
  const std::map<std::string, std::string> names = NodeNames(stub);
  table.columns = {
      "node",          "name",          "copy_sequence", "projected_sequence",
      "projected_lag", "last_event_at", "replication",   "county_head",
      "lag_events",    "lag_seconds",   "last_contact",  "detail"};
  table.numeric = {false, false, true, true, true,  false,
                   false, true,  true, true, false, false};
  for (const v1::NodeFreshness& f : response.nodes()) {
    auto name = names.find(f.node_id());
    table.rows.push_back(
        {f.node_id(), name == names.end() ? "" : name->second,
         N(f.copy_sequence()), N(f.projected_sequence()),
         N(f.copy_sequence() -
           std::min(f.copy_sequence(), f.projected_sequence())),
         Time(f.projected_recorded_at_us()),
         f.has_replication() ? f.replication_state() : "",
         f.has_replication() ? N(f.county_head()) : "",
         f.has_replication() ? N(f.lag_events()) : "",
         f.has_replication() ? absl::StrFormat("%.1f", f.lag_seconds()) : "",
         Time(f.last_contact_us()), f.replication_detail()});
  }
  return 0;
}

}  // namespace

int RunOffice(const std::string& command, const Words& words) {
  int exit_code = 0;
  std::optional<Args> args = ParseCommandArgs(
      command, words,
      {"city", "today", "node", "batch", "stage", "step", "reason", "kind",
       "class"},
      {"json", "csv", "overdue", "blocked", "waiting", "clear"}, kUsage,
      &exit_code);
  if (!args) return exit_code;
  if (!args->positional().empty()) {
    std::cerr << "reportctl " << command << ": unexpected \""
              << args->positional()[0] << "\"\n";
    return 2;
  }
  absl::StatusOr<std::string> city = args->Require("city");
  if (!city.ok()) {
    std::cerr << "reportctl " << command << ": " << city.status().message()
              << "\n"
              << kUsage;
    return 2;
  }
  auto channel = Connect(*args, *city);
  if (!channel.ok()) return Failed(command, channel.status());
  auto stub = v1::QueryService::NewStub(*channel);

  Table table;
  int code = 0;
  if (command == "overview") code = Overview(*stub, *args, table);
  if (command == "units") code = Units(*stub, *args, table);
  if (command == "rectification") code = Rectifications(*stub, *args, table);
  if (command == "census") code = Census(*stub, *args, table);
  if (command == "freshness") code = Freshness(*stub, *args, table);
  if (code != 0) return code;
  PrintTable(table, FormatFrom(*args), std::cout);
  return 0;
}

}  // namespace reporting::reportctl
