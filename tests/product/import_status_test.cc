// reportctl import and status against a real county node replicating to a
// city: the sample files of deploy/samples apply whole, a file with bad
// rows names each by file:line and appends nothing, re-importing appends
// nothing; status shows the head and that the city caught up.
#include <chrono>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "reporting/v1/command.pb.h"
#include "services/generator/generate_driver.h"
#include "tests/product/product_harness.h"

namespace reporting::product_test {
namespace {

std::string Samples() {
  const char* dir = std::getenv("SAMPLES_DIR");
  return dir == nullptr ? "" : dir;
}

template <typename Request, typename Body>
generator::Command Make(const std::string& method, const std::string& id,
                        const Body& body) {
  auto request = std::make_shared<Request>();
  request->mutable_meta()->set_command_id(id);
  request->mutable_meta()->set_actor("test:setup");
  *request->mutable_body() = body;
  return generator::Command{method, request};
}

class ImportStatusTest : public ::testing::Test {
 protected:
  ImportStatusTest() : cluster_(dir_, {"371302"}) {}

  // Node 371302 with units U9001 (first batch, 3 members) and U9002.
  void Register() {
    auto channel = grpc::CreateChannel(cluster_.county(0),
                                       grpc::InsecureChannelCredentials());
    generator::CommandSender sender(channel);
    std::vector<generator::Command> commands;
    v1::NodeRegistered node;
    node.set_node_id("371302");
    node.set_name("兰山区");
    node.set_kind(v1::NODE_KIND_DISTRICT);
    commands.push_back(
        Make<v1::RegisterNodeRequest>("RegisterNode", "n", node));
    for (int u : {9001, 9002}) {
      v1::UnitRegistered unit;
      unit.set_unit_id(absl::StrCat("371302-U", u));
      unit.set_name(u == 9001 ? "兰山区财政局" : "银雀山街道党工委");
      unit.set_batch(u == 9001 ? v1::BATCH_FIRST : v1::BATCH_SECOND);
      unit.set_member_count(3);
      unit.set_category(u == 9001 ? "机关" : "街道");
      commands.push_back(
          Make<v1::RegisterUnitRequest>("RegisterUnit", unit.unit_id(), unit));
    }
    v1::BranchRegistered branch;
    branch.set_branch_id("371302-U9001-B01");
    branch.set_unit_id("371302-U9001");
    branch.set_name("第一党支部");
    commands.push_back(
        Make<v1::RegisterBranchRequest>("RegisterBranch", "b", branch));
    for (int m = 1; m <= 3; ++m) {
      v1::MemberRegistered member;
      member.set_member_id(absl::StrCat("371302-U9001-M000", m));
      member.set_unit_id("371302-U9001");
      member.set_branch_id("371302-U9001-B01");
      member.set_name(absl::StrCat("党员", m));
      commands.push_back(Make<v1::RegisterMemberRequest>(
          "RegisterMember", member.member_id(), member));
    }
    for (const auto& c : commands) {
      absl::StatusOr<v1::CommandResult> r = sender.Send(c);
      ASSERT_TRUE(r.ok()) << r.status();
    }
  }

  ToolRun Import(const std::string& kind, const std::string& file) {
    return Reportctl({"import", "--county", cluster_.county(0), "--kind", kind,
                      file, "--insecure"},
                     dir_.path());
  }
  ToolRun Status() {
    return Reportctl(
        {"status", "--county", cluster_.county(0), "--json", "--insecure"},
        dir_.path());
  }
  // The county's head, from `reportctl status --json`.
  uint64_t Head() {
    ToolRun run = Status();
    EXPECT_EQ(run.exit_code, 0) << run.output;
    const std::string key = "\"head_sequence\": ";
    const size_t at = run.output.find(key);
    if (at == std::string::npos) return 0;
    uint64_t head = 0;
    const std::string rest = run.output.substr(at + key.size());
    EXPECT_TRUE(
        absl::SimpleAtoi(rest.substr(0, rest.find_first_of(",\n}")), &head))
        << run.output;
    return head;
  }

  testutil::TempDir dir_{"product-import"};
  Cluster cluster_;
};

TEST_F(ImportStatusTest, SamplesApplyWholeBadFilesApplyNothingReimportIsNoop) {
  ASSERT_FALSE(Samples().empty()) << "SAMPLES_DIR is not set";
  Register();
  const uint64_t start = Head();
  ASSERT_EQ(start, 7u);

  // Bad rows the node refuses: an unknown member and an opinion without
  // shortcomings. Both are reported; nothing is appended.
  const std::string bad = dir_.Sub("bad-evaluations.csv");
  WriteFile(bad,
            "member_id,rating,shortcomings,self_review,peer_review,"
            "public_review,opinions_gathered,shown_on,signed_on\n"
            "371302-U9001-M0001,qualified,学习不够,,,,,2026-05-10,2026-05-11\n"
            "371302-U9001-M0042,qualified,学习不够,,,,,,\n"
            "371302-U9001-M0002,excellent,,,,,,,\n");
  ToolRun refused = Import("evaluations", bad);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find(bad + ":3: "), std::string::npos)
      << refused.output;
  EXPECT_NE(refused.output.find("M0042"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find(bad + ":4: "), std::string::npos)
      << refused.output;
  EXPECT_EQ(refused.output.find(bad + ":2: "), std::string::npos)
      << refused.output;
  EXPECT_EQ(Head(), start);

  // A cell of the wrong form is caught before anything is sent.
  const std::string malformed = dir_.Sub("malformed.csv");
  WriteFile(malformed,
            "item_id,kind,description,class,measures,responsible_person,"
            "deadline\n"
            "371302-U9001-R001,conduct,问题,immediate,措施,张三,2026-02-30\n");
  ToolRun form = Import("rectification", malformed);
  EXPECT_EQ(form.exit_code, 1) << form.output;
  EXPECT_NE(form.output.find(malformed + ":2: deadline"), std::string::npos)
      << form.output;
  EXPECT_EQ(Head(), start);

  // The samples apply whole: 3 evaluation rows (3 + 2 + 1 commands), 4
  // items (3 planned), 2 censuses.
  uint64_t expected = start;
  for (const auto& [kind, events] :
       std::vector<std::pair<std::string, uint64_t>>{
           {"evaluations", 6}, {"rectification", 7}, {"census", 2}}) {
    const std::string file = Samples() + "/" + kind + ".csv";
    ToolRun applied = Import(kind, file);
    ASSERT_EQ(applied.exit_code, 0) << kind << ": " << applied.output;
    expected += events;
    EXPECT_EQ(Head(), expected) << kind;
    // Again: the same file is a duplicate batch and appends nothing.
    ToolRun again = Import(kind, file);
    ASSERT_EQ(again.exit_code, 0) << again.output;
    EXPECT_NE(again.output.find("already imported"), std::string::npos)
        << again.output;
    EXPECT_EQ(Head(), expected) << kind;
  }

  // The bad file again: its first answer is final (its batch id is the
  // file's digest), though the samples changed the state meanwhile.
  ToolRun again = Import("evaluations", bad);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find(bad + ":3: "), std::string::npos) << again.output;
  EXPECT_EQ(again.output.find(bad + ":2: "), std::string::npos) << again.output;
  EXPECT_EQ(Head(), expected);

  // A row that was applied before, in another file, is refused whole.
  const std::string repeat = dir_.Sub("repeat-evaluations.csv");
  WriteFile(
      repeat,
      "member_id,rating,shortcomings,self_review,peer_review,"
      "public_review,opinions_gathered,shown_on,signed_on\n"
      "371302-U9001-M0001,qualified,学习不够,,,,,2026-05-10,2026-05-11\n");
  ToolRun twice = Import("evaluations", repeat);
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.output.find(repeat + ":2: "), std::string::npos)
      << twice.output;
  EXPECT_EQ(Head(), expected);

  // Status: the city catches up; the table and CSV forms.
  bool caught_up = false;
  for (int i = 0; i < 100 && !caught_up; ++i) {
    ToolRun s = Status();
    caught_up = s.exit_code == 0 &&
                s.output.find("\"lag_events\": 0") != std::string::npos &&
                s.output.find(absl::StrCat("\"acked_sequence\": ", expected)) !=
                    std::string::npos;
    if (!caught_up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(caught_up) << Status().output;
  ToolRun table = Reportctl(
      {"status", "--county", cluster_.county(0), "--insecure"}, dir_.path());
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.output.find("STREAMING"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("371302"), std::string::npos) << table.output;
  ToolRun csv = Reportctl(
      {"status", "--county", cluster_.county(0), "--csv", "--insecure"},
      dir_.path());
  EXPECT_TRUE(absl::StartsWith(csv.output, "node,head_sequence,"))
      << csv.output;
}

}  // namespace
}  // namespace reporting::product_test
