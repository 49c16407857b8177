#include "services/domain/census.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reporting::domain {
namespace {

using ::testing::HasSubstr;

constexpr char kUnit[] = "371302-U0042";

v1::CensusReported ValidReport() {
  v1::CensusReported r;
  r.set_condition(v1::ORGANISATION_CONDITION_WEAK_AND_LAX);
  r.set_secretary_able_to_lead(false);
  auto* f = r.mutable_floating();
  f->set_total(10);
  f->set_relation_transferred(4);
  f->set_temporary_relation(3);
  f->set_with_certificate(6);
  f->set_contactable(8);
  f->set_not_contactable(2);
  auto* p = r.add_main_problems();
  p->set_problem_id("P1");
  p->set_description("secretary post vacant");
  p = r.add_main_problems();
  p->set_problem_id("P2");
  p->set_description("no regular meetings");
  return r;
}

void Apply(CensusState& s, const google::protobuf::Message& m) {
  v1::EventEnvelope e;
  e.set_stream_version(s.version + 1);
  e.set_event_type(std::string(m.GetDescriptor()->full_name()));
  e.set_payload(m.SerializeAsString());
  ASSERT_TRUE(ApplyCensusEvent(s, e).ok());
}

TEST(CensusTest, ReportedOnceWithUnitFilledIn) {
  CensusState s;
  auto decided = DecideReportCensus(s, kUnit, ValidReport());
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->unit_id(), kUnit);
  Apply(s, *decided);
  EXPECT_EQ(DecideReportCensus(s, kUnit, ValidReport()).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST(CensusTest, FloatingFiguresMustBeConsistent) {
  CensusState s;
  v1::CensusReported r = ValidReport();
  r.mutable_floating()->set_relation_transferred(8);
  EXPECT_THAT(DecideReportCensus(s, kUnit, r).status().message(),
              HasSubstr("exceed the total"));
  r = ValidReport();
  r.mutable_floating()->set_with_certificate(11);
  EXPECT_EQ(DecideReportCensus(s, kUnit, r).status().code(),
            absl::StatusCode::kInvalidArgument);
  r = ValidReport();
  r.mutable_floating()->set_not_contactable(1);
  EXPECT_THAT(DecideReportCensus(s, kUnit, r).status().message(),
              HasSubstr("must equal the total"));
  // Values that would wrap a 32-bit sum back to the total.
  r = ValidReport();
  r.mutable_floating()->set_contactable(4294967295u);
  r.mutable_floating()->set_not_contactable(11);
  EXPECT_EQ(DecideReportCensus(s, kUnit, r).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CensusTest, ConditionAndProblemIdsChecked) {
  CensusState s;
  v1::CensusReported r = ValidReport();
  r.clear_condition();
  EXPECT_EQ(DecideReportCensus(s, kUnit, r).status().code(),
            absl::StatusCode::kInvalidArgument);
  r = ValidReport();
  r.mutable_main_problems(1)->set_problem_id("P1");
  EXPECT_THAT(DecideReportCensus(s, kUnit, r).status().message(),
              HasSubstr("appears twice"));
  r = ValidReport();
  r.mutable_main_problems(0)->set_description("");
  EXPECT_EQ(DecideReportCensus(s, kUnit, r).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CensusTest, SecretaryAnswerRequiredAndFalseKept) {
  CensusState s;
  v1::CensusReported r = ValidReport();
  r.clear_secretary_able_to_lead();
  absl::Status refused = DecideReportCensus(s, kUnit, r).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(),
              HasSubstr("whether the branch secretary is able to lead"));
  // "No" is an answer: kept as given, and on the wire.
  auto decided = DecideReportCensus(s, kUnit, ValidReport());
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_TRUE(decided->has_secretary_able_to_lead());
  EXPECT_FALSE(decided->secretary_able_to_lead());
  v1::CensusReported parsed;
  ASSERT_TRUE(parsed.ParseFromString(decided->SerializeAsString()));
  EXPECT_TRUE(parsed.has_secretary_able_to_lead());
}

TEST(CensusTest, EachProblemResolvedOnce) {
  CensusState s;
  v1::CensusProblemResolved resolve;
  resolve.set_problem_id("P1");
  resolve.set_resolution("secretary appointed");
  EXPECT_EQ(DecideResolveCensusProblem(s, kUnit, resolve).status().code(),
            absl::StatusCode::kNotFound);
  Apply(s, *DecideReportCensus(s, kUnit, ValidReport()));
  auto resolved = DecideResolveCensusProblem(s, kUnit, resolve);
  ASSERT_TRUE(resolved.ok());
  Apply(s, *resolved);
  EXPECT_EQ(DecideResolveCensusProblem(s, kUnit, resolve).status().code(),
            absl::StatusCode::kAlreadyExists);
  resolve.set_problem_id("P9");
  EXPECT_EQ(DecideResolveCensusProblem(s, kUnit, resolve).status().code(),
            absl::StatusCode::kNotFound);
  resolve.set_problem_id("P2");
  resolve.set_resolution("");
  EXPECT_EQ(DecideResolveCensusProblem(s, kUnit, resolve).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace reporting::domain
