// The folds that parse their events' payloads with ParseForFold
// (event_payload.h): a stored payload that does not parse is INTERNAL,
// and the message names the fold, the event type, the sequence and the
// stream, word for word as each fold wrote it before they shared one
// parser.
#include <string>

#include "gtest/gtest.h"
#include "services/domain/census.h"
#include "services/domain/rectification.h"
#include "services/domain/testing/test_stream.h"
#include "services/domain/unit.h"

namespace reporting::domain {
namespace {

TEST(FoldParseTest, UnitFold) {
  testing::TestStream s("unit/371302-U0042");
  s.AddUnparsable("reporting.v1.SupervisoryReviewRecorded");
  absl::StatusOr<UnitState> folded = FoldUnit(s.events());
  EXPECT_EQ(folded.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(folded.status().message(),
            "unit fold: cannot parse reporting.v1.SupervisoryReviewRecorded "
            "at sequence 1 of stream unit/371302-U0042");
}

TEST(FoldParseTest, CensusFold) {
  testing::TestStream s("census/371302-U0042");
  s.AddUnparsable("reporting.v1.CensusReported");
  absl::StatusOr<CensusState> folded = FoldCensus(s.events());
  EXPECT_EQ(folded.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(folded.status().message(),
            "census fold: cannot parse reporting.v1.CensusReported at "
            "sequence 1 of stream census/371302-U0042");
}

TEST(FoldParseTest, RectificationFold) {
  testing::TestStream s("rectification/371302-U0042-R0001");
  s.AddUnparsable("reporting.v1.RectificationItemIdentified");
  absl::StatusOr<RectificationState> folded = FoldRectification(s.events());
  EXPECT_EQ(folded.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(folded.status().message(),
            "rectification fold: cannot parse "
            "reporting.v1.RectificationItemIdentified at sequence 1 of "
            "stream rectification/371302-U0042-R0001");
}

}  // namespace
}  // namespace reporting::domain
