// /api/... (JSON: what QueryService answers, page_data.h) and /csv/...
// (the same data as CSV tables, csv.h). Parameters are QueryService's
// request fields; enum values by name ("STAGE_ANALYSIS_EVALUATION") or
// number. Every request is checked before anything is read: a bad value is
// 400 with a message naming it.
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/descriptor.h"
#include "services/common/json_text.h"
#include "services/dashboard/csv.h"
#include "services/dashboard/json.h"
#include "services/dashboard/routes.h"

namespace reporting::dashboard {
namespace {

constexpr char kJson[] = "application/json; charset=utf-8";
// Rows a CSV download of a list follows the pages to, at most.
constexpr size_t kMaxCsvRows = 100000;

// The enum value of parameter `param` (name or number); UNSPECIFIED (0)
// when absent.
absl::StatusOr<int> EnumParam(const httplib::Request& req,
                              const std::string& param,
                              const google::protobuf::EnumDescriptor* type) {
  if (!req.has_param(param.c_str())) return 0;
  const std::string text = req.get_param_value(param.c_str());
  const google::protobuf::EnumValueDescriptor* v = type->FindValueByName(text);
  int number = 0;
  if (v == nullptr && absl::SimpleAtoi(text, &number)) {
    v = type->FindValueByNumber(number);
  }
  if (v == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        param, "=\"", text, "\" is not a value of ", type->name()));
  }
  return v->number();
}

absl::StatusOr<v1::ListUnitsRequest> UnitsRequest(const httplib::Request& req) {
  v1::ListUnitsRequest r;
  r.set_node_id(req.get_param_value("node"));
  r.set_page_token(req.get_param_value("page_token"));
  uint32_t size = 0;
  if (req.has_param("page_size") &&
      !absl::SimpleAtoi(req.get_param_value("page_size"), &size)) {
    return absl::InvalidArgumentError("page_size is not a number");
  }
  r.set_page_size(size);
  absl::StatusOr<int> v = EnumParam(req, "batch", v1::Batch_descriptor());
  if (!v.ok()) return v.status();
  r.set_batch(static_cast<v1::Batch>(*v));
  v = EnumParam(req, "stage", v1::Stage_descriptor());
  if (!v.ok()) return v.status();
  r.set_stage(static_cast<v1::Stage>(*v));
  v = EnumParam(req, "step", v1::TransitionStep_descriptor());
  if (!v.ok()) return v.status();
  r.set_next_step(static_cast<v1::TransitionStep>(*v));
  v = EnumParam(req, "reason", v1::BlockingReasonCode_descriptor());
  if (!v.ok()) return v.status();
  r.set_blocked_reason(static_cast<v1::BlockingReasonCode>(*v));
  v = EnumParam(req, "condition", v1::UnitCondition_descriptor());
  if (!v.ok()) return v.status();
  r.set_condition(static_cast<v1::UnitCondition>(*v));
  return r;
}

absl::StatusOr<v1::ListRectificationsRequest> RectificationsRequest(
    const httplib::Request& req) {
  v1::ListRectificationsRequest r;
  r.set_node_id(req.get_param_value("node"));
  r.set_today(req.get_param_value("today"));
  r.set_page_token(req.get_param_value("page_token"));
  absl::StatusOr<int> v =
      EnumParam(req, "kind", v1::RectificationKind_descriptor());
  if (!v.ok()) return v.status();
  r.set_kind(static_cast<v1::RectificationKind>(*v));
  v = EnumParam(req, "class", v1::RectificationClass_descriptor());
  if (!v.ok()) return v.status();
  r.set_class_(static_cast<v1::RectificationClass>(*v));
  return r;
}

// Answers with `make`'s message as JSON, or its error.
template <typename M>
void Json(httplib::Response& res, const absl::StatusOr<M>& answer) {
  if (!answer.ok()) return SendError(answer.status(), res);
  res.set_content(ToJson(*answer), kJson);
}

void Csv(httplib::Response& res, const std::string& name,
         const absl::StatusOr<CsvTable>& table) {
  if (!table.ok()) return SendError(table.status(), res);
  res.set_header("Content-Disposition",
                 absl::StrCat("attachment; filename=\"", name, ".csv\""));
  res.set_content(ToCsv(*table), "text/csv; charset=utf-8");
}

// Every page of a list, up to kMaxCsvRows rows.
template <typename Req, typename Row>
absl::Status AllPages(
    Req request,
    const std::function<
        absl::StatusOr<std::pair<std::vector<Row>, std::string>>(const Req&)>&
        page,
    std::vector<Row>& out) {
  request.set_page_size(1000);
  do {
    auto p = page(request);
    if (!p.ok()) return p.status();
    out.insert(out.end(), p->first.begin(), p->first.end());
    request.set_page_token(p->second);
  } while (!request.page_token().empty() && out.size() < kMaxCsvRows);
  return absl::OkStatus();
}

}  // namespace

void AddApiRoutes(httplib::Server& http, DashboardServer& server) {
  const Sources& src = server.sources();
  auto get =
      [&http](const char* path,
              std::function<void(const httplib::Request&, httplib::Response&)>
                  handler) { http.Get(path, std::move(handler)); };

  get("/api/me",
      [&server](const httplib::Request& req, httplib::Response& res) {
        std::optional<Session> s = SessionOf(req, server);
        if (!s)
          return SendError(absl::UnauthenticatedError("sign in first"), res);
        res.set_content(
            absl::StrCat("{\"name\":", services::JsonQuote(s->name),
                         ",\"role\":", services::JsonQuote(s->role), "}"),
            kJson);
      });
  get("/api/overview",
      [&src](const httplib::Request& req, httplib::Response& res) {
        Json(res, Overview(src, req.get_param_value("today")));
      });
  get("/api/freshness",
      [&src](const httplib::Request&, httplib::Response& res) {
        Json(res, Freshness(src));
      });
  get("/api/node", [&src](const httplib::Request& req, httplib::Response& res) {
    v1::GetNodeDetailRequest r;
    r.set_node_id(req.get_param_value("node"));
    r.set_today(req.get_param_value("today"));
    Json(res, NodeDetail(src, r));
  });
  get("/api/units",
      [&src](const httplib::Request& req, httplib::Response& res) {
        absl::StatusOr<v1::ListUnitsRequest> r = UnitsRequest(req);
        if (!r.ok()) return SendError(r.status(), res);
        Json(res, Units(src, *r));
      });
  get("/api/rectifications",
      [&src](const httplib::Request& req, httplib::Response& res) {
        absl::StatusOr<v1::ListRectificationsRequest> r =
            RectificationsRequest(req);
        if (!r.ok()) return SendError(r.status(), res);
        Json(res, Rectifications(src, *r));
      });
  get("/api/census", [&src](const httplib::Request&, httplib::Response& res) {
    Json(res, Census(src));
  });
  get("/api/unit",
      [&src, &server](const httplib::Request& req, httplib::Response& res) {
        std::optional<Session> s = SessionOf(req, server);
        absl::StatusOr<UnitPage> page =
            Unit(src, req.get_param_value("node"), req.get_param_value("unit"),
                 s && SeesPersonLevelData(s->role));
        if (!page.ok()) return SendError(page.status(), res);
        res.set_content(UnitPageJson(*page), kJson);
      });
  // StateAsOf folds every copy: one at a time, so that a few clicks cannot
  // take the aggregator's cores from ingest.
  static absl::Mutex* as_of_mu = new absl::Mutex();
  get("/api/asof", [&src](const httplib::Request& req, httplib::Response& res) {
    absl::MutexLock lock(as_of_mu);
    Json(res, AsOf(src, req.get_param_value("date")));
  });

  get("/csv/overview",
      [&src](const httplib::Request& req, httplib::Response& res) {
        absl::StatusOr<v1::CityOverview> o =
            Overview(src, req.get_param_value("today"));
        Csv(res, "overview",
            o.ok() ? absl::StatusOr<CsvTable>(OverviewCsv(*o)) : o.status());
      });
  get("/csv/asof", [&src](const httplib::Request& req, httplib::Response& res) {
    absl::MutexLock lock(as_of_mu);
    auto a = AsOf(src, req.get_param_value("date"));
    Csv(res, "asof",
        a.ok() ? absl::StatusOr<CsvTable>(AsOfCsv(*a)) : a.status());
  });
  get("/csv/units", [&src](const httplib::Request& req,
                           httplib::Response& res) {
    absl::StatusOr<v1::ListUnitsRequest> r = UnitsRequest(req);
    if (!r.ok()) return SendError(r.status(), res);
    std::vector<v1::UnitRow> rows;
    absl::Status st = AllPages<v1::ListUnitsRequest, v1::UnitRow>(
        *r,
        [&src](const v1::ListUnitsRequest& q)
            -> absl::StatusOr<
                std::pair<std::vector<v1::UnitRow>, std::string>> {
          auto p = Units(src, q);
          if (!p.ok()) return p.status();
          return std::make_pair(
              std::vector<v1::UnitRow>(p->units().begin(), p->units().end()),
              p->next_page_token());
        },
        rows);
    Csv(res, "units", st.ok() ? absl::StatusOr<CsvTable>(UnitsCsv(rows)) : st);
  });
  get("/csv/rectifications", [&src](const httplib::Request& req,
                                    httplib::Response& res) {
    absl::StatusOr<v1::ListRectificationsRequest> r =
        RectificationsRequest(req);
    if (!r.ok()) return SendError(r.status(), res);
    std::vector<v1::RectificationRow> rows;
    absl::Status st =
        AllPages<v1::ListRectificationsRequest, v1::RectificationRow>(
            *r,
            [&src](const v1::ListRectificationsRequest& q)
                -> absl::StatusOr<
                    std::pair<std::vector<v1::RectificationRow>, std::string>> {
              auto p = Rectifications(src, q);
              if (!p.ok()) return p.status();
              return std::make_pair(std::vector<v1::RectificationRow>(
                                        p->items().begin(), p->items().end()),
                                    p->next_page_token());
            },
            rows);
    Csv(res, "rectifications",
        st.ok() ? absl::StatusOr<CsvTable>(RectificationsCsv(rows)) : st);
  });
  get("/csv/census", [&src](const httplib::Request&, httplib::Response& res) {
    auto c = Census(src);
    Csv(res, "census",
        c.ok() ? absl::StatusOr<CsvTable>(CensusCsv(*c)) : c.status());
  });
  get("/csv/freshness",
      [&src](const httplib::Request&, httplib::Response& res) {
        auto f = Freshness(src);
        Csv(res, "freshness",
            f.ok() ? absl::StatusOr<CsvTable>(FreshnessCsv(*f)) : f.status());
      });
  get("/csv/timeline",
      [&src, &server](const httplib::Request& req, httplib::Response& res) {
        std::optional<Session> s = SessionOf(req, server);
        auto page =
            Unit(src, req.get_param_value("node"), req.get_param_value("unit"),
                 s && SeesPersonLevelData(s->role));
        Csv(res, "timeline",
            page.ok() ? absl::StatusOr<CsvTable>(TimelineCsv(*page))
                      : page.status());
      });
}

}  // namespace reporting::dashboard
