// Registration and the roster (DOMAIN.md "Who reports to whom",
// registration.h), decided and folded without a node.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/registration.h"
#include "services/domain/testing/test_stream.h"

namespace reporting::domain {
namespace {

using ::testing::HasSubstr;

constexpr char kNode[] = "371302";
constexpr char kUnit[] = "371302-U0042";
constexpr char kBranch[] = "371302-U0042-B01";
constexpr char kMember[] = "371302-U0042-M0007";

v1::NodeRegistered Node() {
  v1::NodeRegistered r;
  r.set_node_id(kNode);
  r.set_name("兰山区");
  r.set_kind(v1::NODE_KIND_DISTRICT);
  return r;
}

v1::UnitRegistered Unit() {
  v1::UnitRegistered r;
  r.set_unit_id(kUnit);
  r.set_name("兰山区委办公室");
  r.set_batch(v1::BATCH_SECOND);
  r.set_member_count(30);
  return r;
}

v1::BranchRegistered Branch() {
  v1::BranchRegistered r;
  r.set_branch_id(kBranch);
  r.set_name("第一党支部");
  return r;
}

v1::MemberRegistered Member() {
  v1::MemberRegistered r;
  r.set_member_id(kMember);
  r.set_branch_id(kBranch);
  r.set_name("王芳");
  return r;
}

class RegistrationTest : public ::testing::Test {
 protected:
  RegistrationTest() : unit_stream_(std::string("unit/") + kUnit) {}

  template <typename M>
  void Accept(const absl::StatusOr<M>& decided) {
    ASSERT_TRUE(decided.ok()) << decided.status();
    unit_stream_.Add(*decided);
    absl::StatusOr<Roster> folded = FoldRoster(unit_stream_.events());
    ASSERT_TRUE(folded.ok()) << folded.status();
    roster_ = *folded;
  }

  testing::TestStream unit_stream_;
  Roster roster_;
};

TEST_F(RegistrationTest, TheNodeIsRegisteredOnceWithNameAndKind) {
  testing::TestStream node_stream(std::string("node/") + kNode);
  ASSERT_TRUE(DecideRegisterNode(node_stream.events(), Node()).ok());
  v1::NodeRegistered r = Node();
  r.set_name("");
  absl::Status refused = DecideRegisterNode(node_stream.events(), r).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("name is required"));
  r = Node();
  r.clear_kind();
  refused = DecideRegisterNode(node_stream.events(), r).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("kind is required"));

  node_stream.Add(Node());
  refused = DecideRegisterNode(node_stream.events(), Node()).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(refused.message(), HasSubstr("already registered"));
}

TEST_F(RegistrationTest, AUnitComesAfterItsNodeAndOnce) {
  absl::Status refused = DecideRegisterUnit(false, roster_, Unit()).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("RegisterNode"));

  Accept(DecideRegisterUnit(true, roster_, Unit()));
  EXPECT_TRUE(roster_.unit_registered);
  EXPECT_EQ(roster_.unit.name(), "兰山区委办公室");
  refused = DecideRegisterUnit(true, roster_, Unit()).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(refused.message(),
              HasSubstr("already registered (as \"兰山区委办公室\")"));
}

TEST_F(RegistrationTest, AUnitReportsNameBatchAndAPossibleMemberCount) {
  v1::UnitRegistered r = Unit();
  r.set_name("\t");
  EXPECT_THAT(DecideRegisterUnit(true, roster_, r).status().message(),
              HasSubstr("name is required"));
  r = Unit();
  r.clear_batch();
  EXPECT_THAT(DecideRegisterUnit(true, roster_, r).status().message(),
              HasSubstr("batch is required"));
  for (uint32_t count : {0u, kMaxUnitMembers + 1}) {
    r = Unit();
    r.set_member_count(count);
    absl::Status refused = DecideRegisterUnit(true, roster_, r).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << count;
    EXPECT_THAT(refused.message(), HasSubstr("is impossible"));
  }
  r = Unit();
  r.set_member_count(kMaxUnitMembers);
  EXPECT_TRUE(DecideRegisterUnit(true, roster_, r).ok());
}

TEST_F(RegistrationTest, ABranchNeedsItsUnitAndANameAndComesOnce) {
  absl::Status refused =
      DecideRegisterBranch(roster_, kUnit, Branch()).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(refused.message(), HasSubstr("RegisterUnit"));

  Accept(DecideRegisterUnit(true, roster_, Unit()));
  v1::BranchRegistered r = Branch();
  r.set_unit_id("371302-U0043");
  EXPECT_THAT(DecideRegisterBranch(roster_, kUnit, r).status().message(),
              HasSubstr("does not match the branch id"));
  r = Branch();
  r.set_name("");
  EXPECT_EQ(DecideRegisterBranch(roster_, kUnit, r).status().code(),
            absl::StatusCode::kInvalidArgument);

  absl::StatusOr<v1::BranchRegistered> decided =
      DecideRegisterBranch(roster_, kUnit, Branch());
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->unit_id(), kUnit);
  Accept(decided);
  EXPECT_EQ(roster_.branches.at(kBranch), "第一党支部");
  refused = DecideRegisterBranch(roster_, kUnit, Branch()).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(refused.message(), HasSubstr("(as \"第一党支部\")"));
}

TEST_F(RegistrationTest, AMemberNeedsARegisteredBranchAndComesOnce) {
  EXPECT_EQ(DecideRegisterMember(roster_, kUnit, Member()).status().code(),
            absl::StatusCode::kNotFound);
  Accept(DecideRegisterUnit(true, roster_, Unit()));
  absl::Status refused =
      DecideRegisterMember(roster_, kUnit, Member()).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(refused.message(), HasSubstr("RegisterBranch"));

  Accept(DecideRegisterBranch(roster_, kUnit, Branch()));
  v1::MemberRegistered r = Member();
  r.set_name(" ");
  EXPECT_THAT(DecideRegisterMember(roster_, kUnit, r).status().message(),
              HasSubstr("name is required"));
  r = Member();
  r.set_unit_id("371302-U0043");
  EXPECT_EQ(DecideRegisterMember(roster_, kUnit, r).status().code(),
            absl::StatusCode::kInvalidArgument);

  absl::StatusOr<v1::MemberRegistered> decided =
      DecideRegisterMember(roster_, kUnit, Member());
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->unit_id(), kUnit);
  Accept(decided);
  refused = DecideRegisterMember(roster_, kUnit, Member()).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(refused.message(), HasSubstr("(as \"王芳\")"));
}

TEST_F(RegistrationTest, RequireMemberGivesTheMembersBranchAndTheUnitsBatch) {
  absl::Status refused = RequireMember(roster_, kUnit, kMember).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(refused.message(), HasSubstr("RegisterUnit"));
  Accept(DecideRegisterUnit(true, roster_, Unit()));
  Accept(DecideRegisterBranch(roster_, kUnit, Branch()));
  refused = RequireMember(roster_, kUnit, kMember).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(refused.message(), HasSubstr("RegisterMember"));
  Accept(DecideRegisterMember(roster_, kUnit, Member()));
  absl::StatusOr<RosterMember> member = RequireMember(roster_, kUnit, kMember);
  ASSERT_TRUE(member.ok()) << member.status();
  EXPECT_EQ(member->unit_id, kUnit);
  EXPECT_EQ(member->branch_id, kBranch);
  EXPECT_EQ(member->batch, v1::BATCH_SECOND);
  EXPECT_EQ(BatchNumber(member->batch), 2);
  EXPECT_EQ(BatchNumber(v1::BATCH_FIRST), 1);
}

TEST_F(RegistrationTest, TheRosterFoldSkipsOtherEventsAndRefusesBadPayloads) {
  Accept(DecideRegisterUnit(true, roster_, Unit()));
  v1::SelfInspectionCompleted transition;  // the unit stream's other events
  transition.set_unit_id(kUnit);
  unit_stream_.Add(transition);
  Accept(DecideRegisterBranch(roster_, kUnit, Branch()));
  EXPECT_EQ(roster_.version, 3u);
  EXPECT_EQ(roster_.branches.size(), 1u);
  EXPECT_TRUE(roster_.members.empty());

  Roster one_by_one;
  for (const v1::EventEnvelope& e : unit_stream_.events()) {
    ASSERT_TRUE(ApplyRosterEvent(one_by_one, e).ok());
  }
  EXPECT_EQ(one_by_one.branches, roster_.branches);
  EXPECT_EQ(one_by_one.version, 3u);

  unit_stream_.AddUnparsable("reporting.v1.MemberRegistered");
  absl::StatusOr<Roster> folded = FoldRoster(unit_stream_.events());
  EXPECT_EQ(folded.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(folded.status().message(),
              HasSubstr("is not a reporting.v1.MemberRegistered"));
}

}  // namespace
}  // namespace reporting::domain
