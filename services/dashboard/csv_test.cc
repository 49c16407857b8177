#include "services/dashboard/csv.h"

#include "gtest/gtest.h"

namespace reporting::dashboard {
namespace {

TEST(Csv, QuotesAndBom) {
  CsvTable t{{"a", "b"},
             {{"plain", "with,comma"}, {"say \"hi\"", "two\nlines"}}};
  EXPECT_EQ(
      ToCsv(t),
      "\xEF\xBB\xBF"
      "a,b\r\nplain,\"with,comma\"\r\n\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
}

TEST(Csv, OverviewHasANodeLineAndTheCity) {
  v1::CityOverview o;
  v1::NodeFigures* n = o.add_nodes();
  n->set_node_id("371302");
  n->set_name("兰山区");
  n->mutable_units()->set_registered(20);
  n->mutable_units()->set_blocked(3);
  n->mutable_units()->set_waiting(5);
  (*n->mutable_units()->mutable_waiting_since())["2026-06-01"] = 2;
  (*n->mutable_units()->mutable_waiting_since())["2026-05-20"] = 3;
  *o.mutable_city() = *n;
  o.mutable_city()->clear_node_id();
  CsvTable t = OverviewCsv(o);
  ASSERT_EQ(t.rows.size(), 2u);
  auto col = [&t](const std::string& name) {
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (t.columns[i] == name) return i;
    }
    ADD_FAILURE() << name;
    return size_t{0};
  };
  EXPECT_EQ(t.rows[0][col("name")], "兰山区");
  EXPECT_EQ(t.rows[0][col("blocked")], "3");
  EXPECT_EQ(t.rows[0][col("waiting")], "5");
  EXPECT_EQ(t.rows[0][col("waiting_since")], "2026-05-20");
  EXPECT_EQ(t.rows[1][col("node")], "city");
}

}  // namespace
}  // namespace reporting::dashboard
