// The census figures' count of secretaries unable to lead: an explicit
// "no" counts, "yes" does not, and a census recorded before the node
// required the answer (the field absent: how "no" was written then) counts
// as "no", as the city counted it when it was recorded.
#include <string>

#include "gtest/gtest.h"
#include "services/domain/census.h"
#include "services/projector/figures.h"

namespace reporting::projector {
namespace {

uint64_t UnableToLead(const v1::CensusReported& report) {
  v1::EventEnvelope e;
  e.set_stream_id("census/371302-U0042");
  e.set_stream_version(1);
  e.set_event_type(std::string(report.GetDescriptor()->full_name()));
  e.set_payload(report.SerializeAsString());
  absl::StatusOr<domain::CensusState> s = domain::FoldCensus({e});
  EXPECT_TRUE(s.ok()) << s.status();
  v1::CensusFigures figures;
  AddCensus(*s, +1, figures);
  EXPECT_EQ(figures.units_reported(), 1u);
  return figures.secretary_unable_to_lead();
}

v1::CensusReported Report() {
  v1::CensusReported r;
  r.set_unit_id("371302-U0042");
  r.set_condition(v1::ORGANISATION_CONDITION_NORMAL);
  return r;
}

TEST(CensusFigures, SecretaryAnswerCounted) {
  v1::CensusReported r = Report();
  r.set_secretary_able_to_lead(true);
  EXPECT_EQ(UnableToLead(r), 0u);
  r.set_secretary_able_to_lead(false);
  EXPECT_EQ(UnableToLead(r), 1u);
}

TEST(CensusFigures, CensusWithoutTheAnswerCountsAsUnable) {
  v1::CensusReported r = Report();
  ASSERT_FALSE(r.has_secretary_able_to_lead());
  EXPECT_EQ(UnableToLead(r), 1u);
}

}  // namespace
}  // namespace reporting::projector
