// The dashboard's JSON endpoints a program may call directly, against the
// gRPC answer to the same query: /api/node is QueryService GetNodeDetail's
// answer (its figures; its freshness but for the ages), /api/asof is
// AuditService StateAsOf's on the received axis up to the end of the chosen
// day, /csv/rectifications is ListRectifications' rows (overdue first); and
// none of them answers without a live session.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "reporting/v1/audit.grpc.pb.h"
#include "reporting/v1/query.grpc.pb.h"
#include "tests/dashboard/csv_text.h"
#include "tests/dashboard/dashboard_harness.h"

namespace reporting::dashboard_test {
namespace {

using google::protobuf::util::JsonStringToMessage;
using google::protobuf::util::MessageDifferencer;

class DashboardApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testutil::TempDir("dashboard-api");
    cluster_ = new DashboardCluster(*dir_);
    cookie_ = new std::string(cluster_->SignIn("office", kPassword));
  }
  static void TearDownTestSuite() {
    delete cookie_;
    delete cluster_;
    delete dir_;
  }
  static httplib::Result Get(const std::string& path,
                             const std::string& cookie) {
    httplib::Headers h;
    if (!cookie.empty()) h.emplace("Cookie", cookie);
    return cluster_->Client()->Get(path.c_str(), h);
  }
  static std::shared_ptr<grpc::Channel> Channel(const std::string& cert) {
    return grpc::CreateChannel(
        cluster_->city_address(),
        replication_test::ClientTls(cluster_->certs(), cert));
  }

  static testutil::TempDir* dir_;
  static DashboardCluster* cluster_;
  static std::string* cookie_;
};
testutil::TempDir* DashboardApiTest::dir_ = nullptr;
DashboardCluster* DashboardApiTest::cluster_ = nullptr;
std::string* DashboardApiTest::cookie_ = nullptr;

TEST_F(DashboardApiTest, NodeIsGetNodeDetailsAnswer) {
  ASSERT_FALSE(cookie_->empty());
  auto query = v1::QueryService::NewStub(Channel("office"));
  for (const std::string& node : kNodes) {
    httplib::Result r =
        Get(absl::StrCat("/api/node?node=", node, "&today=", kToday), *cookie_);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    v1::NodeDetail page;
    ASSERT_TRUE(JsonStringToMessage(r->body, &page).ok()) << r->body;

    v1::GetNodeDetailRequest req;
    req.set_node_id(node);
    req.set_today(kToday);
    v1::NodeDetail grpc_answer;
    grpc::ClientContext ctx;
    ASSERT_TRUE(query->GetNodeDetail(&ctx, req, &grpc_answer).ok());
    // The figures exactly; of the freshness, what does not move with the
    // clock between the two answers (lag and contact ages do).
    EXPECT_TRUE(
        MessageDifferencer::Equals(page.figures(), grpc_answer.figures()))
        << "page: " << page.figures().DebugString()
        << "\ngRPC: " << grpc_answer.figures().DebugString();
    EXPECT_EQ(page.today(), kToday);
    EXPECT_EQ(page.today(), grpc_answer.today());
    const v1::NodeFreshness& a = page.freshness();
    const v1::NodeFreshness& b = grpc_answer.freshness();
    EXPECT_EQ(a.node_id(), node);
    EXPECT_EQ(a.node_id(), b.node_id());
    EXPECT_EQ(a.copy_sequence(), b.copy_sequence());
    EXPECT_EQ(a.projected_sequence(), b.projected_sequence());
    EXPECT_EQ(a.projected_recorded_at_us(), b.projected_recorded_at_us());
    EXPECT_EQ(a.replication_state(), b.replication_state());
    EXPECT_GT(a.projected_sequence(), 0u);
    EXPECT_EQ(page.figures().units().registered(), 8u) << node;
  }
  // A node the city does not know: the gRPC refusal, as HTTP.
  v1::GetNodeDetailRequest req;
  req.set_node_id("999999");
  v1::NodeDetail unused;
  grpc::ClientContext ctx;
  const grpc::Status refused = query->GetNodeDetail(&ctx, req, &unused);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::NOT_FOUND);
  httplib::Result r = Get("/api/node?node=999999", *cookie_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find(refused.error_message()), std::string::npos)
      << r->body;
}

TEST_F(DashboardApiTest, AsOfIsAuditStateAsOfOnTheReceivedAxis) {
  ASSERT_FALSE(cookie_->empty());
  auto audit = v1::AuditService::NewStub(Channel("auditor"));
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::LocalTimeZone());
  // Today (the campaign was received today) and a day before it.
  for (const absl::CivilDay day : {today, today - 400}) {
    const std::string date = absl::FormatCivilTime(day);
    httplib::Result r = Get("/api/asof?date=" + date, *cookie_);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    v1::StateAsOfResponse page;
    ASSERT_TRUE(JsonStringToMessage(r->body, &page).ok()) << r->body;

    v1::StateAsOfRequest req;
    req.set_as_of_us(
        absl::ToUnixMicros(absl::FromCivil(day + 1, absl::LocalTimeZone())) -
        1);
    req.set_axis(v1::TIME_AXIS_RECEIVED);
    req.set_today(date);
    v1::StateAsOfResponse grpc_answer;
    grpc::ClientContext ctx;
    grpc::Status st = audit->StateAsOf(&ctx, req, &grpc_answer);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_TRUE(MessageDifferencer::Equals(page, grpc_answer))
        << date << "\npage: " << page.DebugString()
        << "\ngRPC: " << grpc_answer.DebugString();
    EXPECT_EQ(page.today(), date);
    EXPECT_EQ(page.figures().units().registered(),
              day == today ? 8u * kNodes.size() : 0u)
        << date;
  }
  httplib::Result bad = Get("/api/asof?date=2026-13-01", *cookie_);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("2026-13-01"), std::string::npos) << bad->body;
}

TEST_F(DashboardApiTest, RectificationsCsvIsListRectificationsOverdueFirst) {
  ASSERT_FALSE(cookie_->empty());
  auto query = v1::QueryService::NewStub(Channel("office"));
  v1::ListRectificationsRequest req;
  req.set_node_id(kNodes[0]);
  req.set_today(kToday);
  req.set_page_size(1000);
  v1::ListRectificationsResponse items;
  grpc::ClientContext ctx;
  ASSERT_TRUE(query->ListRectifications(&ctx, req, &items).ok());
  ASSERT_TRUE(items.next_page_token().empty());

  httplib::Result r = Get(
      absl::StrCat("/csv/rectifications?node=", kNodes[0], "&today=", kToday),
      *cookie_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto records = ParseCsv(r->body);
  ASSERT_EQ(records.size(), static_cast<size_t>(items.items_size()) + 1);
  const size_t item = ColumnOf(records[0], "item");
  const size_t overdue = ColumnOf(records[0], "overdue");
  const size_t percent = ColumnOf(records[0], "percent_done");
  int overdue_rows = 0;
  for (int i = 0; i < items.items_size(); ++i) {
    const v1::RectificationRow& want = items.items(i);
    const std::vector<std::string>& got = records[i + 1];
    EXPECT_EQ(got[item], want.item_id()) << "row " << i;
    EXPECT_EQ(got[overdue], want.overdue() ? "yes" : "no") << want.item_id();
    EXPECT_EQ(got[percent], absl::StrCat(want.percent_done()));
    // Overdue first: no overdue row after one that is not.
    if (want.overdue()) {
      EXPECT_EQ(overdue_rows++, i) << want.item_id();
    }
  }
  EXPECT_GT(overdue_rows, 0);
  EXPECT_LT(overdue_rows, items.items_size());
}

// Every data path, and the sign-out ending the session for all of them.
TEST_F(DashboardApiTest, NothingAnswersWithoutALiveSession) {
  const std::string node = absl::StrCat("?node=", kNodes[0]);
  const std::vector<std::string> paths = {"/api/node" + node,
                                          "/api/asof?date=2026-11-30",
                                          "/api/units" + node,
                                          "/api/rectifications" + node,
                                          "/api/census",
                                          "/api/freshness",
                                          "/csv/asof?date=2026-11-30",
                                          "/csv/units" + node,
                                          "/csv/rectifications" + node,
                                          "/csv/census",
                                          "/csv/freshness"};
  const std::string session = cluster_->SignIn("auditor", kPassword);
  ASSERT_FALSE(session.empty());
  for (const std::string& path : paths) {
    httplib::Result live = Get(path, session);
    ASSERT_TRUE(live) << path;
    EXPECT_EQ(live->status, 200) << path << ": " << live->body;
  }
  httplib::Headers h = {{"Cookie", session}};
  httplib::Result out =
      cluster_->Client()->Post("/signout", h, std::string(), std::string());
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 303);
  for (const std::string& cookie :
       {std::string(), std::string("dash_session=forged"), session}) {
    for (const std::string& path : paths) {
      httplib::Result r = Get(path, cookie);
      ASSERT_TRUE(r) << path;
      EXPECT_EQ(r->status, 401) << path << " with cookie '" << cookie << "'";
      EXPECT_NE(r->body.find("sign in"), std::string::npos) << r->body;
      EXPECT_EQ(r->body.find("\"figures\""), std::string::npos) << r->body;
    }
  }
}

}  // namespace
}  // namespace reporting::dashboard_test
