// The dashboard's flags (defined in flags.cc) and the rules that turn them
// into a ServerConfig:
//
//   --dashboard_listen=HOST:PORT   serve the dashboard there (off if empty)
//   --dashboard_insecure_http      plain HTTP instead of HTTPS: only on a
//                                  loopback address (127.0.0.0/8, ::1,
//                                  localhost); local development only
//   --dashboard_chartjs=FILE       Debian's chart.js (libjs-chart.js)
//   --dashboard_session_idle=30m   a session ends after this without use
//   --dashboard_session_lifetime=12h   ... and after this in any case
//   --dashboard_signin_failures=5 --dashboard_signin_window=15m
//                                  failed sign-ins allowed per address and
//                                  per account within the window
//
// HTTPS uses the city's own server certificate and key (--tls_cert,
// --tls_key); browsers do not present client certificates, people sign in
// with accounts (accounts.h).
#ifndef REPORTING_SERVICES_DASHBOARD_FLAGS_H_
#define REPORTING_SERVICES_DASHBOARD_FLAGS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/tls.h"
#include "services/dashboard/server.h"

namespace reporting::dashboard {

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopback(const std::string& host);

// The dashboard's configuration from the flags; nullopt when
// --dashboard_listen is empty. INVALID_ARGUMENT naming the flags for a
// malformed address, plain HTTP off loopback or without
// --dashboard_insecure_http, HTTPS without the city's certificate.
absl::StatusOr<std::optional<ServerConfig>> ConfigFromFlags(
    const std::string& data_dir, const services::TlsConfig& tls);

}  // namespace reporting::dashboard

#endif  // REPORTING_SERVICES_DASHBOARD_FLAGS_H_
