#include "tests/bench/pushed_nodes.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/replication/harness.h"

namespace reporting::bench {

std::vector<std::string> PushedNodes::NodeIds(int nodes) {
  std::vector<std::string> ids;
  for (int i = 0; i < nodes; ++i) ids.push_back(absl::StrCat(371300 + i));
  return ids;
}

PushedNodes::PushedNodes(std::string dir, std::string certs, int nodes,
                         int units_per_node)
    : certs_(std::move(certs)) {
  projector::HistoryOptions o;
  o.units = units_per_node;
  o.max_members_per_unit = 3;
  // Recorded a few days ago: never ahead of the city's clock.
  o.start_us = absl::ToUnixMicros(absl::Now() - absl::Hours(24 * 5));
  o.step_us = 1000;
  o.today = absl::FormatTime("%Y-%m-%d", absl::Now() - absl::Hours(24 * 5),
                             absl::LocalTimeZone());
  int i = 0;
  for (const std::string& id : NodeIds(nodes)) {
    Node& n = nodes_.emplace_back();
    n.id = id;
    storage::EventLogOptions lo;
    lo.node_id = id;
    lo.sync = false;
    const std::string path = absl::StrCat(dir, "/", id);
    std::filesystem::create_directories(path);
    auto log = storage::EventLog::Open(path, lo);
    if (!log.ok()) {
      std::fprintf(stderr, "bench: open log %s: %s\n", id.c_str(),
                   log.status().ToString().c_str());
      std::exit(1);
    }
    n.log = std::move(*log);
    n.gen = std::make_unique<projector::HistoryGenerator>(id, 7 + i++, o);
  }
}

PushedNodes::~PushedNodes() {
  StopIngest();
  for (Node& n : nodes_) {
    if (n.replicator) n.replicator->Stop();
  }
}

absl::Status PushedNodes::Append(Node& node, int events) {
  storage::AppendRequest req;
  req.actor = "clerk:bench";
  while (events > 0) {
    const int batch = std::min(events, 500);
    for (int i = 0; i < batch; ++i) {
      v1::EventEnvelope e = node.gen->Next();
      req.recorded_at_us = e.recorded_at_us();
      req.events.push_back({e.stream_id(), e.event_type(), e.payload()});
    }
    req.command_id = absl::StrCat("bench-", node.gen->sequence());
    absl::Status st = node.log->Append(req).status();
    if (!st.ok()) return st;
    req.events.clear();
    events -= batch;
  }
  return absl::OkStatus();
}

absl::Status PushedNodes::Fill(int events_per_node) {
  for (Node& n : nodes_) {
    absl::Status st = Append(n, events_per_node);
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

void PushedNodes::StartReplication(const std::string& city) {
  for (Node& n : nodes_) {
    county::ReplicatorOptions o;
    o.node_id = n.id;
    o.city = city;
    o.credentials = replication_test::ClientTls(certs_, "node-" + n.id);
    n.replicator =
        std::make_unique<county::Replicator>(n.log.get(), std::move(o));
    n.replicator->Start();
  }
}

absl::Status PushedNodes::WaitAcknowledged(absl::Duration timeout) const {
  const absl::Time end = absl::Now() + timeout;
  for (const Node& n : nodes_) {
    const uint64_t head = n.log->GetHead().sequence;
    while (n.replicator->GetStatus().acked_sequence < head) {
      if (absl::Now() > end) {
        const county::ReplicatorStatus s = n.replicator->GetStatus();
        return absl::DeadlineExceededError(absl::StrCat(
            "node ", n.id, ": the city acknowledged ", s.acked_sequence, " of ",
            head, " events (", county::ReplicatorStateName(s.state), " ",
            s.detail, ")"));
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
  }
  return absl::OkStatus();
}

uint64_t PushedNodes::TotalEvents() const {
  uint64_t n = 0;
  for (const Node& node : nodes_) n += node.log->GetHead().sequence;
  return n;
}

void PushedNodes::StartIngest(int per_second) {
  stop_ingest_ = false;
  ingest_ = std::thread([this, per_second] { IngestLoop(per_second); });
}

uint64_t PushedNodes::StopIngest() {
  stop_ingest_ = true;
  if (ingest_.joinable()) ingest_.join();
  return ingested_.load();
}

void PushedNodes::IngestLoop(int per_second) {
  const auto start = std::chrono::steady_clock::now();
  size_t next = 0;
  while (!stop_ingest_) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    const uint64_t due = static_cast<uint64_t>(elapsed * per_second);
    while (ingested_ < due && !stop_ingest_) {
      absl::Status st = Append(nodes_[next], 1);
      if (!st.ok()) {
        std::fprintf(stderr, "bench: ingest: %s\n", st.ToString().c_str());
        std::exit(1);
      }
      next = (next + 1) % nodes_.size();
      ++ingested_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace reporting::bench
