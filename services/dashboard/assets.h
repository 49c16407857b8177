// The dashboard's own files (assets/), compiled into the binary by
// embed_assets.cmake so that nothing is fetched at run time and the
// binary needs no install path. Chart.js is Debian's (server.h).
#ifndef REPORTING_SERVICES_DASHBOARD_ASSETS_H_
#define REPORTING_SERVICES_DASHBOARD_ASSETS_H_

#include <string>

namespace reporting::dashboard {

// The text of assets/<name> ("app.js"); empty for an unknown name.
const std::string& Asset(const std::string& name);

}  // namespace reporting::dashboard

#endif  // REPORTING_SERVICES_DASHBOARD_ASSETS_H_
