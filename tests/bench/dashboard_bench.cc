// dashboard_bench: the city office's overview page over HTTPS while the
// city ingests (docs/PERFORMANCE.md, "Dashboard overview under ingest").
//
//   dashboard_bench [--quick] [--nodes=200] [--units=50] [--rate=1000]
//                   [--pages=200] [--warmup_s=5]
//
// A real city-aggregator (this build's binary) serving its dashboard over
// HTTPS with the city's certificate; `--nodes` county logs of `--units`
// units each, generated here and pushed to it by the county's Replicator
// with each node's own certificate (pushed_nodes.h), until the city has
// projected every event. Then, while `--rate` more events/s are appended
// and pushed (one per append, round robin over the nodes), `--pages` loads
// of the overview page, each on a fresh TLS connection, fetching one after
// another what a browser fetches to open it (the document, style.css,
// chart.js, i18n.js, app.js, then /api/me, /api/overview, /api/freshness)
// with Chromium's Accept-Encoding. Sequential fetches on one connection:
// a browser fetches some of these in parallel, so this is the slower
// reading. Alternating with each page load: the same overview from
// QueryService GetCityOverview over gRPC (mutual TLS, one channel).
//
// Output:
//   bench: dashboard_overview p95_ms=.. p50_ms=.. page_bytes=..
//          wire_bytes=.. nodes=.. units=.. ingest_per_s=..
//   bench: dashboard_overview_parts NAME_p50_ms=.. NAME_p95_ms=.. ...
//   bench: dashboard_overview_vs_grpc api_p50_ms=.. grpc_p50_ms=.. ratio=..
// page_bytes: the bodies as served uncompressed (HTML + CSS + scripts +
// JSON); wire_bytes: as sent to a client accepting gzip and br.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpcpp/create_channel.h"
#include "httplib.h"
#include "reporting/v1/query.grpc.pb.h"
#include "services/dashboard/accounts.h"
#include "tests/bench/pushed_nodes.h"
#include "tests/replication/harness.h"
#include "tests/testutil/process.h"
#include "tests/testutil/temp_dir.h"

namespace reporting {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kPassword[] = "bench password 1";

struct Config {
  bool quick = false;
  int nodes = 200;
  int units = 50;
  int rate = 1000;
  int pages = 200;
  int warmup_s = 5;
};

// What a browser fetches to open the overview, in its order.
const std::vector<std::pair<std::string, std::string>>& PageResources() {
  static const auto* r = new std::vector<std::pair<std::string, std::string>>{
      {"html", "/"},
      {"css", "/assets/style.css"},
      {"chartjs", "/assets/chart.js"},
      {"i18n", "/assets/i18n.js"},
      {"app", "/assets/app.js"},
      {"me", "/api/me"},
      {"overview", "/api/overview"},
      {"freshness", "/api/freshness"}};
  return *r;
}

void Die(const std::string& what) {
  std::fprintf(stderr, "dashboard_bench: %s\n", what.c_str());
  std::exit(1);
}

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

std::string LoadAverage() {
  std::ifstream f("/proc/loadavg");
  std::string one, five;
  f >> one >> five;
  return one + " " + five;
}

std::string Binary(const char* env, const char* built) {
  const char* v = std::getenv(env);
  return v != nullptr && *v != '\0' ? v : built;
}

struct PageLoad {
  double total_ms = 0;
  std::vector<double> ms;  // per resource, PageResources' order
  size_t bytes = 0;        // bodies as received
};

// One load of the overview page on a fresh connection. `encoding`: the
// Accept-Encoding sent ("identity": uncompressed).
PageLoad LoadPage(int port, const std::string& ca, const std::string& cookie,
                  const std::string& encoding) {
  PageLoad load;
  const auto t0 = Clock::now();
  httplib::SSLClient c("127.0.0.1", port);
  c.set_ca_cert_path(ca.c_str());
  c.enable_server_certificate_verification(true);
  c.set_keep_alive(true);
  c.set_tcp_nodelay(true);  // as Chromium's sockets
  c.set_decompress(false);
  c.set_read_timeout(60, 0);
  const httplib::Headers h = {{"Cookie", cookie},
                              {"Accept-Encoding", encoding}};
  for (const auto& [name, path] : PageResources()) {
    const auto t = Clock::now();
    httplib::Result r = c.Get(path.c_str(), h);
    if (!r || r->status != 200) {
      Die(absl::StrCat(path, ": ",
                       r ? absl::StrCat(r->status, " ", r->body)
                         : httplib::to_string(r.error())));
    }
    load.ms.push_back(Ms(t, Clock::now()));
    load.bytes += r->body.size();
  }
  load.total_ms = Ms(t0, Clock::now());
  return load;
}

std::string SignIn(int port, const std::string& ca) {
  httplib::SSLClient c("127.0.0.1", port);
  c.set_ca_cert_path(ca.c_str());
  c.enable_server_certificate_verification(true);
  httplib::Result r = c.Post(
      "/signin", httplib::Params{{"name", "office"}, {"password", kPassword}});
  if (!r || r->status != 303) Die("sign-in refused");
  const std::string cookie = r->get_header_value("Set-Cookie");
  return cookie.substr(0, cookie.find(';'));
}

v1::CityOverview GrpcOverview(v1::QueryService::Stub& stub) {
  v1::CityOverview out;
  grpc::ClientContext ctx;
  grpc::Status st = stub.GetCityOverview(&ctx, {}, &out);
  if (!st.ok()) Die("GetCityOverview: " + st.error_message());
  return out;
}

void Run(const Config& cfg) {
  testutil::TempDir dir("dashboard-bench");
  const std::string certs = dir.Sub("certs");
  std::string gen_cmd =
      absl::StrCat(Binary("GEN_CERTS", DASHBOARD_BENCH_GEN_CERTS), " ", certs);
  for (const std::string& id : bench::PushedNodes::NodeIds(cfg.nodes)) {
    absl::StrAppend(&gen_cmd, " ", id);
  }
  absl::StrAppend(&gen_cmd, " >/dev/null");
  if (std::system(gen_cmd.c_str()) != 0) Die("gen-certs.sh failed");

  const int dash_port = testutil::FreePort();
  std::vector<std::string> args = replication_test::TlsArgs(certs, "city");
  args.push_back(absl::StrCat("--dashboard_listen=127.0.0.1:", dash_port));
  replication_test::City city(
      replication_test::Binaries{Binary("CITY_BIN", DASHBOARD_BENCH_CITY_BIN),
                                 "", ""},
      dir.Sub("city"), args);
  city.Start();
  if (!testutil::WaitForPort(dash_port, 20000)) Die("no dashboard port");
  auto hash = dashboard::HashPassword(kPassword);
  if (!hash.ok()) Die(hash.status().ToString());
  absl::Status st = dashboard::WriteAccounts(
      dashboard::UsersFile(city.data_dir()), {{"office", "office", *hash}});
  if (!st.ok()) Die(st.ToString());

  // The campaign: 12 events per unit register every unit and move the
  // campaign along (as projection_bench's overview).
  bench::PushedNodes nodes(dir.Sub("nodes"), certs, cfg.nodes, cfg.units);
  const auto fill0 = Clock::now();
  st = nodes.Fill(cfg.units * 12);
  if (!st.ok()) Die(st.ToString());
  nodes.StartReplication(city.address());
  st = nodes.WaitAcknowledged(absl::Minutes(10));
  if (!st.ok()) Die(st.ToString());
  auto stub = v1::QueryService::NewStub(grpc::CreateChannel(
      city.address(), replication_test::ClientTls(certs, "office")));
  v1::CityOverview o = GrpcOverview(*stub);
  while (o.city().events_applied() < nodes.TotalEvents()) {
    if (Ms(fill0, Clock::now()) > 600000) Die("the city did not project");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    o = GrpcOverview(*stub);
  }
  std::printf(
      "dashboard_bench: %d nodes, %llu units, %llu events pushed and "
      "projected in %.1f s (load %s)\n",
      o.nodes_size(),
      static_cast<unsigned long long>(o.city().units().registered()),
      static_cast<unsigned long long>(o.city().events_applied()),
      Ms(fill0, Clock::now()) / 1000, LoadAverage().c_str());
  std::fflush(stdout);

  const std::string ca = certs + "/ca.crt";
  const std::string cookie = SignIn(dash_port, ca);
  const size_t page_bytes = LoadPage(dash_port, ca, cookie, "identity").bytes;
  nodes.StartIngest(cfg.rate);
  std::this_thread::sleep_for(std::chrono::seconds(cfg.warmup_s));
  const uint64_t applied0 = GrpcOverview(*stub).city().events_applied();
  const auto t0 = Clock::now();
  std::vector<PageLoad> loads;
  std::vector<double> grpc_ms;
  for (int i = 0; i < cfg.pages; ++i) {
    loads.push_back(LoadPage(dash_port, ca, cookie, "gzip, deflate, br"));
    const auto g = Clock::now();
    GrpcOverview(*stub);
    grpc_ms.push_back(Ms(g, Clock::now()));
  }
  const double seconds = Ms(t0, Clock::now()) / 1000;
  const uint64_t applied1 = GrpcOverview(*stub).city().events_applied();
  nodes.StopIngest();

  std::vector<double> total;
  for (const PageLoad& l : loads) total.push_back(l.total_ms);
  std::printf(
      "bench: dashboard_overview p95_ms=%.1f p50_ms=%.1f page_bytes=%zu "
      "wire_bytes=%zu nodes=%d units=%llu ingest_per_s=%.0f pages=%d "
      "(target p95 < 200 ms; load %s)\n",
      Percentile(total, 0.95), Percentile(total, 0.5), page_bytes,
      loads.back().bytes, o.nodes_size(),
      static_cast<unsigned long long>(o.city().units().registered()),
      static_cast<double>(applied1 - applied0) / seconds, cfg.pages,
      LoadAverage().c_str());
  std::string parts = "bench: dashboard_overview_parts";
  std::vector<double> api_ms;
  for (size_t r = 0; r < PageResources().size(); ++r) {
    std::vector<double> ms;
    for (const PageLoad& l : loads) ms.push_back(l.ms[r]);
    if (PageResources()[r].first == "overview") api_ms = ms;
    absl::StrAppendFormat(&parts, " %s_p50_ms=%.1f %s_p95_ms=%.1f",
                          PageResources()[r].first, Percentile(ms, 0.5),
                          PageResources()[r].first, Percentile(ms, 0.95));
  }
  std::printf("%s\n", parts.c_str());
  std::printf(
      "bench: dashboard_overview_vs_grpc api_p50_ms=%.1f api_p95_ms=%.1f "
      "grpc_p50_ms=%.1f grpc_p95_ms=%.1f ratio=%.1f (/api/overview over "
      "HTTPS as JSON / GetCityOverview over gRPC, p50)\n",
      Percentile(api_ms, 0.5), Percentile(api_ms, 0.95),
      Percentile(grpc_ms, 0.5), Percentile(grpc_ms, 0.95),
      Percentile(api_ms, 0.5) / Percentile(grpc_ms, 0.5));
  std::fflush(stdout);
}

}  // namespace
}  // namespace reporting

int main(int argc, char** argv) {
  reporting::Config cfg;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&a](const char* flag) {
      return a.rfind(flag, 0) == 0 ? std::stoi(a.substr(std::strlen(flag)))
                                   : -1;
    };
    if (a == "--quick") cfg.quick = true;
    if (value("--nodes=") > 0) cfg.nodes = value("--nodes=");
    if (value("--units=") > 0) cfg.units = value("--units=");
    if (value("--rate=") > 0) cfg.rate = value("--rate=");
    if (value("--pages=") > 0) cfg.pages = value("--pages=");
    if (value("--warmup_s=") >= 0) cfg.warmup_s = value("--warmup_s=");
  }
  if (cfg.quick) {
    cfg.nodes = 4;
    cfg.units = 5;
    cfg.rate = 50;
    cfg.pages = 10;
    cfg.warmup_s = 1;
  }
  reporting::Run(cfg);
  return 0;
}
