// Organisation census (排查摸底) rules through gRPC, one test per rule.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/county/testing/test_node.h"

namespace reporting::county::testing {
namespace {

using grpc::StatusCode;
using ::testing::HasSubstr;

const char kUnit[] = "371302-U0042";

v1::CensusReported Census(const std::string& unit = kUnit) {
  v1::CensusReported e;
  e.set_unit_id(unit);
  e.set_leadership_incomplete(true);
  e.set_condition(v1::ORGANISATION_CONDITION_WEAK_AND_LAX);
  e.set_secretary_able_to_lead(false);
  v1::FloatingMembers* f = e.mutable_floating();
  f->set_total(12);
  f->set_relation_transferred(5);
  f->set_temporary_relation(4);
  f->set_with_certificate(7);
  f->set_contactable(10);
  f->set_not_contactable(2);
  v1::CensusProblem* p = e.add_main_problems();
  p->set_problem_id("P1");
  p->set_description("支部书记空缺");
  p = e.add_main_problems();
  p->set_problem_id("P2");
  p->set_description("组织生活不经常");
  return e;
}

class CensusRulesTest : public ::testing::Test {
 protected:
  void SetUp() override { node_.Register(kUnit, 1, 1); }
  uint64_t Head() { return node_.log().GetHead().sequence; }
  grpc::Status Resolve(const std::string& problem) {
    v1::CensusProblemResolved e;
    e.set_unit_id(kUnit);
    e.set_problem_id(problem);
    e.set_resolution("已选派第一书记");
    return node_.Send(&Stub::ResolveCensusProblem, e);
  }
  TestNode node_;
};

TEST_F(CensusRulesTest, ReportedOncePerUnit) {
  ASSERT_TRUE(node_.Send(&Stub::ReportCensus, Census()).ok());
  grpc::Status again = node_.Send(&Stub::ReportCensus, Census());
  EXPECT_EQ(again.error_code(), StatusCode::ALREADY_EXISTS);
}

TEST_F(CensusRulesTest, UnknownUnitNotFound) {
  EXPECT_EQ(
      node_.Send(&Stub::ReportCensus, Census("371302-U0077")).error_code(),
      StatusCode::NOT_FOUND);
  EXPECT_EQ(
      node_.Send(&Stub::ReportCensus, Census("371311-U0042")).error_code(),
      StatusCode::PERMISSION_DENIED);
}

TEST_F(CensusRulesTest, UnansweredSecretaryQuestionRefusedBeforeWriting) {
  const uint64_t head = Head();
  v1::CensusReported e = Census();
  e.clear_secretary_able_to_lead();
  grpc::Status s = node_.Send(&Stub::ReportCensus, e);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              HasSubstr("census of unit 371302-U0042: say whether the branch "
                        "secretary is able to lead"));
  EXPECT_EQ(Head(), head);
  // Answered "no", it is recorded.
  EXPECT_TRUE(node_.Send(&Stub::ReportCensus, Census()).ok());
  EXPECT_EQ(Head(), head + 1);
}

TEST_F(CensusRulesTest, InconsistentFloatingNumbersRefusedBeforeWriting) {
  const uint64_t head = Head();
  v1::CensusReported e = Census();
  e.mutable_floating()->set_relation_transferred(9);  // 9 + 4 > 12
  grpc::Status s = node_.Send(&Stub::ReportCensus, e);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("exceed the total (12)"));

  e = Census();
  e.mutable_floating()->set_with_certificate(13);
  EXPECT_EQ(node_.Send(&Stub::ReportCensus, e).error_code(),
            StatusCode::INVALID_ARGUMENT);

  e = Census();
  e.mutable_floating()->set_not_contactable(3);  // 10 + 3 != 12
  EXPECT_EQ(node_.Send(&Stub::ReportCensus, e).error_code(),
            StatusCode::INVALID_ARGUMENT);

  // A "negative" count sent as a huge unsigned number: would make the sum
  // wrap around to the total in 32 bits.
  e = Census();
  e.mutable_floating()->set_contactable(4294967295u);
  e.mutable_floating()->set_not_contactable(13);
  EXPECT_EQ(node_.Send(&Stub::ReportCensus, e).error_code(),
            StatusCode::INVALID_ARGUMENT);
  e = Census();
  e.mutable_floating()->set_relation_transferred(4294967295u);
  e.mutable_floating()->set_temporary_relation(1);
  EXPECT_EQ(node_.Send(&Stub::ReportCensus, e).error_code(),
            StatusCode::INVALID_ARGUMENT);

  e = Census();
  e.clear_condition();
  EXPECT_EQ(node_.Send(&Stub::ReportCensus, e).error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Head(), head);
}

TEST_F(CensusRulesTest, ProblemIdsUniqueAndDescribed) {
  v1::CensusReported e = Census();
  e.mutable_main_problems(1)->set_problem_id("P1");
  grpc::Status s = node_.Send(&Stub::ReportCensus, e);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("\"P1\" appears twice"));
  e = Census();
  e.mutable_main_problems(0)->set_description(" ");
  EXPECT_EQ(node_.Send(&Stub::ReportCensus, e).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

TEST_F(CensusRulesTest, EachProblemResolvedOnce) {
  EXPECT_EQ(Resolve("P1").error_code(), StatusCode::NOT_FOUND);  // no census
  ASSERT_TRUE(node_.Send(&Stub::ReportCensus, Census()).ok());
  ASSERT_TRUE(Resolve("P1").ok());
  EXPECT_EQ(Resolve("P1").error_code(), StatusCode::ALREADY_EXISTS);
  grpc::Status unknown = Resolve("P7");
  EXPECT_EQ(unknown.error_code(), StatusCode::NOT_FOUND);
  EXPECT_THAT(unknown.error_message(), HasSubstr("no problem \"P7\""));
  EXPECT_TRUE(Resolve("P2").ok());
}

}  // namespace
}  // namespace reporting::county::testing
