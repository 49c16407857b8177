// The pages (one app, assets/), the assets, and what every route shares.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/dashboard/assets.h"
#include "services/dashboard/gzip_body.h"
#include "services/dashboard/json.h"
#include "services/dashboard/routes.h"

namespace reporting::dashboard {

std::string SessionToken(const httplib::Request& req) {
  for (absl::string_view part :
       absl::StrSplit(req.get_header_value("Cookie"), ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (absl::ConsumePrefix(&part, kSessionCookie) &&
        absl::ConsumePrefix(&part, "=")) {
      return std::string(part);
    }
  }
  return "";
}

std::optional<Session> SessionOf(const httplib::Request& req,
                                 DashboardServer& server) {
  const std::string token = SessionToken(req);
  if (token.empty()) return std::nullopt;
  std::optional<Session> session = server.sessions().Find(token, absl::Now());
  if (!session) return std::nullopt;
  // The account may have been removed or changed since the sign-in.
  (void)server.accounts().Reload();
  std::optional<Account> account = server.accounts().Find(session->name);
  if (!account || account->role != session->role ||
      !MaySeeDashboard(account->role)) {
    server.sessions().RemoveAccount(session->name);
    return std::nullopt;
  }
  return session;
}

void SendError(const absl::Status& status, httplib::Response& res) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      res.status = 400;
      break;
    case absl::StatusCode::kUnauthenticated:
      res.status = 401;
      break;
    case absl::StatusCode::kPermissionDenied:
      res.status = 403;
      break;
    case absl::StatusCode::kNotFound:
      res.status = 404;
      break;
    case absl::StatusCode::kFailedPrecondition:
      res.status = 409;
      break;
    case absl::StatusCode::kResourceExhausted:
      res.status = 429;
      break;
    case absl::StatusCode::kUnavailable:
      res.status = 503;
      res.set_header("Retry-After", "1");
      break;
    default:
      res.status = 500;
      break;
  }
  res.set_content(ErrorJson(std::string(status.message())),
                  "application/json; charset=utf-8");
}

void SecurityHeaders(bool tls, httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; "
                 "style-src 'self'; script-src 'self'; connect-src 'self'; "
                 "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  // same-origin, not no-referrer: with no-referrer a browser posts the
  // sign-in form with "Origin: null", which SameOrigin refuses.
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Cache-Control", "no-store");
  if (tls) res.set_header("Strict-Transport-Security", "max-age=31536000");
}

void AddPageRoutes(httplib::Server& http, DashboardServer& server) {
  // Compressed once here, not per request (gzip_body.h).
  auto index = std::make_shared<const GzipBody>(Asset("index.html"),
                                                "text/html; charset=utf-8");
  auto page = [index](const httplib::Request& req, httplib::Response& res) {
    index->Send(req, res);
  };
  for (const char* pattern :
       {"/", "/node/[^/]+", "/unit/[^/]+/[^/]+", "/asof"}) {
    http.Get(pattern, page);
  }
  const std::string js = "text/javascript; charset=utf-8";
  for (const auto& [name, body] :
       std::vector<std::pair<std::string, std::string>>{
           {"app.js", Asset("app.js")},
           {"i18n.js", Asset("i18n.js")},
           {"style.css", Asset("style.css")},
           {"chart.js", server.chartjs()}}) {
    auto file = std::make_shared<const GzipBody>(
        body, name == "style.css" ? "text/css; charset=utf-8" : js);
    http.Get("/assets/" + name,
             [file](const httplib::Request& req, httplib::Response& res) {
               file->Send(req, res);
             });
  }
}

}  // namespace reporting::dashboard
