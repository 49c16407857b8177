// Headless Chromium on the tables the office reads and downloads: a
// node's rectification items are listed overdue first, in
// ListRectifications' order; and each table's CSV button gives exactly the
// table's rows: the file the button makes (caught in the page as it is
// handed to the browser) against the table in the DOM and QueryService's
// answer to the same query.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "reporting/v1/query.grpc.pb.h"
#include "tests/dashboard/csv_text.h"
#include "tests/dashboard/dashboard_harness.h"
#include "tests/dashboard/webdriver.h"

namespace reporting::dashboard_test {
namespace {

using google::protobuf::Value;

// A table as the page shows it, and the CSV file its button made.
struct ShownTable {
  std::vector<std::string> keys;     // each column's data-k
  std::vector<std::string> header;   // each column's heading text
  std::vector<std::string> ids;      // each row's data-row
  std::vector<std::string> classes;  // each row's class ("stale": overdue)
  std::vector<std::vector<std::string>> cells;  // each row's cell texts
  std::string csv;
};

// Reads table `name` and clicks its CSV button in the same turn of the
// page's event loop (no refresh can come between), catching the file at
// URL.createObjectURL.
std::string ReadScript(const std::string& name) {
  return absl::StrCat(
      "const t = document.querySelector('[data-table=\"", name,
      "\"]'); const b = document.querySelector('[data-csv=\"", name,
      "\"]'); if (!t || !b) return null;"
      "const ths = [...t.querySelectorAll('thead th')];"
      "const dom = {keys: ths.map((h) => h.dataset.k),"
      " header: ths.map((h) => h.textContent),"
      " rows: [...t.querySelectorAll('tbody tr')].map((tr) => ({"
      "  id: tr.dataset.row || '', cls: tr.className,"
      "  cells: [...tr.querySelectorAll('td')].map((td) => td.textContent)}))};"
      "const caught = []; const real = URL.createObjectURL;"
      "URL.createObjectURL = (blob) => { caught.push(blob);"
      " return real.call(URL, blob); };"
      "try { b.click(); } finally { URL.createObjectURL = real; }"
      "if (caught.length !== 1) return null;"
      "return caught[0].text().then((csv) => ({dom, csv}));");
}

std::vector<std::string> Strings(const Value& list) {
  std::vector<std::string> out;
  for (const Value& v : list.list_value().values()) {
    out.push_back(v.string_value());
  }
  return out;
}

ShownTable Read(Browser& b, const std::string& name) {
  const Value v = b.Run(ReadScript(name));
  ShownTable t;
  if (!v.has_struct_value()) return t;
  const auto& f = v.struct_value().fields();
  const auto& dom = f.at("dom").struct_value().fields();
  t.keys = Strings(dom.at("keys"));
  t.header = Strings(dom.at("header"));
  for (const Value& row : dom.at("rows").list_value().values()) {
    const auto& r = row.struct_value().fields();
    t.ids.push_back(r.at("id").string_value());
    t.classes.push_back(r.at("cls").string_value());
    t.cells.push_back(Strings(r.at("cells")));
  }
  t.csv = f.at("csv").string_value();
  return t;
}

size_t Key(const ShownTable& t, const std::string& key) {
  return ColumnOf(t.keys, key);
}

// The CSV file is the heading and the rows of the table, cell for cell.
void ExpectCsvIsTheTable(const ShownTable& t, const std::string& name) {
  ASSERT_FALSE(t.csv.empty()) << name << ": no CSV file was made";
  const auto records = ParseCsv(t.csv);
  ASSERT_EQ(records.size(), t.cells.size() + 1) << name << ":\n" << t.csv;
  EXPECT_EQ(records[0], t.header) << name;
  for (size_t i = 0; i < t.cells.size(); ++i) {
    EXPECT_EQ(records[i + 1], t.cells[i]) << name << " row " << t.ids[i];
  }
}

class DashboardTablesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testutil::TempDir("dashboard-tables");
    cluster_ = new DashboardCluster(*dir_);
    browser_ = new Browser(dir_->path());
    browser_->Go(cluster_->dashboard_url() + "/");
    browser_->Type("#name", "office");
    browser_->Type("#password", kPassword);
    browser_->Click("#submit");
    signed_in_ = browser_->WaitFor("return location.pathname === '/';", 15000);
  }
  static void TearDownTestSuite() {
    delete browser_;
    delete cluster_;
    delete dir_;
  }
  void SetUp() override { ASSERT_TRUE(signed_in_); }
  static std::unique_ptr<v1::QueryService::Stub> Query() {
    return v1::QueryService::NewStub(grpc::CreateChannel(
        cluster_->city_address(),
        replication_test::ClientTls(cluster_->certs(), "office")));
  }
  // Opens `path` and waits until table `name` has `rows` rows.
  static bool Open(const std::string& path, const std::string& name, int rows) {
    browser_->Go(cluster_->dashboard_url() + path);
    return browser_->WaitFor(
        absl::StrCat("return document.querySelectorAll('[data-table=\"", name,
                     "\"] tbody tr').length === ", rows, ";"),
        15000);
  }
  // A node's items as the page asks for them (no day: the city's today).
  static v1::ListRectificationsResponse Items(const std::string& node) {
    v1::ListRectificationsRequest req;
    req.set_node_id(node);
    req.set_page_size(1000);
    v1::ListRectificationsResponse out;
    grpc::ClientContext ctx;
    EXPECT_TRUE(Query()->ListRectifications(&ctx, req, &out).ok());
    EXPECT_TRUE(out.next_page_token().empty());
    return out;
  }

  static testutil::TempDir* dir_;
  static DashboardCluster* cluster_;
  static Browser* browser_;
  static bool signed_in_;
};
testutil::TempDir* DashboardTablesTest::dir_ = nullptr;
DashboardCluster* DashboardTablesTest::cluster_ = nullptr;
Browser* DashboardTablesTest::browser_ = nullptr;
bool DashboardTablesTest::signed_in_ = false;

TEST_F(DashboardTablesTest, NodePageListsOverdueItemsFirst) {
  const std::string node = kNodes[0];
  const v1::ListRectificationsResponse items = Items(node);
  int overdue = 0;
  for (const v1::RectificationRow& r : items.items()) overdue += r.overdue();
  // The generated campaign has both kinds, or the order shows nothing.
  ASSERT_GT(overdue, 0);
  ASSERT_LT(overdue, items.items_size());

  ASSERT_TRUE(Open("/node/" + node, "items", items.items_size()));
  const ShownTable t = Read(*browser_, "items");
  ASSERT_EQ(t.ids.size(), static_cast<size_t>(items.items_size()));
  for (int i = 0; i < items.items_size(); ++i) {
    const v1::RectificationRow& want = items.items(i);
    EXPECT_EQ(t.ids[i], want.item_id()) << "row " << i;
    // Marked overdue exactly for the first `overdue` rows.
    EXPECT_EQ(t.classes[i] == "stale", i < overdue) << want.item_id();
    EXPECT_EQ(want.overdue(), i < overdue) << want.item_id();
  }
}

TEST_F(DashboardTablesTest, NodePageCsvButtonsGiveTheTablesRows) {
  const std::string node = kNodes[0];
  v1::ListUnitsRequest req;
  req.set_node_id(node);
  req.set_page_size(1000);
  v1::ListUnitsResponse units;
  grpc::ClientContext ctx;
  ASSERT_TRUE(Query()->ListUnits(&ctx, req, &units).ok());
  ASSERT_EQ(units.units_size(), 8);
  const v1::ListRectificationsResponse items = Items(node);
  ASSERT_GT(items.items_size(), 0);
  ASSERT_TRUE(Open("/node/" + node, "units", units.units_size()));
  ASSERT_TRUE(browser_->WaitFor(
      absl::StrCat("return document.querySelectorAll('[data-table=\"items\"] "
                   "tbody tr').length === ",
                   items.items_size(), ";"),
      15000));

  const ShownTable u = Read(*browser_, "units");
  ExpectCsvIsTheTable(u, "units");
  ASSERT_EQ(u.ids.size(), 8u);
  const size_t unit_id = Key(u, "unit_id");
  const size_t members = Key(u, "members");
  for (int i = 0; i < units.units_size(); ++i) {
    const v1::UnitRow& want = units.units(i);
    EXPECT_EQ(u.cells[i][unit_id], want.unit_id());
    EXPECT_EQ(u.cells[i][members], absl::StrCat(want.member_count()));
  }

  const ShownTable it = Read(*browser_, "items");
  ExpectCsvIsTheTable(it, "items");
  ASSERT_EQ(it.ids.size(), static_cast<size_t>(items.items_size()));
  const size_t item = Key(it, "item");
  const size_t percent = Key(it, "percent");
  for (int i = 0; i < items.items_size(); ++i) {
    EXPECT_EQ(it.cells[i][item], items.items(i).item_id());
    EXPECT_EQ(it.cells[i][percent],
              absl::StrCat(items.items(i).percent_done()));
  }
}

TEST_F(DashboardTablesTest, OverviewCsvButtonsGiveTheTablesRows) {
  v1::CityOverview overview;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(Query()->GetCityOverview(&ctx, {}, &overview).ok());
  }
  const int rows = overview.nodes_size() + 1;  // and the city's
  ASSERT_TRUE(Open("/", "overview", rows));
  const ShownTable o = Read(*browser_, "overview");
  ExpectCsvIsTheTable(o, "overview");
  const size_t units = Key(o, "units");
  const size_t blocked = Key(o, "blocked");
  ASSERT_EQ(o.ids.size(), static_cast<size_t>(rows));
  for (int i = 0; i < overview.nodes_size(); ++i) {
    const v1::NodeFigures& f = overview.nodes(i);
    EXPECT_EQ(o.ids[i], f.node_id());
    EXPECT_EQ(o.cells[i][units], absl::StrCat(f.units().registered()));
    EXPECT_EQ(o.cells[i][blocked], absl::StrCat(f.units().blocked()));
  }
  EXPECT_EQ(o.cells.back()[units],
            absl::StrCat(overview.city().units().registered()));

  // The freshness table: one row per node, its state a badge in the page.
  ASSERT_TRUE(browser_->WaitFor(
      "return !!document.querySelector('[data-table=\"freshness\"] tbody "
      "tr');",
      15000));
  const ShownTable fresh = Read(*browser_, "freshness");
  ExpectCsvIsTheTable(fresh, "freshness");
  EXPECT_GE(fresh.ids.size(), kNodes.size());
  for (const std::vector<std::string>& row : fresh.cells) {
    EXPECT_FALSE(row[Key(fresh, "status")].empty());
  }
}

}  // namespace
}  // namespace reporting::dashboard_test
