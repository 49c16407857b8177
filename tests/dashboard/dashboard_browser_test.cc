// Headless Chromium (Debian's, through chromedriver) against a city with a
// generated campaign: signs in as the office, opens every page, checks
// that the numbers in the page's DOM equal QueryService's answers, sees a
// new county's campaign appear within 5 s without a reload, switches to
// English, and saves a screenshot of each page in $ARTIFACTS_DIR.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "reporting/v1/query.grpc.pb.h"
#include "tests/dashboard/dashboard_harness.h"
#include "tests/dashboard/webdriver.h"
#include "tests/testutil/files.h"

namespace reporting::dashboard_test {
namespace {

using google::protobuf::Value;

// The cell texts of table `name`: row id -> figure key -> text.
std::string TableScript(const std::string& name) {
  return absl::StrCat(
      "const out = {}; for (const tr of document.querySelectorAll("
      "'[data-table=\"",
      name,
      "\"] tbody tr')) { const row = {}; for (const td of "
      "tr.querySelectorAll('td[data-k]')) row[td.dataset.k] = "
      "td.textContent; out[tr.dataset.row] = row; } return out;");
}

std::map<std::string, std::map<std::string, std::string>> Cells(
    const Value& v) {
  std::map<std::string, std::map<std::string, std::string>> out;
  for (const auto& [row, cells] : v.struct_value().fields()) {
    for (const auto& [k, text] : cells.struct_value().fields()) {
      out[row][k] = text.string_value();
    }
  }
  return out;
}

class DashboardBrowserTest : public ::testing::Test {
 protected:
  DashboardBrowserTest()
      : cluster_(dir_),
        artifacts_(std::getenv("ARTIFACTS_DIR") ? std::getenv("ARTIFACTS_DIR")
                                                : dir_.Sub("artifacts")) {
    std::filesystem::create_directories(artifacts_);
  }
  void Shot(Browser& b, const std::string& name) {
    const std::string png = b.Screenshot();
    ASSERT_EQ(png.substr(0, 4), "\x89PNG");
    testutil::WriteFile(artifacts_ + "/" + name + ".png", png);
    ASSERT_EQ(testutil::ReadFile(artifacts_ + "/" + name + ".png"), png);
  }
  v1::CityOverview GrpcOverview() {
    auto stub = v1::QueryService::NewStub(grpc::CreateChannel(
        cluster_.city_address(),
        replication_test::ClientTls(cluster_.certs(), "office")));
    v1::CityOverview out;
    grpc::ClientContext ctx;
    EXPECT_TRUE(stub->GetCityOverview(&ctx, {}, &out).ok());
    return out;
  }

  testutil::TempDir dir_{"dashboard-browser"};
  DashboardCluster cluster_;
  const std::string artifacts_;
};

TEST_F(DashboardBrowserTest, OfficeSignsInAndEveryPageShowsTheCitysFigures) {
  Browser b(dir_.path());
  const std::string url = cluster_.dashboard_url();
  b.Go(url + "/");
  EXPECT_EQ(b.Run("return location.pathname;").string_value(), "/signin");
  b.Type("#name", "office");
  b.Type("#password", kPassword);
  b.Click("#submit");
  const std::string city_cell =
      "[data-table=\"overview\"] tr[data-row=\"city\"] td[data-k=\"blocked\"]";
  ASSERT_TRUE(b.WaitFor(
      absl::StrCat("return !!document.querySelector('", city_cell, "');"),
      15000))
      << b.Run("return document.body.innerHTML;").string_value();
  // Chinese by default.
  EXPECT_EQ(b.Run("return document.documentElement.lang;").string_value(),
            "zh-CN");
  EXPECT_EQ(b.Run("return document.getElementById('nav-overview')"
                  ".textContent;")
                .string_value(),
            "全市概览");

  // 1. The overview: each node's figures as QueryService answers them.
  const v1::CityOverview grpc_answer = GrpcOverview();
  auto cells = Cells(b.Run(TableScript("overview")));
  ASSERT_EQ(grpc_answer.nodes_size(), static_cast<int>(kNodes.size()));
  for (const v1::NodeFigures& f : grpc_answer.nodes()) {
    auto& row = cells[f.node_id()];
    EXPECT_EQ(row["name"], f.name());
    EXPECT_EQ(row["units"], absl::StrCat(f.units().registered()));
    EXPECT_EQ(row["blocked"], absl::StrCat(f.units().blocked()));
    EXPECT_EQ(row["waiting"], absl::StrCat(f.units().waiting()));
    EXPECT_EQ(row["signed"], absl::StrCat(f.evaluations().signed_opinions()));
    EXPECT_EQ(row["disputed"], absl::StrCat(f.evaluations().disputed()));
    EXPECT_EQ(row["overdue"], absl::StrCat(f.rectifications().overdue()));
  }
  EXPECT_EQ(cells["city"]["blocked"],
            absl::StrCat(grpc_answer.city().units().blocked()));
  EXPECT_EQ(cells["city"]["waiting"],
            absl::StrCat(grpc_answer.city().units().waiting()));
  EXPECT_TRUE(
      b.Run("return !!document.querySelector('#stage-chart');").bool_value());
  Shot(b, "overview");

  // New data appears without a reload: a third county's campaign.
  b.Run("window.notReloaded = true; return 0;");
  ToolRun late = cluster_.GenerateLate();
  ASSERT_EQ(late.exit_code, 0) << late.output;
  const auto generated = std::chrono::steady_clock::now();
  EXPECT_TRUE(b.WaitFor(
      absl::StrCat("const c = document.querySelector('[data-table=\"overview\"]"
                   " tr[data-row=\"",
                   kLateNode,
                   "\"] td[data-k=\"units\"]'); return window.notReloaded "
                   "=== true && !!c && c.textContent === '8';"),
      5000));
  EXPECT_LT(std::chrono::steady_clock::now() - generated,
            std::chrono::seconds(5));

  // 2. A node: its units, as ListUnits answers.
  b.Go(url + "/node/371302");
  ASSERT_TRUE(b.WaitFor(
      "return document.querySelectorAll('[data-table=\"units\"] tbody tr')"
      ".length > 0;",
      10000));
  auto units = Cells(b.Run(TableScript("units")));
  EXPECT_EQ(units.size(), 8u);
  Shot(b, "node");
  // Filtered to the units waiting for another level: ListUnits' answer.
  {
    auto stub = v1::QueryService::NewStub(grpc::CreateChannel(
        cluster_.city_address(),
        replication_test::ClientTls(cluster_.certs(), "office")));
    v1::ListUnitsRequest req;
    req.set_node_id("371302");
    req.set_condition(v1::UNIT_CONDITION_WAITING);
    v1::ListUnitsResponse waiting;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub->ListUnits(&ctx, req, &waiting).ok());
    ASSERT_GT(waiting.units_size(), 0);
    b.Go(url + "/node/371302?condition=UNIT_CONDITION_WAITING");
    const std::string count = absl::StrCat(
        "return document.querySelectorAll('[data-table=\"units\"] tbody tr')"
        ".length === ",
        waiting.units_size(), ";");
    EXPECT_TRUE(b.WaitFor(count, 10000));
    auto rows = Cells(b.Run(TableScript("units")));
    for (const v1::UnitRow& u : waiting.units()) {
      EXPECT_EQ(rows.count(u.unit_id()), 1u) << u.unit_id();
    }
  }

  // 3. A unit: its timeline; the office sees no actors.
  const std::string unit = units.begin()->first;
  b.Go(url + "/unit/371302/" + unit);
  ASSERT_TRUE(b.WaitFor(
      "return document.querySelectorAll('[data-table=\"timeline\"] tbody tr')"
      ".length > 0;",
      10000));
  EXPECT_FALSE(b.Run("return !!document.querySelector('[data-table=\"timeline"
                     "\"] td[data-k=\"actor\"]');")
                   .bool_value());
  auto unit_row = Cells(b.Run(TableScript("unit")));
  EXPECT_EQ(unit_row[unit]["unit_id"], unit);
  Shot(b, "unit");

  // 4. As of a date, beside today; in English.
  b.Go(url + "/asof?date=" +
       absl::FormatTime("%Y-%m-%d", absl::Now(), absl::LocalTimeZone()));
  ASSERT_TRUE(
      b.WaitFor("return !!document.querySelector('[data-table=\"asof\"] "
                "tr[data-row=\"city\"]');",
                20000));
  auto asof = Cells(b.Run(TableScript("asof")));
  EXPECT_EQ(asof["371302"]["asof_units"], "8");
  EXPECT_EQ(asof["371302"]["today_units"], "8");
  b.Click("#lang");
  EXPECT_TRUE(b.WaitFor(
      "return document.getElementById('nav-overview').textContent === "
      "'City overview';",
      5000))
      << b.Run("return document.getElementById('nav-overview').textContent;")
             .string_value();
  Shot(b, "asof-en");

  // An auditor sees who recorded each step on the unit's page.
  b.Click("#signout");
  ASSERT_TRUE(b.WaitFor("return location.pathname === '/signin';", 10000));
  b.Type("#name", "auditor");
  b.Type("#password", kPassword);
  b.Click("#submit");
  ASSERT_TRUE(b.WaitFor("return location.pathname === '/';", 10000));
  b.Go(url + "/unit/371302/" + unit);
  EXPECT_TRUE(
      b.WaitFor("const a = document.querySelector('[data-table=\"timeline\"] "
                "td[data-k=\"actor\"]'); return !!a && a.textContent.includes("
                "'clerk@371302');",
                10000));
  Shot(b, "unit-auditor");
}

}  // namespace
}  // namespace reporting::dashboard_test
