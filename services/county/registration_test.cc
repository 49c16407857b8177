// Registration rules through gRPC: order (node, unit, branch, member),
// repeats, foreign and malformed ids, impossible numbers; refusals write
// nothing.
#include "gtest/gtest.h"
#include "services/county/testing/test_node.h"

namespace reporting::county::testing {
namespace {

using grpc::StatusCode;

v1::UnitRegistered Unit(const std::string& id, uint32_t members = 10) {
  v1::UnitRegistered u;
  u.set_unit_id(id);
  u.set_name("兰山区委组织部");
  u.set_batch(v1::BATCH_FIRST);
  u.set_member_count(members);
  return u;
}

v1::BranchRegistered Branch(const std::string& id) {
  v1::BranchRegistered b;
  b.set_branch_id(id);
  b.set_name("第一党支部");
  return b;
}

v1::MemberRegistered Member(const std::string& id, const std::string& branch) {
  v1::MemberRegistered m;
  m.set_member_id(id);
  m.set_branch_id(branch);
  m.set_name("王丽");
  return m;
}

TestNodeOptions Unregistered() {
  TestNodeOptions options;
  options.register_node = false;
  return options;
}

TEST(RegistrationTest, NodeTwiceIsAlreadyExists) {
  TestNode node;  // registers itself
  v1::NodeRegistered reg;
  reg.set_node_id("371302");
  reg.set_name("兰山区");
  reg.set_kind(v1::NODE_KIND_DISTRICT);
  EXPECT_EQ(node.Send(&Stub::RegisterNode, reg).error_code(),
            StatusCode::ALREADY_EXISTS);
}

TEST(RegistrationTest, AnotherNodeOrMalformedNodeIsRefused) {
  TestNode node(Unregistered());
  v1::NodeRegistered reg;
  reg.set_node_id("371311");
  reg.set_name("罗庄区");
  reg.set_kind(v1::NODE_KIND_DISTRICT);
  EXPECT_EQ(node.Send(&Stub::RegisterNode, reg).error_code(),
            StatusCode::PERMISSION_DENIED);
  reg.set_node_id("37-1302");
  EXPECT_EQ(node.Send(&Stub::RegisterNode, reg).error_code(),
            StatusCode::INVALID_ARGUMENT);
  reg.set_node_id("371302");
  reg.set_kind(v1::NODE_KIND_UNSPECIFIED);
  EXPECT_EQ(node.Send(&Stub::RegisterNode, reg).error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(node.log().GetHead().sequence, 0u);
}

TEST(RegistrationTest, UnitBeforeNodeIsFailedPrecondition) {
  TestNode node(Unregistered());
  grpc::Status s = node.Send(&Stub::RegisterUnit, Unit("371302-U0042"));
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION) << Describe(s);
  EXPECT_NE(s.error_message().find("RegisterNode"), std::string::npos);
  EXPECT_EQ(node.log().GetHead().sequence, 0u);
}

TEST(RegistrationTest, UnitTwiceIsAlreadyExists) {
  TestNode node;
  ASSERT_TRUE(node.Send(&Stub::RegisterUnit, Unit("371302-U0042")).ok());
  grpc::Status s = node.Send(&Stub::RegisterUnit, Unit("371302-U0042"));
  EXPECT_EQ(s.error_code(), StatusCode::ALREADY_EXISTS) << Describe(s);
}

TEST(RegistrationTest, UnitWithImpossibleMemberCountIsRefused) {
  TestNode node;
  const uint64_t head = node.log().GetHead().sequence;
  EXPECT_EQ(
      node.Send(&Stub::RegisterUnit, Unit("371302-U0042", 0)).error_code(),
      StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(node.Send(&Stub::RegisterUnit, Unit("371302-U0042", 4000000000u))
                .error_code(),
            StatusCode::INVALID_ARGUMENT);
  v1::UnitRegistered no_batch = Unit("371302-U0042");
  no_batch.set_batch(v1::BATCH_UNSPECIFIED);
  EXPECT_EQ(node.Send(&Stub::RegisterUnit, no_batch).error_code(),
            StatusCode::INVALID_ARGUMENT);
  v1::UnitRegistered blank = Unit("371302-U0042");
  blank.set_name("  ");
  EXPECT_EQ(node.Send(&Stub::RegisterUnit, blank).error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(node.log().GetHead().sequence, head);
}

TEST(RegistrationTest, UnitOfAnotherNodeOrMalformedIsRefused) {
  TestNode node;
  EXPECT_EQ(node.Send(&Stub::RegisterUnit, Unit("371311-U0001")).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(node.Send(&Stub::RegisterUnit, Unit("371302-0042")).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

TEST(RegistrationTest, BranchBeforeUnitIsNotFound) {
  TestNode node;
  grpc::Status s = node.Send(&Stub::RegisterBranch, Branch("371302-U0042-B01"));
  EXPECT_EQ(s.error_code(), StatusCode::NOT_FOUND) << Describe(s);
  EXPECT_NE(s.error_message().find("RegisterUnit"), std::string::npos);
}

TEST(RegistrationTest, BranchTwiceIsAlreadyExistsAndUnitMustMatch) {
  TestNode node;
  ASSERT_TRUE(node.Send(&Stub::RegisterUnit, Unit("371302-U0042")).ok());
  ASSERT_TRUE(
      node.Send(&Stub::RegisterBranch, Branch("371302-U0042-B01")).ok());
  EXPECT_EQ(
      node.Send(&Stub::RegisterBranch, Branch("371302-U0042-B01")).error_code(),
      StatusCode::ALREADY_EXISTS);
  v1::BranchRegistered wrong = Branch("371302-U0042-B02");
  wrong.set_unit_id("371302-U0043");
  EXPECT_EQ(node.Send(&Stub::RegisterBranch, wrong).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

TEST(RegistrationTest, MemberBeforeBranchIsNotFound) {
  TestNode node;
  ASSERT_TRUE(node.Send(&Stub::RegisterUnit, Unit("371302-U0042")).ok());
  grpc::Status s = node.Send(&Stub::RegisterMember,
                             Member("371302-U0042-M0001", "371302-U0042-B01"));
  EXPECT_EQ(s.error_code(), StatusCode::NOT_FOUND) << Describe(s);
  EXPECT_NE(s.error_message().find("RegisterBranch"), std::string::npos);
}

TEST(RegistrationTest, MemberTwiceOrInAnotherUnitsBranchIsRefused) {
  TestNode node;
  node.Register("371302-U0042", 1, 1);
  node.Register("371302-U0043", 1, 0);
  EXPECT_EQ(node.Send(&Stub::RegisterMember,
                      Member("371302-U0042-M0001", "371302-U0042-B01"))
                .error_code(),
            StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(node.Send(&Stub::RegisterMember,
                      Member("371302-U0042-M0002", "371302-U0043-B01"))
                .error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(node.Send(&Stub::RegisterMember,
                      Member("371311-U0042-M0002", "371311-U0042-B01"))
                .error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(node.Send(&Stub::RegisterMember,
                      Member("371302-U0042-M0002", "371302-U0042-B01-x"))
                .error_code(),
            StatusCode::INVALID_ARGUMENT);
  v1::MemberRegistered unnamed =
      Member("371302-U0042-M0002", "371302-U0042-B01");
  unnamed.set_name("");
  EXPECT_EQ(node.Send(&Stub::RegisterMember, unnamed).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

TEST(RegistrationTest, RepeatedCommandIdReturnsTheFirstAnswer) {
  TestNode node;
  v1::CommandMeta meta = node.Meta("import:units.csv:1");
  v1::CommandResult first, again;
  ASSERT_TRUE(
      node.Send(&Stub::RegisterUnit, Unit("371302-U0042"), &first, &meta).ok());
  EXPECT_FALSE(first.duplicate());
  const uint64_t head = node.log().GetHead().sequence;
  ASSERT_TRUE(
      node.Send(&Stub::RegisterUnit, Unit("371302-U0042"), &again, &meta).ok());
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.first_sequence(), first.first_sequence());
  EXPECT_EQ(again.last_sequence(), first.last_sequence());
  ASSERT_EQ(again.stream_versions_size(), 1);
  EXPECT_EQ(again.stream_versions(0).stream_id(), "unit/371302-U0042");
  EXPECT_EQ(again.stream_versions(0).version(), 1u);
  EXPECT_EQ(node.log().GetHead().sequence, head);
}

}  // namespace
}  // namespace reporting::county::testing
