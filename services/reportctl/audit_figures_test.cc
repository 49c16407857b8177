// FlattenFigures: the rows of `reportctl audit asof`.
#include "services/reportctl/audit_figures.h"

#include <map>

#include "gtest/gtest.h"
#include "reporting/v1/projection.pb.h"

namespace reporting::reportctl {
namespace {

std::map<std::string, std::string> Flat(const google::protobuf::Message& m,
                                        const std::string& prefix = "") {
  FigureRows rows;
  FlattenFigures(m, prefix, &rows);
  return std::map<std::string, std::string>(rows.begin(), rows.end());
}

TEST(AuditFiguresTest, NamesEnumKeysAndListsZeros) {
  v1::NodeFigures f;
  f.set_node_id("371302");
  f.set_kind(v1::NODE_KIND_DISTRICT);
  f.mutable_units()->set_registered(7);
  (*f.mutable_units()->mutable_by_stage())[1] = 5;
  (*f.mutable_units()->mutable_by_stage_step())[23] = 2;
  (*f.mutable_units()->mutable_by_batch())[9] = 1;  // not a Batch value
  (*f.mutable_rectifications()->mutable_open_deadlines())["2024-09-01"] = 4;
  auto rows = Flat(f);
  EXPECT_EQ(rows["node_id"], "371302");
  EXPECT_EQ(rows["kind"], "NODE_KIND_DISTRICT");
  EXPECT_EQ(rows["units.registered"], "7");
  EXPECT_EQ(rows["units.by_stage[STUDY_MOBILISATION]"], "5");
  EXPECT_EQ(rows["units.by_stage_step[ANALYSIS_EVALUATION/REPORT]"], "2");
  EXPECT_EQ(rows["units.by_batch[9]"], "1");
  EXPECT_EQ(rows["rectifications.open_deadlines[2024-09-01]"], "4");
  EXPECT_EQ(rows["evaluations.recorded"], "0");  // zeros are listed
  EXPECT_EQ(rows.count("units.by_stage[1]"), 0u);
}

TEST(AuditFiguresTest, RepeatedMessagesAreIndexed) {
  v1::UnitRow u;
  u.set_unit_id("371302-U1");
  auto* b = u.add_blocking();
  b->set_code(v1::BLOCKING_REASON_CODE_SELF_INSPECTION_INCOMPLETE);
  b->set_count(8);
  auto rows = Flat(u, "unit.");
  EXPECT_EQ(rows["unit.unit_id"], "371302-U1");
  EXPECT_EQ(rows["unit.blocking[0].code"],
            "BLOCKING_REASON_CODE_SELF_INSPECTION_INCOMPLETE");
  EXPECT_EQ(rows["unit.blocking[0].count"], "8");
}

}  // namespace
}  // namespace reporting::reportctl
