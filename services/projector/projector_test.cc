// Property test of the projector over random valid histories of several
// nodes (HistoryGenerator: every event is a county decision's answer).
//
// After every batch (random sizes, nodes interleaved, batches sometimes
// re-delivered, the projector sometimes restarted from its own rows):
//   incremental rows == rows of a projector rebuilt from scratch
// and at the end both equal a straightforward recomputation written here:
// every stream folded whole with the county's Fold* functions, then counted.
#include "services/projector/projector.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/domain/registration.h"
#include "services/projector/figures.h"
#include "services/projector/history_generator.h"

namespace reporting::projector {
namespace {

using Store = std::map<std::pair<int, std::string>, std::string>;

void Write(Store& store, std::vector<RowChange>&& rows) {
  for (RowChange& r : rows) {
    store[{static_cast<int>(r.table), std::move(r.key)}] = std::move(r.value);
  }
}

std::unique_ptr<Projector> LoadFrom(const Store& store) {
  auto p = std::make_unique<Projector>();
  for (const auto& [k, v] : store) {
    EXPECT_TRUE(p->LoadRow(static_cast<Table>(k.first), k.second, v).ok());
  }
  EXPECT_TRUE(p->FinishLoad().ok());
  return p;
}

// As the runner rebuilds: a kRebuild projector, one flush. Its rows come
// in strict (table, key) order (the bulk load then only merges runs).
Store Rebuild(const std::vector<v1::EventEnvelope>& events) {
  Projector p(Projector::Mode::kRebuild);
  for (const auto& e : events) EXPECT_TRUE(p.Apply(e).ok()) << e.sequence();
  const size_t bound = p.FlushRowsUpperBound();
  std::vector<RowChange> rows = p.FlushAll();
  EXPECT_LE(rows.size(), bound);
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_LT(std::tie(rows[i - 1].table, rows[i - 1].key),
              std::tie(rows[i].table, rows[i].key))
        << "row " << i;
  }
  Store store;
  Write(store, std::move(rows));
  return store;
}

// ---- The independent recomputation.

template <typename M>
M Parse(const std::string& bytes) {
  M m;
  EXPECT_TRUE(m.ParseFromString(bytes));
  return m;
}

void Inc(google::protobuf::Map<int32_t, uint64_t>* m, int key, uint64_t n = 1) {
  if (n != 0) (*m)[key] += n;
}

// Blocked versus waiting, derived from the unit's state by DOMAIN.md's
// words rather than from its reason codes (blocking_side.h is what is
// tested): BLOCKED when the unit's own people must act (a look-back check
// missing or failed, remediation after a survey over 10%, a report sent
// back, and in analysis-and-evaluation a member unregistered, an opinion
// missing or unsigned, a measure missing); otherwise WAITING when the next
// act is the survey (first, or after remediation), the review, the
// approval or the meeting after it; otherwise CLEAR.
v1::UnitCondition ExpectedCondition(
    const domain::UnitState& s, const domain::EvaluationsByMember& opinions) {
  const v1::TransitionStep next = domain::NextStep(s);
  if (next == v1::TRANSITION_STEP_UNSPECIFIED) return v1::UNIT_CONDITION_CLEAR;
  const domain::TransitionProgress& t = s.transition;
  bool must_act = false;
  if (next == v1::TRANSITION_STEP_SELF_INSPECTION) {
    for (int c = 1; c <= domain::kLookBackCheckCount; ++c) {
      auto it = t.checks.find(static_cast<v1::LookBackCheck>(c));
      must_act = must_act || it == t.checks.end() || !it->second;
    }
  }
  const bool survey_failed =
      !t.surveys.empty() && domain::OverTenPercent(t.surveys.back());
  if (next == v1::TRANSITION_STEP_SURVEY && survey_failed &&
      !t.surveys.back().remediation_recorded) {
    must_act = true;
  }
  if (next == v1::TRANSITION_STEP_REPORT &&
      t.sent_back != domain::SentBack::kNone) {
    must_act = true;
  }
  if (s.stage == v1::STAGE_ANALYSIS_EVALUATION) {
    must_act =
        must_act || s.roster.members.size() < s.roster.unit.member_count();
    for (const auto& [id, member] : s.roster.members) {
      auto it = opinions.find(id);
      must_act = must_act || it == opinions.end() || !it->second.recorded() ||
                 !it->second.is_signed() ||
                 (it->second.transformation_required() &&
                  !it->second.has_measure_with_helper());
    }
  }
  if (must_act) return v1::UNIT_CONDITION_BLOCKED;
  const bool other_level =
      (next == v1::TRANSITION_STEP_SURVEY &&
       (t.surveys.empty() || t.surveys.back().remediation_recorded)) ||
      next == v1::TRANSITION_STEP_SUPERVISORY_REVIEW ||
      next == v1::TRANSITION_STEP_APPROVAL ||
      next == v1::TRANSITION_STEP_MEETING;
  return other_level ? v1::UNIT_CONDITION_WAITING : v1::UNIT_CONDITION_CLEAR;
}

// recorded_at of the unit stream's latest registration or transition event.
int64_t ExpectedStepSince(const std::vector<v1::EventEnvelope>& evs) {
  int64_t since = 0;
  for (const auto& e : evs) {
    const std::string& type = e.event_type();
    const bool summary = type == "reporting.v1.StageWorkSummaryFiled";
    const bool roster = type == "reporting.v1.BranchRegistered" ||
                        type == "reporting.v1.MemberRegistered";
    if (!summary && !roster) since = e.recorded_at_us();
  }
  return since;
}

struct Expected {
  std::map<std::string, v1::NodeFigures> nodes;
  std::map<std::string, v1::UnitRow> units;  // by unit row key
  std::map<std::string, v1::RectificationRow> items;
};

Expected Recompute(const std::vector<v1::EventEnvelope>& events) {
  // node -> stream -> events
  std::map<std::string, std::map<std::string, std::vector<v1::EventEnvelope>>>
      streams;
  Expected out;
  for (const auto& e : events) {
    streams[e.node_id()][e.stream_id()].push_back(e);
    v1::NodeFigures& n = out.nodes[e.node_id()];
    n.set_node_id(e.node_id());
    n.set_events_applied(n.events_applied() + 1);
  }
  for (const auto& [node_id, by_stream] : streams) {
    v1::NodeFigures& n = out.nodes[node_id];
    // Opinions by member, for the units' blocking reasons.
    std::map<std::string, domain::EvaluationState> opinions;
    for (const auto& [stream, evs] : by_stream) {
      if (stream.rfind("evaluation/", 0) != 0) continue;
      auto s = domain::FoldEvaluation(evs);
      EXPECT_TRUE(s.ok());
      opinions[s->member_id] = *s;
      v1::EvaluationFigures& f = *n.mutable_evaluations();
      f.set_recorded(f.recorded() + 1);
      if (s->phase == domain::EvaluationPhase::kRecorded)
        f.set_awaiting_showing(f.awaiting_showing() + 1);
      if (s->phase == domain::EvaluationPhase::kShown)
        f.set_shown(f.shown() + 1);
      if (s->phase == domain::EvaluationPhase::kDisputed)
        f.set_disputed(f.disputed() + 1);
      if (s->phase == domain::EvaluationPhase::kSigned)
        f.set_signed_opinions(f.signed_opinions() + 1);
      if (s->revisions > 0) f.set_revised(f.revised() + 1);
      Inc(f.mutable_by_rating(), s->rating);
      const bool required = s->rating == v1::RATING_BASICALLY_QUALIFIED ||
                            s->rating == v1::RATING_UNQUALIFIED;
      const bool assigned = !s->measure.empty() && !s->helper_name.empty();
      if (required)
        f.set_transformation_required(f.transformation_required() + 1);
      if (required && assigned)
        f.set_transformation_assigned(f.transformation_assigned() + 1);
      if (required && assigned && s->measure_completed)
        f.set_transformation_completed(f.transformation_completed() + 1);
    }
    for (const auto& [stream, evs] : by_stream) {
      if (stream.rfind("node/", 0) == 0) {
        auto r = Parse<v1::NodeRegistered>(evs.front().payload());
        n.set_name(r.name());
        n.set_kind(r.kind());
      } else if (stream.rfind("unit/", 0) == 0) {
        auto s = domain::FoldUnit(evs);
        EXPECT_TRUE(s.ok());
        domain::EvaluationsByMember mine;
        for (const auto& [id, m] : s->roster.members) {
          if (opinions.count(id)) mine[id] = opinions[id];
        }
        v1::UnitRow row;
        row.set_node_id(node_id);
        row.set_unit_id(s->roster.unit.unit_id());
        row.set_name(s->roster.unit.name());
        row.set_batch(s->roster.unit.batch());
        row.set_category(s->roster.unit.category());
        row.set_member_count(s->roster.unit.member_count());
        row.set_members_registered(s->roster.members.size());
        row.set_stage(s->stage);
        row.set_next_step(domain::NextStep(*s));
        std::map<int, uint32_t> codes;
        for (const auto& r : domain::BlockingReasons(*s, mine))
          ++codes[r.code()];
        for (const auto& [code, count] : codes) {
          auto* c = row.add_blocking();
          c->set_code(static_cast<v1::BlockingReasonCode>(code));
          c->set_count(count);
        }
        v1::UnitFigures& f = *n.mutable_units();
        f.set_registered(f.registered() + 1);
        Inc(f.mutable_by_batch(), row.batch());
        Inc(f.mutable_by_stage(), row.stage());
        if (row.next_step() != 0)
          Inc(f.mutable_by_stage_step(), row.stage() * 10 + row.next_step());
        for (const auto& [code, count] : codes)
          Inc(f.mutable_blocked_by_reason(), code);
        row.set_condition(ExpectedCondition(*s, mine));
        row.set_step_since_us(ExpectedStepSince(evs));
        if (row.condition() == v1::UNIT_CONDITION_BLOCKED) {
          f.set_blocked(f.blocked() + 1);
        }
        if (row.condition() == v1::UNIT_CONDITION_WAITING) {
          f.set_waiting(f.waiting() + 1);
          for (const auto& [code, count] : codes)
            Inc(f.mutable_waiting_by_reason(), code);
          (*f.mutable_waiting_since())[UtcDay(row.step_since_us())] += 1;
        }
        if (!s->transition.surveys.empty()) {
          const auto& last = s->transition.surveys.back();
          auto* v = row.mutable_latest_survey();
          v->set_survey_number(last.survey_number);
          v->set_respondents(last.respondents);
          v->set_satisfied(last.satisfied);
          v->set_basically_satisfied(last.basically_satisfied);
          v->set_dissatisfied(last.dissatisfied);
          v->set_dissatisfied_percent(100.0 * last.dissatisfied /
                                      last.respondents);
          v->set_remediation_recorded(last.remediation_recorded);
          row.set_has_survey(true);
          f.set_surveyed(f.surveyed() + 1);
          f.set_latest_survey_respondents(f.latest_survey_respondents() +
                                          last.respondents);
          f.set_latest_survey_dissatisfied(f.latest_survey_dissatisfied() +
                                           last.dissatisfied);
          if (last.dissatisfied * 10 > last.respondents)
            f.set_needing_remediation(f.needing_remediation() + 1);
        }
        for (const auto& [stage, summary] : s->summaries) {
          row.add_summaries_filed(stage);
          Inc(f.mutable_summaries_filed(), stage);
        }
        row.set_stream_version(evs.back().stream_version());
        out.units[UnitRowKey(node_id, row.unit_id())] = row;
      } else if (stream.rfind("material/", 0) == 0) {
        auto s = domain::FoldMaterial(evs);
        EXPECT_TRUE(s.ok());
        v1::MaterialFigures& f = *n.mutable_materials();
        f.set_members(f.members() + 1);
        if (s->phase == domain::MaterialPhase::kSubmitted)
          f.set_awaiting_review(f.awaiting_review() + 1);
        if (s->phase == domain::MaterialPhase::kReturned)
          f.set_returned(f.returned() + 1);
        if (s->phase == domain::MaterialPhase::kAccepted)
          f.set_accepted(f.accepted() + 1);
        f.set_submissions(f.submissions() + s->submissions);
        f.set_returns(f.returns() + s->returns);
      } else if (stream.rfind("meeting/", 0) == 0) {
        auto s = domain::FoldMeeting(evs);
        EXPECT_TRUE(s.ok());
        v1::MeetingFigures& f = *n.mutable_meetings();
        f.set_held(f.held() + 1);
        Inc(f.mutable_held_by_kind(), s->meeting.kind());
        if (s->circulated) f.set_circulated(f.circulated() + 1);
      } else if (stream.rfind("rectification/", 0) == 0) {
        auto s = domain::FoldRectification(evs);
        EXPECT_TRUE(s.ok());
        v1::RectificationFigures& f = *n.mutable_rectifications();
        f.set_identified(f.identified() + 1);
        Inc(f.mutable_by_kind(), s->kind);
        Inc(f.mutable_by_status(), s->status);
        const bool planned = s->status != v1::RECTIFICATION_STATUS_IDENTIFIED;
        const bool open = s->status == v1::RECTIFICATION_STATUS_PLANNED;
        if (planned) Inc(f.mutable_by_class(), s->item_class);
        if (open) (*f.mutable_open_deadlines())[s->deadline] += 1;
        v1::RectificationRow row;
        row.set_node_id(node_id);
        row.set_item_id(s->item_id);
        row.set_unit_id(s->unit_id);
        row.set_kind(s->kind);
        row.set_class_(s->item_class);
        row.set_status(s->status);
        row.set_deadline(s->deadline);
        row.set_percent_done(s->percent_done);
        row.set_closed_on(s->closed_on);
        out.items[RectRowKey(node_id, s->item_id)] = row;
      } else if (stream.rfind("census/", 0) == 0) {
        auto s = domain::FoldCensus(evs);
        EXPECT_TRUE(s.ok());
        const auto& r = s->report;
        v1::CensusFigures& f = *n.mutable_census();
        f.set_units_reported(f.units_reported() + 1);
        f.set_without_organisation(f.without_organisation() +
                                   r.should_have_organisation_but_none());
        f.set_leadership_incomplete(f.leadership_incomplete() +
                                    r.leadership_incomplete());
        f.set_weak_and_lax(
            f.weak_and_lax() +
            (r.condition() == v1::ORGANISATION_CONDITION_WEAK_AND_LAX));
        f.set_paralysed(f.paralysed() + (r.condition() ==
                                         v1::ORGANISATION_CONDITION_PARALYSED));
        f.set_secretary_unable_to_lead(f.secretary_unable_to_lead() +
                                       !r.secretary_able_to_lead());
        f.set_floating_total(f.floating_total() + r.floating().total());
        f.set_floating_relation_transferred(
            f.floating_relation_transferred() +
            r.floating().relation_transferred());
        f.set_floating_temporary_relation(f.floating_temporary_relation() +
                                          r.floating().temporary_relation());
        f.set_floating_with_certificate(f.floating_with_certificate() +
                                        r.floating().with_certificate());
        f.set_floating_contactable(f.floating_contactable() +
                                   r.floating().contactable());
        f.set_floating_not_contactable(f.floating_not_contactable() +
                                       r.floating().not_contactable());
        f.set_problems(f.problems() + r.main_problems_size());
        uint64_t resolved = 0;
        for (const auto& [id, text] : s->resolutions) resolved += !text.empty();
        f.set_problems_resolved(f.problems_resolved() + resolved);
      }
    }
  }
  return out;
}

bool Same(const google::protobuf::Message& a,
          const google::protobuf::Message& b, std::string* diff) {
  google::protobuf::util::MessageDifferencer d;
  d.ReportDifferencesToString(diff);
  return d.Compare(a, b);
}

void ExpectMatches(const Store& store, const Expected& expected) {
  size_t units = 0, items = 0, nodes = 0;
  for (const auto& [k, v] : store) {
    if (k.first != static_cast<int>(Table::kRows)) continue;
    const std::string& key = k.second;
    std::string diff;
    if (key.rfind(kNodeRowPrefix, 0) == 0) {
      ++nodes;
      auto it = expected.nodes.find(key.substr(2));
      ASSERT_NE(it, expected.nodes.end()) << key;
      EXPECT_TRUE(Same(it->second, Parse<v1::NodeFigures>(v), &diff))
          << key << ": " << diff;
    } else if (key.rfind(kUnitRowPrefix, 0) == 0) {
      ++units;
      auto it = expected.units.find(key);
      ASSERT_NE(it, expected.units.end()) << key;
      EXPECT_TRUE(Same(it->second, Parse<v1::UnitRow>(v), &diff)) << diff;
    } else if (key.rfind(kRectRowPrefix, 0) == 0) {
      ++items;
      auto it = expected.items.find(key);
      ASSERT_NE(it, expected.items.end()) << key;
      EXPECT_TRUE(Same(it->second, Parse<v1::RectificationRow>(v), &diff))
          << diff;
    }
  }
  EXPECT_EQ(nodes, expected.nodes.size());
  EXPECT_EQ(units, expected.units.size());
  EXPECT_EQ(items, expected.items.size());
}

TEST(ProjectorProperty, IncrementalEqualsRebuildEqualsRecomputation) {
  for (uint64_t seed : {1u, 2u, 3u, 4u}) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    std::mt19937_64 rng(seed * 7919);
    const std::vector<std::string> node_ids = {"371302", "371311", "371312"};
    std::vector<HistoryGenerator> gens;
    for (size_t i = 0; i < node_ids.size(); ++i) {
      HistoryOptions o;
      o.units = 3 + static_cast<int>(i);
      gens.emplace_back(node_ids[i], seed * 100 + i, o);
    }
    std::vector<std::vector<v1::EventEnvelope>> logs(node_ids.size());
    for (size_t i = 0; i < node_ids.size(); ++i) {
      for (int n = 0; n < 700; ++n) logs[i].push_back(gens[i].Next());
    }

    auto inc = std::make_unique<Projector>();
    Store store;
    std::vector<size_t> next(node_ids.size(), 0);
    std::vector<v1::EventEnvelope> applied;
    int batches = 0, restarts = 0, redeliveries = 0, switches = 0;
    for (;;) {
      std::vector<size_t> open;
      for (size_t i = 0; i < logs.size(); ++i) {
        if (next[i] < logs[i].size()) open.push_back(i);
      }
      if (open.empty()) break;
      // One batch: a few runs of consecutive events from random nodes.
      for (int run = 0, runs = 1 + rng() % 3; run < runs; ++run) {
        const size_t i = open[rng() % open.size()];
        size_t n = 1 + rng() % 60;
        if (rng() % 5 == 0 && next[i] > 0) {
          // Re-deliver an already-applied stretch: must change nothing.
          const size_t back = 1 + rng() % std::min<size_t>(next[i], 20);
          for (size_t k = next[i] - back; k < next[i]; ++k) {
            ASSERT_TRUE(inc->Apply(logs[i][k]).ok());
          }
          ++redeliveries;
        }
        for (; n > 0 && next[i] < logs[i].size(); --n, ++next[i]) {
          ASSERT_TRUE(inc->Apply(logs[i][next[i]]).ok());
          applied.push_back(logs[i][next[i]]);
        }
      }
      Write(store, inc->FlushAll());
      ++batches;
      ASSERT_EQ(store, Rebuild(applied)) << "after batch " << batches;
      if (rng() % 6 == 0) {
        inc = LoadFrom(store);  // restart from the persisted rows
        ++restarts;
      } else if (rng() % 6 == 0) {
        // Go on live with the projector a rebuild filled (the runner does),
        // every other time made as RebuildInto makes it: one projector per
        // node, each flushed, then absorbed into one.
        auto rebuilt = std::make_unique<Projector>(Projector::Mode::kRebuild);
        Store again;
        if (switches % 2 == 0) {
          for (const auto& e : applied) ASSERT_TRUE(rebuilt->Apply(e).ok());
          Write(again, rebuilt->FlushAll());
        } else {
          for (const std::string& node : node_ids) {
            Projector part(Projector::Mode::kRebuild);
            for (const auto& e : applied) {
              if (e.node_id() == node) {
                ASSERT_TRUE(part.Apply(e).ok());
              }
            }
            Write(again, part.FlushAll());
            ASSERT_TRUE(rebuilt->Absorb(std::move(part)).ok());
            EXPECT_FALSE(part.HasChanges());
          }
          EXPECT_FALSE(rebuilt->HasChanges());
          EXPECT_TRUE(rebuilt->FlushAll().empty());
        }
        ASSERT_EQ(again, store) << "rebuilt after batch " << batches;
        inc = std::move(rebuilt);
        ++switches;
      }
    }
    // A gap is refused.
    v1::EventEnvelope gap = logs[0].back();
    gap.set_sequence(gap.sequence() + 2);
    EXPECT_EQ(inc->Apply(gap).code(), absl::StatusCode::kFailedPrecondition);

    ExpectMatches(store, Recompute(applied));
    EXPECT_GT(restarts, 0);
    EXPECT_GT(redeliveries, 0);
    EXPECT_GT(switches, 0);

    // Aggregates only: no person's name and no member id in any served row.
    for (const auto& [k, v] : store) {
      if (k.first != static_cast<int>(Table::kRows)) continue;
      for (const char* needle : {"NAME-", "HELPER-", "RESP-", "-M0"}) {
        EXPECT_EQ(v.find(needle), std::string::npos) << k.second;
      }
    }
  }
}

TEST(Projector, AbsorbRefusesSharedNodesAndPendingChanges) {
  HistoryGenerator a("371302", 5, HistoryOptions());
  HistoryGenerator b("371311", 6, HistoryOptions());
  Projector one(Projector::Mode::kRebuild), two(Projector::Mode::kRebuild);
  Projector same(Projector::Mode::kRebuild);
  for (int n = 0; n < 50; ++n) {
    const v1::EventEnvelope e = a.Next();
    ASSERT_TRUE(one.Apply(e).ok());
    ASSERT_TRUE(same.Apply(e).ok());
    ASSERT_TRUE(two.Apply(b.Next()).ok());
  }
  Projector into;
  // Not flushed yet: the rows would be lost.
  EXPECT_EQ(into.Absorb(std::move(one)).code(),
            absl::StatusCode::kFailedPrecondition);
  one.FlushAll();
  two.FlushAll();
  same.FlushAll();
  ASSERT_TRUE(into.Absorb(std::move(one)).ok());
  EXPECT_EQ(into.Absorb(std::move(same)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(same.Checkpoint("371302"), 50u);  // nothing moved
  ASSERT_TRUE(into.Absorb(std::move(two)).ok());
  EXPECT_EQ(into.Checkpoint("371302"), 50u);
  EXPECT_EQ(into.Checkpoint("371311"), 50u);
  EXPECT_EQ(one.Checkpoint("371302"), 0u);
  // Live after absorbing: only what changed is flushed.
  ASSERT_TRUE(into.Apply(b.Next()).ok());
  for (const RowChange& r : into.FlushAll()) {
    EXPECT_EQ(r.key.find("371302"), std::string::npos) << r.key;
  }
}

TEST(ProjectorProperty, HistoriesCoverTheInterestingCases) {
  // The generator reaches the states the read models count; otherwise the
  // property above would prove little.
  HistoryOptions o;
  o.units = 6;
  HistoryGenerator gen("371302", 42, o);
  Projector p;
  uint64_t max_blocked = 0, max_waiting = 0;
  std::set<int> reasons, stages;
  for (int n = 0; n < 4000; ++n) {
    ASSERT_TRUE(p.Apply(gen.Next()).ok());
    if (n % 50 != 0) continue;
    p.FlushAll();
    const v1::UnitFigures u = p.AllNodeFigures().at("371302").units();
    max_blocked = std::max(max_blocked, u.blocked());
    max_waiting = std::max(max_waiting, u.waiting());
    for (const auto& [code, units] : u.blocked_by_reason())
      reasons.insert(code);
    for (const auto& [stage, units] : u.by_stage()) stages.insert(stage);
  }
  p.FlushAll();
  const v1::NodeFigures f = p.AllNodeFigures().at("371302");
  EXPECT_EQ(stages.size(), 4u);
  EXPECT_GT(max_blocked, 0u);
  EXPECT_GT(max_waiting, 0u);
  EXPECT_GT(reasons.size(), 8u);
  EXPECT_GT(f.evaluations().signed_opinions(), 0u);
  EXPECT_GT(f.evaluations().transformation_required(), 0u);
  EXPECT_GT(f.materials().accepted(), 0u);
  EXPECT_GT(f.meetings().circulated(), 0u);
  EXPECT_GT(f.rectifications().by_status().size(), 2u);
  EXPECT_GT(f.census().units_reported(), 0u);
}

TEST(Figures, OverdueFollowsTheCountyRule) {
  v1::NodeFigures f;
  auto& d = *f.mutable_rectifications()->mutable_open_deadlines();
  d["2024-06-01"] = 2;
  d["2024-06-15"] = 3;  // the deadline day itself is not overdue
  d["2024-07-01"] = 4;
  f.mutable_rectifications()->set_identified(10);
  (*f.mutable_rectifications()
        ->mutable_by_status())[v1::RECTIFICATION_STATUS_COMPLETED] = 1;
  FinishForDay("2024-06-15", f);
  EXPECT_EQ(f.rectifications().overdue(), 2u);
  EXPECT_DOUBLE_EQ(f.rectifications().completion_rate(), 0.1);

  v1::RectificationRow row;
  row.set_status(v1::RECTIFICATION_STATUS_PLANNED);
  row.set_deadline("2024-06-14");
  EXPECT_TRUE(MarkOverdue("2024-06-15", row));
  row.set_status(v1::RECTIFICATION_STATUS_COMPLETED);
  EXPECT_FALSE(MarkOverdue("2024-06-15", row));
}

}  // namespace
}  // namespace reporting::projector
