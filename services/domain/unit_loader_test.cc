// LoadUnit (unit_loader.h) over an in-memory reader: which streams it reads
// and what it folds, without a node. The same load over a real log is
// tested through the county's transition commands and the read API.
#include "services/domain/unit_loader.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/ids.h"
#include "services/domain/testing/test_stream.h"

namespace reporting::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kUnit[] = "371302-U0042";
constexpr char kWithOpinion[] = "371302-U0042-M0007";
constexpr char kWithout[] = "371302-U0042-M0008";

class UnitLoaderTest : public ::testing::Test {
 protected:
  UnitLoaderTest() : unit_(UnitStream(kUnit)) {
    v1::UnitRegistered u;
    u.set_unit_id(kUnit);
    u.set_name("兰山区委办公室");
    u.set_batch(v1::BATCH_FIRST);
    u.set_member_count(2);
    unit_.Add(u);
    for (const char* id : {kWithOpinion, kWithout}) {
      v1::MemberRegistered m;
      m.set_member_id(id);
      m.set_unit_id(kUnit);
      m.set_branch_id(std::string(kUnit) + "-B01");
      unit_.Add(m);
    }
    testing::TestStream opinion(EvaluationStream(kWithOpinion, 1));
    v1::EvaluationRecorded r;
    r.set_member_id(kWithOpinion);
    r.set_rating(v1::RATING_QUALIFIED);
    opinion.Add(r);
    streams_[EvaluationStream(kWithOpinion, 1)] = opinion.events();
  }

  void EnterAnalysis() {
    v1::TransitionMeetingHeld m;
    m.set_unit_id(kUnit);
    m.set_next_stage(v1::STAGE_ANALYSIS_EVALUATION);
    unit_.Add(m);
  }

  // Reads from streams_ (the unit's from unit_), remembering what was read.
  absl::StatusOr<Stream> Read(absl::string_view id) {
    read_.emplace_back(id);
    Stream s;
    s.id = std::string(id);
    s.events = id == UnitStream(kUnit) ? unit_.events() : streams_[s.id];
    s.version = s.events.size();
    return s;
  }

  absl::StatusOr<LoadedUnit> Load(bool with_evaluations) {
    auto read = [this](absl::string_view id) { return Read(id); };
    return LoadUnit(kUnit, with_evaluations, read, read);
  }

  testing::TestStream unit_;
  std::map<std::string, std::vector<v1::EventEnvelope>> streams_;
  std::vector<std::string> read_;
};

TEST_F(UnitLoaderTest, OutsideAnalysisReadsTheUnitStreamOnly) {
  absl::StatusOr<LoadedUnit> loaded = Load(/*with_evaluations=*/true);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->stream_id, "unit/371302-U0042");
  EXPECT_TRUE(loaded->state.registered());
  EXPECT_EQ(loaded->state.roster.members.size(), 2u);
  EXPECT_TRUE(loaded->evaluations.empty());
  EXPECT_THAT(read_, ElementsAre("unit/371302-U0042"));
}

TEST_F(UnitLoaderTest, InAnalysisFoldsEachMembersEvaluationOfTheBatch) {
  EnterAnalysis();
  absl::StatusOr<LoadedUnit> loaded = Load(/*with_evaluations=*/true);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->state.stage, v1::STAGE_ANALYSIS_EVALUATION);
  EXPECT_THAT(
      read_, ElementsAre("unit/371302-U0042", "evaluation/371302-U0042-M0007/1",
                         "evaluation/371302-U0042-M0008/1"));
  // A member with no opinion recorded is missing from the map.
  ASSERT_EQ(loaded->evaluations.size(), 1u);
  EXPECT_EQ(loaded->evaluations.at(kWithOpinion).rating, v1::RATING_QUALIFIED);
}

TEST_F(UnitLoaderTest, WithoutEvaluationsAskedReadsTheUnitStreamOnly) {
  EnterAnalysis();
  absl::StatusOr<LoadedUnit> loaded = Load(/*with_evaluations=*/false);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(loaded->evaluations.empty());
  EXPECT_THAT(read_, ElementsAre("unit/371302-U0042"));
}

TEST_F(UnitLoaderTest, AReadersErrorIsReturnedAsItIs) {
  EnterAnalysis();
  auto read_main = [this](absl::string_view id) { return Read(id); };
  auto failing = [](absl::string_view id) -> absl::StatusOr<Stream> {
    return absl::DataLossError(absl::StrCat("stream ", id, ": broken"));
  };
  absl::StatusOr<LoadedUnit> loaded =
      LoadUnit(kUnit, /*with_evaluations=*/true, read_main, failing);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(loaded.status().message(),
              HasSubstr("evaluation/371302-U0042-M0007/1: broken"));
}

TEST_F(UnitLoaderTest, AnUnparsableEvaluationIsInternal) {
  EnterAnalysis();
  testing::TestStream broken(EvaluationStream(kWithout, 1));
  broken.AddUnparsable("reporting.v1.EvaluationRecorded");
  streams_[EvaluationStream(kWithout, 1)] = broken.events();
  absl::StatusOr<LoadedUnit> loaded = Load(/*with_evaluations=*/true);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace reporting::domain
