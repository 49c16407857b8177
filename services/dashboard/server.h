// DashboardServer: the city office's read-only web dashboard, served by
// city-aggregator on --dashboard_listen (flags.h). Start here for
// services/dashboard/.
//
//   GET  /signin, POST /signin, POST /signout        sign-in (auth_routes.cc)
//   GET  /, /node/<id>, /unit/<node>/<unit>, /asof   the pages (one app,
//                                                     assets/, in Chinese
//                                                     with an English switch)
//   GET  /api/...  JSON, /csv/... CSV                 the pages' data
//                                                     (api_routes.cc)
//   GET  /assets/...                                   app.js, style.css,
//                                                     chart.js (Debian's)
//
// Who may look: accounts of the accounts file (accounts.h) with role office
// or auditor, signed in with their password; a session cookie (Secure,
// HttpOnly, SameSite=Strict) carries the session (sessions.h). Everything
// but /signin and the assets needs a live session: a page request without
// one is sent to /signin (303), an /api or /csv request is refused (401).
// Failed sign-ins are rate-limited per address and per account
// (sign_in_limiter.h). Auditors see person-level data on the unit page;
// the office sees counts only.
//
// Transport: HTTPS with the city's server certificate and key (the same
// files as the gRPC server's --tls_cert/--tls_key), or plain HTTP on a
// loopback address with --dashboard_insecure_http (development only).
//
// Thread safety: Start and Stop from one thread; requests are served on
// the server's own threads.
#ifndef REPORTING_SERVICES_DASHBOARD_SERVER_H_
#define REPORTING_SERVICES_DASHBOARD_SERVER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/dashboard/account_book.h"
#include "services/dashboard/page_data.h"
#include "services/dashboard/sessions.h"
#include "services/dashboard/sign_in_limiter.h"

namespace httplib {
class Server;
}

namespace reporting::dashboard {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
  // HTTPS when both are set; plain HTTP otherwise (flags.cc allows that
  // only on loopback with --dashboard_insecure_http).
  std::string cert_file;
  std::string key_file;
  std::string users_file;  // accounts.h UsersFile(data_dir)
  std::string chartjs_file = "/usr/share/javascript/chart.js/chart.min.js";
  absl::Duration session_idle = absl::Minutes(30);
  absl::Duration session_lifetime = absl::Hours(12);
  int sign_in_failures = 5;
  absl::Duration sign_in_window = absl::Minutes(15);
};

class DashboardServer {
 public:
  // Binds and starts serving. INVALID_ARGUMENT for a certificate or key
  // that does not load, UNAVAILABLE when the address cannot be bound,
  // NOT_FOUND when chart.js is missing (libjs-chart.js).
  static absl::StatusOr<std::unique_ptr<DashboardServer>> Start(
      ServerConfig config, Sources sources);
  ~DashboardServer();

  int port() const { return port_; }
  bool tls() const { return !config_.cert_file.empty(); }
  // "https://127.0.0.1:8443/"
  std::string url() const;
  void Stop();

  // The parts route handlers use.
  const ServerConfig& config() const { return config_; }
  const Sources& sources() const { return sources_; }
  AccountBook& accounts() { return accounts_; }
  SessionTable& sessions() { return sessions_; }
  SignInLimiter& limiter() { return limiter_; }
  const std::string& chartjs() const { return chartjs_; }

 private:
  DashboardServer(ServerConfig config, Sources sources);

  const ServerConfig config_;
  const Sources sources_;
  AccountBook accounts_;
  SessionTable sessions_;
  SignInLimiter limiter_;
  std::string chartjs_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace reporting::dashboard

#endif  // REPORTING_SERVICES_DASHBOARD_SERVER_H_
