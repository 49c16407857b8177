// QueryService logic against brute force, and the runner's live path,
// restart and rebuild over real node logs.
#include "services/city/query_service.h"

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/city/projection_runner.h"
#include "services/city/testing/node_logs.h"
#include "services/projector/figures.h"
#include "services/projector/history_generator.h"
#include "services/projector/projector.h"
#include "storage/event_log.h"
#include "storage/read_model_store.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::city {
namespace {

using Family = storage::ReadModelStore::Family;

const std::vector<std::string> kNodes = {"371302", "371311", "371312"};

using fixtures::Dump;
using fixtures::NodeLogs;

// The runner's in-memory overview equals the one read from its store.
void ExpectOverviewMatchesStore(const ProjectionRunner& runner) {
  auto store = runner.Store();
  auto base = runner.Overview();
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(base.ok());
  v1::CityOverview from_rows, served;
  ASSERT_TRUE(
      query::CityOverview(*(*store)->NewView(), "2024-09-01", from_rows).ok());
  query::FinishOverview(**base, "2024-09-01", served);
  EXPECT_EQ(projector::SerializeRow(served),
            projector::SerializeRow(from_rows));

  // And over gRPC (the callback method, its messages on an arena).
  QueryServiceImpl service(&runner);
  grpc::ServerBuilder builder;
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  auto stub = v1::QueryService::NewStub(
      server->InProcessChannel(grpc::ChannelArguments()));
  v1::GetCityOverviewRequest request;
  request.set_today("2024-09-01");
  v1::CityOverview answer;
  grpc::ClientContext context;
  grpc::Status status = stub->GetCityOverview(&context, request, &answer);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(projector::SerializeRow(answer),
            projector::SerializeRow(from_rows));
  request.set_today("1st of May");
  grpc::ClientContext bad_context;
  EXPECT_EQ(stub->GetCityOverview(&bad_context, request, &answer).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  server->Shutdown();
}

fixtures::StoreDump FreshRebuild(const NodeLogs& logs, const std::string& dir) {
  return fixtures::FreshRebuild(logs.Map(), dir);
}

TEST(QueryService, FiltersAndPagingMatchBruteForce) {
  NodeLogs logs(kNodes);
  logs.Grow(900);
  testutil::TempDir dir;
  auto store = storage::ReadModelStore::Open(dir.Sub("rm"));
  ASSERT_TRUE(store.ok());
  projector::Projector p;
  ASSERT_TRUE(RebuildInto(logs.Map(), p, **store, nullptr).ok());
  auto view = (*store)->NewView();

  std::vector<v1::UnitRow> units;
  std::vector<v1::RectificationRow> items;
  for (const auto& [k, v] : Dump(**store)) {
    if (k.first != static_cast<int>(Family::kRows)) continue;
    if (k.second.rfind("u/", 0) == 0) units.emplace_back().ParseFromString(v);
    if (k.second.rfind("r/", 0) == 0) items.emplace_back().ParseFromString(v);
  }
  ASSERT_GT(units.size(), 10u);
  ASSERT_GT(items.size(), 10u);

  std::mt19937 rng(5);
  for (int round = 0; round < 200; ++round) {
    v1::ListUnitsRequest req;
    if (rng() % 2) req.set_node_id(kNodes[rng() % kNodes.size()]);
    if (rng() % 3 == 0) req.set_batch(static_cast<v1::Batch>(1 + rng() % 2));
    if (rng() % 3 == 0) req.set_stage(static_cast<v1::Stage>(1 + rng() % 4));
    if (rng() % 4 == 0)
      req.set_next_step(static_cast<v1::TransitionStep>(1 + rng() % 6));
    if (rng() % 3 == 0)
      req.set_blocked_reason(
          static_cast<v1::BlockingReasonCode>(1 + rng() % 13));
    if (rng() % 3 == 0)
      req.set_condition(static_cast<v1::UnitCondition>(1 + rng() % 3));
    req.set_page_size(1 + rng() % 7);
    std::vector<std::string> expected;
    for (const auto& u : units) {
      if (!req.node_id().empty() && u.node_id() != req.node_id()) continue;
      if (req.batch() && u.batch() != req.batch()) continue;
      if (req.stage() && u.stage() != req.stage()) continue;
      if (req.next_step() && u.next_step() != req.next_step()) continue;
      if (req.condition() && u.condition() != req.condition()) continue;
      if (req.blocked_reason()) {
        bool has = false;
        for (const auto& b : u.blocking())
          has |= b.code() == req.blocked_reason();
        if (!has) continue;
      }
      expected.push_back(u.node_id() + "/" + u.unit_id());
    }
    std::vector<std::string> got;
    for (int pages = 0;; ++pages) {
      ASSERT_LT(pages, 1000);
      v1::ListUnitsResponse resp;
      ASSERT_TRUE(query::ListUnits(*view, req, resp).ok());
      EXPECT_LE(resp.units_size(), static_cast<int>(req.page_size()));
      for (const auto& u : resp.units())
        got.push_back(u.node_id() + "/" + u.unit_id());
      if (resp.next_page_token().empty()) break;
      EXPECT_EQ(resp.units_size(), static_cast<int>(req.page_size()));
      req.set_page_token(resp.next_page_token());
    }
    EXPECT_EQ(got, expected) << req.DebugString();
  }
  // One unit by id: its row, or nothing; node_id is required.
  for (const auto& u : units) {
    v1::ListUnitsRequest req;
    req.set_node_id(u.node_id());
    req.set_unit_id(u.unit_id());
    v1::ListUnitsResponse resp;
    ASSERT_TRUE(query::ListUnits(*view, req, resp).ok());
    ASSERT_EQ(resp.units_size(), 1);
    EXPECT_EQ(resp.units(0).SerializeAsString(), u.SerializeAsString());
  }
  {
    v1::ListUnitsRequest req;
    req.set_node_id(kNodes[0]);
    req.set_unit_id("no-such-unit");
    v1::ListUnitsResponse resp;
    ASSERT_TRUE(query::ListUnits(*view, req, resp).ok());
    EXPECT_EQ(resp.units_size(), 0);
    req.clear_node_id();
    EXPECT_EQ(query::ListUnits(*view, req, resp).code(),
              absl::StatusCode::kInvalidArgument);
  }

  const std::string today = "2024-09-01";
  for (int round = 0; round < 200; ++round) {
    v1::ListRectificationsRequest req;
    if (rng() % 2) req.set_node_id(kNodes[rng() % kNodes.size()]);
    if (rng() % 3 == 0)
      req.set_kind(static_cast<v1::RectificationKind>(1 + rng() % 4));
    if (rng() % 3 == 0)
      req.set_class_(static_cast<v1::RectificationClass>(1 + rng() % 3));
    req.set_page_size(1 + rng() % 9);
    std::vector<std::string> overdue, rest;
    for (auto i : items) {
      if (!req.node_id().empty() && i.node_id() != req.node_id()) continue;
      if (req.kind() && i.kind() != req.kind()) continue;
      if (req.class_() && i.class_() != req.class_()) continue;
      const bool late = i.status() == v1::RECTIFICATION_STATUS_PLANNED &&
                        i.deadline() < today;
      (late ? overdue : rest).push_back(i.node_id() + "/" + i.item_id());
    }
    std::vector<std::string> expected = overdue;
    expected.insert(expected.end(), rest.begin(), rest.end());
    std::vector<std::string> got;
    size_t overdue_seen = 0;
    for (int pages = 0;; ++pages) {
      ASSERT_LT(pages, 1000);
      v1::ListRectificationsResponse resp;
      ASSERT_TRUE(query::ListRectifications(*view, req, today, resp).ok());
      for (const auto& i : resp.items()) {
        got.push_back(i.node_id() + "/" + i.item_id());
        overdue_seen += i.overdue();
      }
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    EXPECT_EQ(got, expected) << req.DebugString();
    EXPECT_EQ(overdue_seen, overdue.size());
  }

  // The overview's city figures are the sum of the nodes', and its overdue
  // count agrees with the item list.
  v1::CityOverview overview;
  ASSERT_TRUE(query::CityOverview(*view, today, overview).ok());
  ASSERT_EQ(overview.nodes_size(), 3);
  uint64_t registered = 0;
  for (const auto& n : overview.nodes()) registered += n.units().registered();
  EXPECT_EQ(registered, units.size());
  EXPECT_EQ(overview.city().units().registered(), units.size());
  size_t late = 0;
  for (const auto& i : items) {
    late +=
        i.status() == v1::RECTIFICATION_STATUS_PLANNED && i.deadline() < today;
  }
  EXPECT_EQ(overview.city().rectifications().overdue(), late);
  // What GetCityOverview serves (the runner's in-memory base) equals the
  // overview read from the rows.
  v1::CityOverview served;
  query::FinishOverview(*OverviewOf(p), today, served);
  EXPECT_EQ(projector::SerializeRow(served), projector::SerializeRow(overview));

  // A token from other filters is refused.
  v1::ListUnitsRequest bad;
  bad.set_node_id("371302");
  bad.set_page_token("bm90IGEgdG9rZW4");
  v1::ListUnitsResponse resp;
  EXPECT_EQ(query::ListUnits(*view, bad, resp).code(),
            absl::StatusCode::kInvalidArgument);

  // A malformed node filter is an error naming it, not an empty list.
  v1::ListUnitsRequest typo;
  typo.set_node_id("371302; drop");
  absl::Status s = query::ListUnits(*view, typo, resp);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find("371302; drop"), absl::string_view::npos) << s;
  v1::ListRectificationsRequest typo_items;
  typo_items.set_node_id("371302/");
  v1::ListRectificationsResponse items_resp;
  EXPECT_EQ(
      query::ListRectifications(*view, typo_items, today, items_resp).code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(ProjectionRunner, LiveRestartAndRebuildEqualAFreshRebuild) {
  NodeLogs logs(kNodes);
  logs.Grow(300);
  testutil::TempDir dir;
  RunnerOptions o;
  o.dir = dir.Sub("read_models");
  o.logs = [&] { return logs.Map(); };
  o.progress = [](const RebuildProgress&) {};
  {
    auto runner = ProjectionRunner::Open(o);
    ASSERT_TRUE(runner.ok()) << runner.status();
    // Nothing built yet: UNAVAILABLE with a retry hint, never empty numbers.
    EXPECT_EQ((*runner)->Store().status().code(),
              absl::StatusCode::kUnavailable);
    (*runner)->Start();
    for (const auto& id : kNodes) {
      ASSERT_TRUE((*runner)->WaitProjected(
          id, logs.logs[id]->GetHead().sequence, absl::Seconds(30)));
    }
    // Live: more events arrive and are projected.
    logs.Grow(200);
    (*runner)->Notify();
    for (const auto& id : kNodes) {
      ASSERT_TRUE((*runner)->WaitProjected(
          id, logs.logs[id]->GetHead().sequence, absl::Seconds(30)));
    }
    (*runner)->Stop();
    auto store = (*runner)->Store();
    ASSERT_TRUE(store.ok());
    EXPECT_EQ(Dump(**store), FreshRebuild(logs, dir.Sub("fresh1")));
    ExpectOverviewMatchesStore(**runner);
  }
  // Restart: resumes from the checkpoints.
  logs.Grow(100);
  {
    auto runner = ProjectionRunner::Open(o);
    ASSERT_TRUE(runner.ok());
    ASSERT_TRUE((*runner)->Store().ok());  // the complete store serves at once
    (*runner)->Start();
    for (const auto& id : kNodes) {
      ASSERT_TRUE((*runner)->WaitProjected(
          id, logs.logs[id]->GetHead().sequence, absl::Seconds(30)));
    }
    (*runner)->Stop();
    auto store = (*runner)->Store();
    ASSERT_TRUE(store.ok());
    EXPECT_EQ(Dump(**store), FreshRebuild(logs, dir.Sub("fresh2")));
    ExpectOverviewMatchesStore(**runner);
    // A requested rebuild swaps in a fresh generation with the same rows.
    ASSERT_TRUE((*runner)->RebuildNow().ok());
    auto rebuilt = (*runner)->Store();
    ASSERT_TRUE(rebuilt.ok());
    EXPECT_NE(rebuilt->get(), store->get());
    EXPECT_EQ(Dump(**rebuilt), FreshRebuild(logs, dir.Sub("fresh3")));
    ExpectOverviewMatchesStore(**runner);
  }
  // Another model version on disk: not served, rebuilt on start.
  {
    auto runner = ProjectionRunner::Open(o);
    ASSERT_TRUE(runner.ok());
    auto store = (*runner)->Store();
    ASSERT_TRUE(store.ok());
    storage::ReadModelStore::WriteSet w;
    w.puts = {{Family::kMeta, "model_version", "0"}};
    ASSERT_TRUE((*store)->Apply(w).ok());
  }
  {
    auto runner = ProjectionRunner::Open(o);
    ASSERT_TRUE(runner.ok());
    EXPECT_EQ((*runner)->Store().status().code(),
              absl::StatusCode::kUnavailable);
    (*runner)->Start();
    for (const auto& id : kNodes) {
      ASSERT_TRUE((*runner)->WaitProjected(
          id, logs.logs[id]->GetHead().sequence, absl::Seconds(30)));
    }
    (*runner)->Stop();
    auto store = (*runner)->Store();
    ASSERT_TRUE(store.ok());
    EXPECT_EQ(Dump(**store), FreshRebuild(logs, dir.Sub("fresh4")));
    ExpectOverviewMatchesStore(**runner);
  }
}

}  // namespace
}  // namespace reporting::city
