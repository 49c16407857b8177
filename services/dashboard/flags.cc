#include "services/dashboard/flags.h"

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/dashboard/accounts.h"

ABSL_FLAG(std::string, dashboard_listen, "",
          "HOST:PORT of the city office's web dashboard (HTTPS with the "
          "city's --tls_cert/--tls_key); empty: no dashboard");
ABSL_FLAG(bool, dashboard_insecure_http, false,
          "Serve the dashboard over plain HTTP: only on a loopback address, "
          "for local development");
ABSL_FLAG(std::string, dashboard_chartjs,
          "/usr/share/javascript/chart.js/chart.min.js",
          "Chart.js as Debian's libjs-chart.js installs it");
ABSL_FLAG(absl::Duration, dashboard_session_idle, absl::Minutes(30),
          "A dashboard session ends after this long without a request");
ABSL_FLAG(absl::Duration, dashboard_session_lifetime, absl::Hours(12),
          "A dashboard session ends this long after sign-in in any case");
ABSL_FLAG(int, dashboard_signin_failures, 5,
          "Failed sign-ins allowed per client address and per account "
          "within --dashboard_signin_window");
ABSL_FLAG(absl::Duration, dashboard_signin_window, absl::Minutes(15),
          "The window of --dashboard_signin_failures");

namespace reporting::dashboard {

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || absl::StartsWith(host, "127.");
}

absl::StatusOr<std::optional<ServerConfig>> ConfigFromFlags(
    const std::string& data_dir, const services::TlsConfig& tls) {
  const std::string listen = absl::GetFlag(FLAGS_dashboard_listen);
  if (listen.empty()) return std::nullopt;
  ServerConfig c;
  const size_t colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? "" : listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || !absl::SimpleAtoi(listen.substr(colon + 1), &c.port) ||
      c.port < 0 || c.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--dashboard_listen=\"", listen, "\" is not HOST:PORT"));
  }
  c.host = host;
  if (absl::GetFlag(FLAGS_dashboard_insecure_http)) {
    if (!IsLoopback(host)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--dashboard_insecure_http serves plain HTTP only on a loopback "
          "address (127.0.0.1, ::1, localhost), not ",
          host,
          "; for other addresses serve HTTPS (--tls_cert/--tls_key) or put "
          "a TLS reverse proxy in front (docs/OPERATIONS.md)"));
    }
  } else if (tls.cert_file.empty() || tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        "the dashboard serves HTTPS with the city's certificate: give "
        "--tls_cert and --tls_key, or for local development "
        "--dashboard_insecure_http with a loopback --dashboard_listen");
  } else {
    c.cert_file = tls.cert_file;
    c.key_file = tls.key_file;
  }
  c.users_file = UsersFile(data_dir);
  c.chartjs_file = absl::GetFlag(FLAGS_dashboard_chartjs);
  c.session_idle = absl::GetFlag(FLAGS_dashboard_session_idle);
  c.session_lifetime = absl::GetFlag(FLAGS_dashboard_session_lifetime);
  c.sign_in_failures = absl::GetFlag(FLAGS_dashboard_signin_failures);
  c.sign_in_window = absl::GetFlag(FLAGS_dashboard_signin_window);
  if (c.sign_in_failures < 1 || c.session_idle <= absl::ZeroDuration() ||
      c.session_lifetime <= absl::ZeroDuration() ||
      c.sign_in_window <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--dashboard_signin_failures must be >= 1 and the dashboard's "
        "durations positive");
  }
  return c;
}

}  // namespace reporting::dashboard
