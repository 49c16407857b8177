#include "services/dashboard/server.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"
#include "services/dashboard/routes.h"
#include "spdlog/spdlog.h"

namespace reporting::dashboard {
namespace {

// Paths served without a session.
bool IsPublic(const std::string& path) {
  return path == "/signin" || absl::StartsWith(path, "/assets/");
}

}  // namespace

DashboardServer::DashboardServer(ServerConfig config, Sources sources)
    : config_(std::move(config)),
      sources_(sources),
      accounts_(config_.users_file),
      sessions_(config_.session_idle, config_.session_lifetime),
      limiter_(config_.sign_in_failures, config_.sign_in_window) {}

DashboardServer::~DashboardServer() { Stop(); }

std::string DashboardServer::url() const {
  const bool v6 = config_.host.find(':') != std::string::npos;
  return absl::StrCat(tls() ? "https" : "http", "://", v6 ? "[" : "",
                      config_.host, v6 ? "]" : "", ":", port_, "/");
}

absl::StatusOr<std::unique_ptr<DashboardServer>> DashboardServer::Start(
    ServerConfig config, Sources sources) {
  std::unique_ptr<DashboardServer> s(
      new DashboardServer(std::move(config), sources));
  std::ifstream chart(s->config_.chartjs_file, std::ios::binary);
  if (!chart) {
    return absl::NotFoundError(absl::StrCat(
        "dashboard: cannot read chart.js at ", s->config_.chartjs_file,
        " (install Debian's libjs-chart.js, or give --dashboard_chartjs)"));
  }
  std::ostringstream text;
  text << chart.rdbuf();
  s->chartjs_ = text.str();
  if (absl::Status st = s->accounts_.Reload(); !st.ok()) {
    spdlog::warn("dashboard: {}", st.ToString());
  }

  if (s->tls()) {
    auto https = std::make_unique<httplib::SSLServer>(
        s->config_.cert_file.c_str(), s->config_.key_file.c_str());
    if (!https->is_valid()) {
      return absl::InvalidArgumentError(
          absl::StrCat("dashboard: the certificate ", s->config_.cert_file,
                       " or key ", s->config_.key_file, " does not load"));
    }
    s->server_ = std::move(https);
  } else {
    s->server_ = std::make_unique<httplib::Server>();
  }
  httplib::Server& http = *s->server_;
  http.set_payload_max_length(64 << 10);
  // Headers and body go out in separate writes: without TCP_NODELAY the
  // second waits for the client's delayed ACK (40 ms on Linux, per answer).
  http.set_tcp_nodelay(true);
  http.set_read_timeout(10, 0);
  http.set_write_timeout(30, 0);
  DashboardServer* self = s.get();
  http.set_pre_routing_handler(
      [self](const httplib::Request& req, httplib::Response& res) {
        SecurityHeaders(self->tls(), res);
        if (IsPublic(req.path) || SessionOf(req, *self).has_value()) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        if (absl::StartsWith(req.path, "/api/") ||
            absl::StartsWith(req.path, "/csv/") || req.method != "GET") {
          SendError(absl::UnauthenticatedError(
                        "sign in first (POST /signin); the session is "
                        "missing, expired or ended"),
                    res);
        } else {
          res.status = 303;
          res.set_header("Location", "/signin");
        }
        return httplib::Server::HandlerResponse::Handled;
      });
  AddAuthRoutes(http, *self);
  AddPageRoutes(http, *self);
  AddApiRoutes(http, *self);

  if (s->config_.port == 0) {
    s->port_ = http.bind_to_any_port(s->config_.host);
  } else if (http.bind_to_port(s->config_.host, s->config_.port)) {
    s->port_ = s->config_.port;
  } else {
    s->port_ = -1;
  }
  if (s->port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("dashboard: cannot listen on ", s->config_.host, ":",
                     s->config_.port, " (address in use or not local?)"));
  }
  s->thread_ = std::thread([self] { self->server_->listen_after_bind(); });
  spdlog::info("dashboard: serving {} ({})", s->url(),
               s->tls() ? "HTTPS with the city's certificate"
                        : "plain HTTP on loopback, development only");
  return s;
}

void DashboardServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace reporting::dashboard
