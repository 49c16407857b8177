// The city's re-check (rule_check.h) through the projector: every event of
// valid random histories passes (no false quarantine, also across a reload
// from the projector's own rows), and forged, correctly formed events are
// each caught with the rule they break (issue 20, point 5), after which
// the node's later events are not applied, in live and rebuild modes and
// after a reload.
#include "services/projector/rule_check.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/unknown_field_set.h"
#include "gtest/gtest.h"
#include "reporting/v1/events.pb.h"
#include "services/projector/history_generator.h"
#include "services/projector/projector.h"

namespace reporting::projector {
namespace {

constexpr char kNode[] = "371302";
constexpr char kUnit[] = "371302-U0001";

// The rows a projector flushed, by (table, key): what a store holds.
using Rows = std::map<std::pair<Table, std::string>, std::string>;

// Flushes `p` into `rows` and loads a fresh projector from them (as the
// runner does on start).
std::unique_ptr<Projector> Reloaded(Projector& p, Rows& rows) {
  for (RowChange& r : p.FlushAll()) {
    rows[{r.table, std::move(r.key)}] = std::move(r.value);
  }
  auto loaded = std::make_unique<Projector>();
  for (const auto& [key, value] : rows) {
    EXPECT_TRUE(loaded->LoadRow(key.first, key.second, value).ok());
  }
  EXPECT_TRUE(loaded->FinishLoad().ok());
  return loaded;
}

TEST(RuleCheck, ValidHistoriesPassEveryEvent) {
  std::set<std::string> types;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    HistoryOptions options;
    options.units = 12;
    options.max_members_per_unit = 8;
    HistoryGenerator gen(kNode, seed, options);
    auto p = std::make_unique<Projector>();
    Rows rows;
    Projector rebuilt(Projector::Mode::kRebuild);
    for (int i = 0; i < 6000; ++i) {
      const v1::EventEnvelope e = gen.Next();
      types.insert(e.event_type());
      ASSERT_TRUE(p->Apply(e).ok());
      ASSERT_TRUE(rebuilt.Apply(e).ok());
      const v1::RuleBreak* q = p->Quarantine(kNode);
      ASSERT_EQ(q, nullptr) << "seed " << seed << ": a valid " << e.event_type()
                            << " at sequence " << e.sequence()
                            << " was quarantined: " << q->rule();
      // The state the checks read survives the projector's own rows.
      if (i % 1500 == 1499) p = Reloaded(*p, rows);
    }
    EXPECT_EQ(p->Checkpoint(kNode), 6000u);
    EXPECT_EQ(rebuilt.Quarantine(kNode), nullptr);
    EXPECT_EQ(rebuilt.Checkpoint(kNode), 6000u);
  }
  // Every command's event type was checked (events.proto has 33).
  EXPECT_EQ(types.size(), 33u);
}

// A hand-made log of one node, each event as a county would store it.
class Log {
 public:
  template <typename M>
  v1::EventEnvelope Add(const std::string& stream, const M& payload) {
    return AddBytes(stream, std::string(M::descriptor()->full_name()),
                    payload.SerializeAsString());
  }
  v1::EventEnvelope AddBytes(const std::string& stream, const std::string& type,
                             const std::string& payload) {
    v1::EventEnvelope e;
    e.set_node_id(kNode);
    e.set_sequence(++sequence_);
    e.set_stream_id(stream);
    e.set_stream_version(++versions_[stream]);
    e.set_event_type(type);
    e.set_recorded_at_us(1719792000000000 + sequence_ * 1000000);
    e.set_actor("clerk:forger");
    e.set_command_id(absl::StrCat("forged-", sequence_));
    e.set_payload(payload);
    events_.push_back(e);
    return e;
  }
  const std::vector<v1::EventEnvelope>& events() const { return events_; }

  // NodeRegistered and a valid unit of 5 members.
  void Start() {
    v1::NodeRegistered node;
    node.set_node_id(kNode);
    node.set_name("兰山区");
    node.set_kind(v1::NODE_KIND_DISTRICT);
    Add(absl::StrCat("node/", kNode), node);
    Add(absl::StrCat("unit/", kUnit), Unit(5));
  }
  static v1::UnitRegistered Unit(uint32_t members) {
    v1::UnitRegistered u;
    u.set_unit_id(kUnit);
    u.set_name("区委组织部");
    u.set_batch(v1::BATCH_FIRST);
    u.set_member_count(members);
    u.set_category("机关");
    return u;
  }

 private:
  uint64_t sequence_ = 0;
  std::map<std::string, uint64_t> versions_;
  std::vector<v1::EventEnvelope> events_;
};

// Applies the log live and as a rebuild; both must stop at `sequence` with
// a rule containing `rule`, and a projector reloaded from the live rows
// keeps the quarantine.
void ExpectQuarantined(const Log& log, uint64_t sequence,
                       const std::string& rule) {
  Projector live;
  Projector rebuild(Projector::Mode::kRebuild);
  for (const v1::EventEnvelope& e : log.events()) {
    ASSERT_TRUE(live.Apply(e).ok());
    ASSERT_TRUE(rebuild.Apply(e).ok());
  }
  for (Projector* p : {&live, &rebuild}) {
    const v1::RuleBreak* q = p->Quarantine(kNode);
    ASSERT_NE(q, nullptr) << "not quarantined; expected at " << sequence;
    EXPECT_EQ(q->sequence(), sequence) << q->rule();
    EXPECT_EQ(q->event_type(), log.events()[sequence - 1].event_type());
    EXPECT_EQ(q->stream_id(), log.events()[sequence - 1].stream_id());
    EXPECT_TRUE(absl::StrContains(q->rule(), rule)) << q->rule();
    // Nothing from the broken event on is applied.
    EXPECT_EQ(p->Checkpoint(kNode), sequence - 1);
    EXPECT_EQ(p->AllNodeFigures()[kNode].events_applied(), sequence - 1);
  }
  Rows rows;
  std::unique_ptr<Projector> reloaded = Reloaded(live, rows);
  const v1::RuleBreak* q = reloaded->Quarantine(kNode);
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->sequence(), sequence);
  // Events re-read after a restart change nothing.
  for (const v1::EventEnvelope& e : log.events()) {
    ASSERT_TRUE(reloaded->Apply(e).ok());
  }
  EXPECT_EQ(reloaded->Checkpoint(kNode), sequence - 1);
}

// The issue's forgery: five correctly chained events, the first rule broken
// being a unit of 4e9 members.
TEST(RuleCheck, TheIssuesFiveForgedEventsStopAtTheFirstBrokenRule) {
  Log log;
  v1::NodeRegistered node;
  node.set_node_id(kNode);
  node.set_name("兰山区");
  node.set_kind(v1::NODE_KIND_DISTRICT);
  log.Add(absl::StrCat("node/", kNode), node);
  log.Add(absl::StrCat("unit/", kUnit), Log::Unit(4000000000u));
  v1::TransitionMeetingHeld jump;
  jump.set_unit_id(kUnit);
  jump.set_stage(v1::STAGE_STUDY_MOBILISATION);
  jump.set_next_stage(v1::STAGE_RECTIFICATION_IMPROVEMENT);
  jump.set_secretary_name("SECRETARY");
  jump.set_held_on("2024-07-01");
  log.Add(absl::StrCat("unit/", kUnit), jump);
  v1::SatisfactionSurveyRecorded survey;
  survey.set_unit_id(kUnit);
  survey.set_respondents(1);
  survey.set_satisfied(1000);
  log.Add(absl::StrCat("unit/", kUnit), survey);
  log.Add(absl::StrCat("unit/", kUnit), survey);
  ExpectQuarantined(log, 2, "member_count 4000000000 is impossible");
}

TEST(RuleCheck, AStageJumpIsCaught) {
  Log log;
  log.Start();
  v1::TransitionMeetingHeld jump;
  jump.set_unit_id(kUnit);
  jump.set_secretary_name("SECRETARY");
  jump.set_held_on("2024-07-01");
  log.Add(absl::StrCat("unit/", kUnit), jump);
  ExpectQuarantined(log, 3, "FAILED_PRECONDITION");
}

TEST(RuleCheck, MoreSatisfiedThanRespondentsIsCaught) {
  Log log;
  log.Start();
  v1::SatisfactionSurveyRecorded survey;
  survey.set_unit_id(kUnit);
  survey.set_respondents(1);
  survey.set_satisfied(1000);
  log.Add(absl::StrCat("unit/", kUnit), survey);
  ExpectQuarantined(log, 3, "more than its 1 respondents");
}

TEST(RuleCheck, AFieldTheNodeDerivesMustBeWhatTheRulesDerive) {
  // A branch registered with its unit_id left empty: the county always
  // fills it in, so the stored event differs from the decided one.
  Log log;
  log.Start();
  v1::BranchRegistered branch;
  branch.set_branch_id(absl::StrCat(kUnit, "-B01"));
  branch.set_name("第一支部");
  log.Add(absl::StrCat("unit/", kUnit), branch);
  ExpectQuarantined(log, 3, "differs from the event the campaign's rules");
}

TEST(RuleCheck, AnEventOnAnotherStreamIsCaught) {
  Log log;
  log.Start();
  v1::BranchRegistered branch;
  branch.set_branch_id(absl::StrCat(kUnit, "-B01"));
  branch.set_unit_id(kUnit);
  branch.set_name("第一支部");
  log.Add("unit/371302-U0002", branch);
  ExpectQuarantined(log, 3, "a county records it on stream unit/371302-U0001");
}

TEST(RuleCheck, AnotherNodesUnitIsCaught) {
  Log log;
  log.Start();
  v1::UnitRegistered other = Log::Unit(3);
  other.set_unit_id("371311-U0001");
  log.Add("unit/371311-U0001", other);
  ExpectQuarantined(log, 3, "PERMISSION_DENIED");
}

TEST(RuleCheck, AnUnknownTypeAndUnknownFieldsAreCaught) {
  {
    Log log;
    log.Start();
    log.AddBytes(absl::StrCat("unit/", kUnit), "reporting.v1.UnitDissolved",
                 "");
    ExpectQuarantined(log, 3, "is not one a county command records");
  }
  {
    Log log;
    log.Start();
    v1::BranchRegistered branch;
    branch.set_branch_id(absl::StrCat(kUnit, "-B01"));
    branch.set_unit_id(kUnit);
    branch.set_name("第一支部");
    // Field 99, varint 1: parses, but no county writes it.
    log.AddBytes(absl::StrCat("unit/", kUnit), "reporting.v1.BranchRegistered",
                 branch.SerializeAsString() + std::string("\x98\x06\x01", 3));
    ExpectQuarantined(log, 3, "fields the schema does not have");
  }
  {
    // The same inside a message of the payload (a census's main problem).
    Log log;
    log.Start();
    v1::CensusReported census;
    census.set_unit_id(kUnit);
    google::protobuf::Message* problem = census.add_main_problems();
    problem->GetReflection()->MutableUnknownFields(problem)->AddVarint(99, 1);
    log.AddBytes(absl::StrCat("census/", kUnit), "reporting.v1.CensusReported",
                 census.SerializeAsString());
    ExpectQuarantined(log, 3, "fields the schema does not have");
  }
}

TEST(RuleCheck, AnOpinionForAnUnregisteredMemberIsCaught) {
  Log log;
  log.Start();
  v1::EvaluationRecorded opinion;
  opinion.set_member_id(absl::StrCat(kUnit, "-M0001"));
  opinion.set_rating(v1::RATING_EXCELLENT);
  opinion.add_shortcomings("理论学习不够深入");
  log.Add(absl::StrCat("evaluation/", kUnit, "-M0001/1"), opinion);
  ExpectQuarantined(log, 3, "is not registered in unit");
}

}  // namespace
}  // namespace reporting::projector
