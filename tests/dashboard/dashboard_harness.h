// tests/dashboard: a city aggregator serving the office's web dashboard
// over HTTPS with the city's certificate (deploy/gen-certs.sh), two county
// nodes over TLS, a generated campaign in them (reportctl generate) that
// the city has taken in, and dashboard accounts made with `reportctl
// dashboard user add`: "office" and "auditor" (password kPassword), and a
// line of role "clerk" written into the accounts file as an operator
// might by mistake.
//
// Thread-compatible.
#ifndef REPORTING_TESTS_DASHBOARD_DASHBOARD_HARNESS_H_
#define REPORTING_TESTS_DASHBOARD_DASHBOARD_HARNESS_H_

#include <memory>
#include <string>
#include <vector>

#include "httplib.h"
#include "tests/product/product_harness.h"
#include "tests/replication/harness.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::dashboard_test {

using product_test::ToolRun;

inline constexpr char kPassword[] = "correct horse battery";
inline constexpr char kToday[] = "2026-11-30";
inline const std::vector<std::string> kNodes = {"371302", "371311"};
// A third county, started but given its campaign only by GenerateLate().
inline constexpr char kLateNode[] = "371312";

class DashboardCluster {
 public:
  explicit DashboardCluster(const testutil::TempDir& dir);

  const std::string& certs() const { return certs_; }
  std::string city_address() const { return city_->address(); }
  int dashboard_port() const { return dashboard_port_; }
  std::string dashboard_url() const;
  // reportctl with the office's certificate against the city's gRPC
  // (QueryService), e.g. {"overview", "--json", "--today", kToday}.
  ToolRun Office(std::vector<std::string> args) const;
  // reportctl generate into kLateNode (8 units); its exit code and output.
  ToolRun GenerateLate() const;
  // An HTTPS client of the dashboard trusting only the dev CA.
  std::unique_ptr<httplib::SSLClient> Client() const;
  // The session cookie ("dash_session=...") of a sign-in, "" if refused.
  std::string SignIn(const std::string& name,
                     const std::string& password) const;

 private:
  const testutil::TempDir& dir_;
  replication_test::Binaries bin_;
  std::string certs_;
  int dashboard_port_;
  std::unique_ptr<replication_test::City> city_;
  std::vector<std::unique_ptr<replication_test::County>> counties_;
  std::unique_ptr<replication_test::County> late_;
};

// Runs `command` in a shell; its exit code and output.
ToolRun Shell(const std::string& command);

}  // namespace reporting::dashboard_test

#endif  // REPORTING_TESTS_DASHBOARD_DASHBOARD_HARNESS_H_
