// The dashboard's routes, in three groups, and what they share.
//
// Thread-safe: handlers run on the HTTP server's threads.
#ifndef REPORTING_SERVICES_DASHBOARD_ROUTES_H_
#define REPORTING_SERVICES_DASHBOARD_ROUTES_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "httplib.h"
#include "services/dashboard/server.h"
#include "services/dashboard/sessions.h"

namespace reporting::dashboard {

inline constexpr char kSessionCookie[] = "dash_session";

// /signin, /signout (auth_routes.cc).
void AddAuthRoutes(httplib::Server& http, DashboardServer& server);
// The pages and assets (page_routes.cc).
void AddPageRoutes(httplib::Server& http, DashboardServer& server);
// /api/... and /csv/... (api_routes.cc).
void AddApiRoutes(httplib::Server& http, DashboardServer& server);

// The session token of the request's cookie ("" when none).
std::string SessionToken(const httplib::Request& req);

// The live session of the request's cookie whose account still exists
// with the same role; nullopt otherwise (an orphaned session is ended).
std::optional<Session> SessionOf(const httplib::Request& req,
                                 DashboardServer& server);

// Writes `status` as an HTTP error with {"error": message}.
void SendError(const absl::Status& status, httplib::Response& res);

// Headers every answer carries (content security policy and friends).
void SecurityHeaders(bool tls, httplib::Response& res);

}  // namespace reporting::dashboard

#endif  // REPORTING_SERVICES_DASHBOARD_ROUTES_H_
