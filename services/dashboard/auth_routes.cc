// Sign-in and sign-out (server.h "Who may look").
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "services/dashboard/accounts.h"
#include "services/dashboard/assets.h"
#include "services/dashboard/routes.h"
#include "spdlog/spdlog.h"

namespace reporting::dashboard {
namespace {

// A hash of a password nobody has, checked when the account does not
// exist, so that a wrong name costs as long as a wrong password.
const std::string& DummyHash() {
  static const std::string* hash = [] {
    absl::StatusOr<std::string> h = HashPassword("no account has this one");
    return new std::string(h.ok() ? *h : "");
  }();
  return *hash;
}

void SignInPage(int status, const std::string& message_zh,
                const std::string& message_en, httplib::Response& res) {
  std::string message;
  if (!message_zh.empty()) {
    message = absl::StrCat("<p class=\"error\" id=\"signin-error\">",
                           message_zh, "<br>", message_en, "</p>");
  }
  res.status = status;
  res.set_content(
      absl::StrReplaceAll(Asset("signin.html"), {{"{{message}}", message}}),
      "text/html; charset=utf-8");
}

// Set-Cookie for the session token; an empty token ends the cookie.
std::string Cookie(const std::string& token, absl::Duration lifetime) {
  const int64_t max_age = token.empty() ? 0 : absl::ToInt64Seconds(lifetime);
  return absl::StrCat(
      kSessionCookie, "=", token,
      "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=", max_age);
}

// A form posted from another site is refused (SameSite=Strict keeps the
// cookie from such posts too; this also covers the sign-in form).
bool SameOrigin(const httplib::Request& req) {
  if (!req.has_header("Origin")) return true;
  const std::string origin = req.get_header_value("Origin");
  const size_t scheme = origin.find("://");
  return scheme != std::string::npos &&
         origin.substr(scheme + 3) == req.get_header_value("Host");
}

}  // namespace

void AddAuthRoutes(httplib::Server& http, DashboardServer& server) {
  DummyHash();  // computed once at start, not during the first sign-in
  http.Get("/signin", [](const httplib::Request&, httplib::Response& res) {
    SignInPage(200, "", "", res);
  });

  http.Post("/signin", [&server](const httplib::Request& req,
                                 httplib::Response& res) {
    if (!SameOrigin(req)) {
      SignInPage(403, "请从本站登录。", "Sign in from this site.", res);
      return;
    }
    const std::string name = req.get_param_value("name");
    const std::string password = req.get_param_value("password");
    const absl::Time now = absl::Now();
    const absl::Duration wait =
        server.limiter().RetryAfter(req.remote_addr, name, now);
    if (wait > absl::ZeroDuration()) {
      const int64_t seconds =
          absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1)));
      res.set_header("Retry-After", std::to_string(seconds));
      SignInPage(429,
                 absl::StrCat("登录失败次数过多，请 ", seconds, " 秒后再试。"),
                 absl::StrCat("Too many failed sign-ins; try again in ",
                              seconds, " s."),
                 res);
      spdlog::warn("dashboard: sign-in refused (rate limit) name={} from {}",
                   name, req.remote_addr);
      return;
    }
    if (absl::Status st = server.accounts().Reload(); !st.ok()) {
      spdlog::error("dashboard: {}", st.ToString());
    }
    std::optional<Account> account = server.accounts().Find(name);
    const bool ok =
        VerifyPassword(account ? account->hash : DummyHash(), password) &&
        account.has_value();
    if (!ok) {
      server.limiter().RecordFailure(req.remote_addr, name, now);
      spdlog::warn("dashboard: sign-in failed name={} from {}", name,
                   req.remote_addr);
      SignInPage(401, "用户名或密码错误。", "Wrong name or password.", res);
      return;
    }
    if (!MaySeeDashboard(account->role)) {
      spdlog::warn("dashboard: sign-in refused name={} role={} from {}", name,
                   account->role, req.remote_addr);
      SignInPage(
          403,
          absl::StrCat("“", account->role,
                       "”角色的账户无权查看看板（仅限市办公室和审计人员）。"),
          absl::StrCat("Accounts of role \"", account->role,
                       "\" cannot see the dashboard (office and "
                       "auditor accounts only)."),
          res);
      return;
    }
    const std::string token =
        server.sessions().Create(account->name, account->role, now);
    spdlog::info("dashboard: {} ({}) signed in from {}", account->name,
                 account->role, req.remote_addr);
    res.set_header("Set-Cookie",
                   Cookie(token, server.config().session_lifetime));
    res.status = 303;
    res.set_header("Location", "/");
  });

  http.Post("/signout",
            [&server](const httplib::Request& req, httplib::Response& res) {
              if (std::optional<Session> s = SessionOf(req, server)) {
                spdlog::info("dashboard: {} signed out", s->name);
              }
              server.sessions().Remove(SessionToken(req));
              res.set_header("Set-Cookie", Cookie("", absl::ZeroDuration()));
              res.status = 303;
              res.set_header("Location", "/signin");
            });
}

}  // namespace reporting::dashboard
