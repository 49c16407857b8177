#include "tests/dashboard/dashboard_harness.h"

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/testutil/files.h"
#include "tests/testutil/process.h"

namespace reporting::dashboard_test {
namespace {

std::string ReportctlBin() {
  const char* bin = std::getenv("REPORTCTL_BIN");
  if (bin == nullptr) throw std::runtime_error("REPORTCTL_BIN is not set");
  return bin;
}

void AddAccount(const std::string& data_dir, const std::string& name,
                const std::string& role) {
  ToolRun run = Shell(absl::StrCat("printf '%s\\n' '", kPassword, "' | ",
                                   ReportctlBin(), " dashboard user add ", name,
                                   " --role ", role, " --data_dir ", data_dir));
  if (run.exit_code != 0) {
    throw std::runtime_error("dashboard user add failed: " + run.output);
  }
}

}  // namespace

ToolRun Shell(const std::string& command) {
  ToolRun run;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return run;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) {
    run.output.append(buf, n);
  }
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

DashboardCluster::DashboardCluster(const testutil::TempDir& dir)
    : dir_(dir),
      bin_(replication_test::Binaries::FromEnv()),
      certs_(dir.Sub("certs")),
      dashboard_port_(testutil::FreePort()) {
  replication_test::GenCerts(bin_, certs_);
  std::vector<std::string> city_args =
      replication_test::TlsArgs(certs_, "city");
  city_args.push_back(
      absl::StrCat("--dashboard_listen=127.0.0.1:", dashboard_port_));
  city_ = std::make_unique<replication_test::City>(bin_, dir.Sub("city"),
                                                   city_args);
  city_->Start();
  if (!testutil::WaitForPort(dashboard_port_, 20000)) {
    throw std::runtime_error("the dashboard did not start: " +
                             testutil::ReadFile(dir.Sub("city") + ".log"));
  }
  std::vector<std::string> addresses;
  for (const std::string& node : kNodes) {
    counties_.push_back(std::make_unique<replication_test::County>(
        bin_, node, dir.Sub(node), city_->address(),
        replication_test::TlsArgs(certs_, "node-" + node)));
    counties_.back()->Start();
    addresses.push_back(counties_.back()->address());
  }
  late_ = std::make_unique<replication_test::County>(
      bin_, kLateNode, dir.Sub(kLateNode), city_->address(),
      replication_test::TlsArgs(certs_, std::string("node-") + kLateNode));
  late_->Start();
  AddAccount(city_->data_dir(), "office", "office");
  AddAccount(city_->data_dir(), "auditor", "auditor");
  // A clerk's line, as an operator might add by hand: never signs in.
  ToolRun hash = Shell(absl::StrCat("grep '^office ' ", city_->data_dir(),
                                    "/dashboard/users | cut -d' ' -f3"));
  testutil::WriteFile(
      city_->data_dir() + "/dashboard/users",
      testutil::ReadFile(city_->data_dir() + "/dashboard/users") +
          "clerk-371302 clerk " + hash.output);

  const std::string expect = dir.Sub("expected.json");
  ToolRun gen = product_test::Reportctl(
      {"generate", "--counties", absl::StrJoin(addresses, ","), "--nodes", "2",
       "--units-per-node", "8", "--members-per-unit", "4", "--seed", "7",
       "--today", kToday, "--expect_out", expect,
       "--tls_cert=" + certs_ + "/clerk-{node}.crt",
       "--tls_key=" + certs_ + "/clerk-{node}.key",
       "--tls_ca=" + certs_ + "/ca.crt"},
      dir.path());
  if (gen.exit_code != 0) {
    throw std::runtime_error("generate failed: " + gen.output);
  }
  const std::string expected = testutil::ReadFile(expect);
  for (int i = 0; i < 300; ++i) {
    if (Office({"overview", "--json", "--today", kToday}).output == expected) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  throw std::runtime_error("the city never showed the generated campaign");
}

ToolRun DashboardCluster::GenerateLate() const {
  return product_test::Reportctl(
      {"generate", "--counties", late_->address(), "--nodes", "1", "--node_ids",
       kLateNode, "--units-per-node", "8", "--members-per-unit", "4", "--seed",
       "9", "--today", kToday, "--tls_cert=" + certs_ + "/clerk-{node}.crt",
       "--tls_key=" + certs_ + "/clerk-{node}.key",
       "--tls_ca=" + certs_ + "/ca.crt"},
      dir_.path());
}

std::string DashboardCluster::dashboard_url() const {
  return absl::StrCat("https://127.0.0.1:", dashboard_port_);
}

ToolRun DashboardCluster::Office(std::vector<std::string> args) const {
  args.insert(args.end(), {"--city", city_->address(),
                           "--tls_cert=" + certs_ + "/office.crt",
                           "--tls_key=" + certs_ + "/office.key",
                           "--tls_ca=" + certs_ + "/ca.crt"});
  return product_test::Reportctl(args, dir_.path());
}

std::unique_ptr<httplib::SSLClient> DashboardCluster::Client() const {
  auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", dashboard_port_);
  c->set_ca_cert_path((certs_ + "/ca.crt").c_str());
  c->enable_server_certificate_verification(true);
  c->set_read_timeout(30, 0);
  return c;
}

std::string DashboardCluster::SignIn(const std::string& name,
                                     const std::string& password) const {
  auto c = Client();
  httplib::Result r = c->Post(
      "/signin", httplib::Params{{"name", name}, {"password", password}});
  if (!r || r->status != 303) return "";
  const std::string cookie = r->get_header_value("Set-Cookie");
  return cookie.substr(0, cookie.find(';'));
}

}  // namespace reporting::dashboard_test
