// The dashboard over HTTPS as a program sees it: who is refused (no
// session, wrong password, a clerk account, a county certificate), the
// session cookie's flags, the JSON equal to QueryService's answer, the CSV
// download, and no person-level data for the office.
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "reporting/v1/query.grpc.pb.h"
#include "tests/dashboard/dashboard_harness.h"
#include "tests/testutil/files.h"

namespace reporting::dashboard_test {
namespace {

using google::protobuf::util::MessageDifferencer;

class DashboardHttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testutil::TempDir("dashboard-http");
    cluster_ = new DashboardCluster(*dir_);
  }
  static void TearDownTestSuite() {
    delete cluster_;
    delete dir_;
  }
  static httplib::Result Get(const std::string& path,
                             const std::string& cookie) {
    httplib::Headers h;
    if (!cookie.empty()) h.emplace("Cookie", cookie);
    return cluster_->Client()->Get(path.c_str(), h);
  }
  static std::unique_ptr<v1::QueryService::Stub> Query() {
    return v1::QueryService::NewStub(grpc::CreateChannel(
        cluster_->city_address(),
        replication_test::ClientTls(cluster_->certs(), "office")));
  }

  static testutil::TempDir* dir_;
  static DashboardCluster* cluster_;
};
testutil::TempDir* DashboardHttpTest::dir_ = nullptr;
DashboardCluster* DashboardHttpTest::cluster_ = nullptr;

TEST_F(DashboardHttpTest, WithoutASessionNothingIsShown) {
  for (const char* path : {"/api/overview", "/csv/overview", "/api/units"}) {
    httplib::Result r = Get(path, "");
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 401) << path;
    EXPECT_NE(r->body.find("sign in"), std::string::npos) << r->body;
  }
  httplib::Result page = Get("/", "");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 303);
  EXPECT_EQ(page->get_header_value("Location"), "/signin");
  httplib::Result forged = Get("/api/overview", "dash_session=forged");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);
}

TEST_F(DashboardHttpTest, SignInRefusesWrongPasswordsClerksAndCertificates) {
  auto client = cluster_->Client();
  for (const auto& [name, password, status] :
       {std::tuple{"office", "wrong password!", 401},
        std::tuple{"nobody", kPassword, 401},
        std::tuple{"clerk-371302", kPassword, 403}}) {
    httplib::Result r = client->Post(
        "/signin", httplib::Params{{"name", name}, {"password", password}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << name;
    EXPECT_FALSE(r->has_header("Set-Cookie")) << name;
    EXPECT_NE(r->body.find("signin-error"), std::string::npos) << r->body;
  }
  // A county's certificate is no way in: the dashboard knows only accounts.
  const std::string c = cluster_->certs();
  httplib::SSLClient county("127.0.0.1", cluster_->dashboard_port(),
                            c + "/node-371302.crt", c + "/node-371302.key");
  county.set_ca_cert_path((c + "/ca.crt").c_str());
  county.enable_server_certificate_verification(true);
  httplib::Result r = county.Get("/api/overview");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

TEST_F(DashboardHttpTest, SessionCookieIsSecureAndHttpOnly) {
  httplib::Result r = cluster_->Client()->Post(
      "/signin", httplib::Params{{"name", "office"}, {"password", kPassword}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 303);
  const std::string cookie = r->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_TRUE(r->has_header("Strict-Transport-Security"));
}

TEST_F(DashboardHttpTest, OverviewJsonIsQueryServicesAnswer) {
  const std::string cookie = cluster_->SignIn("office", kPassword);
  ASSERT_FALSE(cookie.empty());
  httplib::Result r = Get(std::string("/api/overview?today=") + kToday, cookie);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  v1::CityOverview page;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r->body, &page).ok())
      << r->body;

  v1::GetCityOverviewRequest req;
  req.set_today(kToday);
  v1::CityOverview grpc_answer;
  grpc::ClientContext ctx;
  ASSERT_TRUE(Query()->GetCityOverview(&ctx, req, &grpc_answer).ok());
  ASSERT_EQ(page.nodes_size(), grpc_answer.nodes_size());
  ASSERT_EQ(page.nodes_size(), static_cast<int>(kNodes.size()));
  for (int i = 0; i < page.nodes_size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(page.nodes(i).units(),
                                           grpc_answer.nodes(i).units()))
        << page.nodes(i).units().DebugString();
    EXPECT_TRUE(MessageDifferencer::Equals(page.nodes(i).evaluations(),
                                           grpc_answer.nodes(i).evaluations()));
    EXPECT_TRUE(MessageDifferencer::Equals(
        page.nodes(i).rectifications(), grpc_answer.nodes(i).rectifications()));
  }
  EXPECT_EQ(page.city().units().blocked(),
            grpc_answer.city().units().blocked());
  EXPECT_EQ(page.city().units().waiting(),
            grpc_answer.city().units().waiting());
  EXPECT_GT(page.city().units().waiting(), 0u);
  EXPECT_GT(page.city().units().blocked(), 0u);
}

TEST_F(DashboardHttpTest, CsvDownloadsAndBadParameters) {
  const std::string cookie = cluster_->SignIn("office", kPassword);
  ASSERT_FALSE(cookie.empty());
  httplib::Result csv = Get("/csv/overview", cookie);
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200) << csv->body;
  EXPECT_NE(csv->get_header_value("Content-Type").find("text/csv"),
            std::string::npos);
  EXPECT_NE(csv->get_header_value("Content-Disposition").find("overview.csv"),
            std::string::npos);
  size_t lines = 0;
  for (char ch : csv->body) lines += ch == '\n';
  EXPECT_EQ(lines, kNodes.size() + 2) << csv->body;  // header, nodes, city

  httplib::Result units =
      Get("/csv/units?condition=UNIT_CONDITION_WAITING", cookie);
  ASSERT_TRUE(units);
  ASSERT_EQ(units->status, 200);
  EXPECT_EQ(units->body.find(",blocked,"), std::string::npos) << units->body;

  httplib::Result bad = Get("/api/units?stage=NOT_A_STAGE", cookie);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("NOT_A_STAGE"), std::string::npos) << bad->body;
}

TEST_F(DashboardHttpTest, OfficeSeesCountsAuditorSeesPeople) {
  const std::string office = cluster_->SignIn("office", kPassword);
  const std::string auditor = cluster_->SignIn("auditor", kPassword);
  ASSERT_FALSE(office.empty());
  ASSERT_FALSE(auditor.empty());
  httplib::Result list = Get("/api/units?node=371302&page_size=1", office);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200);
  v1::ListUnitsResponse units;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(list->body, &units).ok());
  ASSERT_EQ(units.units_size(), 1);
  const std::string path =
      "/api/unit?node=371302&unit=" + units.units(0).unit_id();
  httplib::Result a = Get(path, auditor);
  httplib::Result o = Get(path, office);
  ASSERT_TRUE(a && o);
  ASSERT_EQ(a->status, 200) << a->body;
  ASSERT_EQ(o->status, 200) << o->body;
  // The auditor's timeline names the members and who recorded each step;
  // the office's has neither.
  const std::string tag = "\"MemberRegistered\",\"detail\":\"";
  const size_t at = a->body.find(tag);
  ASSERT_NE(at, std::string::npos) << a->body;
  const size_t from = a->body.find(' ', at + tag.size()) + 1;
  const std::string member =
      a->body.substr(from, a->body.find('"', from) - from);
  ASSERT_FALSE(member.empty()) << a->body;
  EXPECT_NE(a->body.find("clerk@371302"), std::string::npos) << a->body;
  EXPECT_EQ(o->body.find(member), std::string::npos) << o->body;
  EXPECT_EQ(o->body.find("MemberRegistered"), std::string::npos) << o->body;
  EXPECT_EQ(o->body.find("clerk@"), std::string::npos) << o->body;
  EXPECT_NE(o->body.find("\"roster_events\":"), std::string::npos);
  // The same unit row for both: the counts are not person-level.
  EXPECT_NE(o->body.find(units.units(0).unit_id()), std::string::npos);
}

// Static files go out compressed once at start (gzip), not per request,
// and whole to a client that does not accept gzip.
TEST_F(DashboardHttpTest, StaticFilesArePrecompressedGzip) {
  const std::string chart =
      testutil::ReadFile("/usr/share/javascript/chart.js/chart.min.js");
  ASSERT_GT(chart.size(), 100000u);
  auto client = cluster_->Client();
  httplib::Result gz = client->Get("/assets/chart.js",
                                   {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_TRUE(gz);
  ASSERT_EQ(gz->status, 200);
  EXPECT_EQ(gz->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(gz->body, chart);  // httplib's client inflates it
  httplib::Result raw =
      client->Get("/assets/chart.js", {{"Accept-Encoding", "identity"}});
  ASSERT_TRUE(raw);
  EXPECT_FALSE(raw->has_header("Content-Encoding"));
  EXPECT_EQ(raw->body, chart);
  EXPECT_EQ(raw->get_header_value("Content-Type"),
            "text/javascript; charset=utf-8");
}

// Plain HTTP only on loopback and only when asked; HTTPS needs the city's
// certificate. The aggregator refuses to start otherwise, naming the flags.
TEST_F(DashboardHttpTest, PlainHttpOnlyOnLoopbackWithTheFlag) {
  const std::string city = std::getenv("CITY_BIN");
  const std::string data = dir_->Sub("refused-city");
  for (const auto& [flags, says] :
       {std::pair{"--insecure --dashboard_insecure_http "
                  "--dashboard_listen=0.0.0.0:1",
                  "only on a loopback address"},
        std::pair{"--insecure --dashboard_listen=127.0.0.1:1",
                  "serves HTTPS with the city's certificate"}}) {
    ToolRun run = Shell(absl::StrCat("timeout 20 ", city, " --data_dir=", data,
                                     " --listen=127.0.0.1:0 ", flags));
    EXPECT_NE(run.exit_code, 0) << flags;
    EXPECT_NE(run.output.find(says), std::string::npos) << run.output;
  }
}

// Password guessing is slowed: after --dashboard_signin_failures (5) failed
// sign-ins from one address, further attempts are 429 with Retry-After,
// the right password included. Last in the suite: the address stays
// limited for the window.
TEST_F(DashboardHttpTest, ZRepeatedFailuresAreRateLimited) {
  auto client = cluster_->Client();
  int attempts = 0;
  int status = 401;
  std::string retry_after;
  while (status == 401 && attempts < 10) {
    httplib::Result r = client->Post(
        "/signin",
        httplib::Params{{"name", "auditor"},
                        {"password", absl::StrCat("guess ", attempts)}});
    ASSERT_TRUE(r);
    status = r->status;
    retry_after = r->get_header_value("Retry-After");
    ++attempts;
  }
  EXPECT_EQ(status, 429);
  EXPECT_LE(attempts, 6);
  EXPECT_FALSE(retry_after.empty());
  httplib::Result right = client->Post(
      "/signin", httplib::Params{{"name", "auditor"}, {"password", kPassword}});
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 429);
  EXPECT_FALSE(right->has_header("Set-Cookie"));
}

}  // namespace
}  // namespace reporting::dashboard_test
