#include "services/city/testing/node_logs.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/city/rebuild.h"
#include "services/projector/projector.h"

namespace reporting::city::fixtures {

using Family = storage::ReadModelStore::Family;

bool Fill(storage::EventLog& log, projector::HistoryGenerator& gen, int n) {
  storage::AppendRequest req;
  req.actor = "clerk:test";
  for (int i = 0; i < n; ++i) {
    v1::EventEnvelope e = gen.Next();
    req.recorded_at_us = e.recorded_at_us();
    req.events.assign(1, {e.stream_id(), e.event_type(), e.payload()});
    req.command_id = absl::StrCat("fill-", gen.node_id(), "-", gen.sequence());
    auto r = log.Append(req);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return false;
  }
  return true;
}

NodeLogs::NodeLogs(const std::vector<std::string>& nodes, int units_base,
                   uint64_t seed_base) {
  for (size_t i = 0; i < nodes.size(); ++i) {
    storage::EventLogOptions o;
    o.node_id = nodes[i];
    o.sync = false;
    auto log = storage::EventLog::Open(dir.Sub(nodes[i]), o);
    EXPECT_TRUE(log.ok()) << log.status();
    logs[nodes[i]] = std::move(*log);
    projector::HistoryOptions h;
    h.units = units_base + static_cast<int>(i);
    gens.emplace(nodes[i],
                 projector::HistoryGenerator(nodes[i], seed_base + i, h));
  }
}

std::map<std::string, storage::EventLog*> NodeLogs::Map() const {
  std::map<std::string, storage::EventLog*> m;
  for (const auto& [id, log] : logs) m[id] = log.get();
  return m;
}

void NodeLogs::Grow(int per_node) {
  for (auto& [id, log] : logs) {
    if (!Fill(*log, gens.at(id), per_node)) return;
  }
}

StoreDump Dump(const storage::ReadModelStore& store) {
  StoreDump out;
  for (Family f : {Family::kState, Family::kRows, Family::kCheckpoint}) {
    EXPECT_TRUE(
        store
            .Scan(f, "", "",
                  [&](absl::string_view k, absl::string_view v) {
                    out[{static_cast<int>(f), std::string(k)}] = std::string(v);
                    return true;
                  })
            .ok());
  }
  return out;
}

StoreDump FreshRebuild(const std::map<std::string, storage::EventLog*>& logs,
                       const std::string& dir) {
  auto store = storage::ReadModelStore::Open(dir);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return {};
  projector::Projector p(projector::Projector::Mode::kRebuild);
  absl::Status st = RebuildInto(logs, p, **store, nullptr).status();
  EXPECT_TRUE(st.ok()) << st;
  return Dump(**store);
}

}  // namespace reporting::city::fixtures
