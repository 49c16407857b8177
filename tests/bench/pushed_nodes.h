// PushedNodes: many county nodes' logs kept in this process and pushed to
// a real city-aggregator through the real replication path: each log is
// written with the project's history generator (projector::HistoryGenerator:
// campaigns every rule of the county allows) and pushed by the county's own
// Replicator over mutual TLS with the node's own certificate (CN = node id,
// made by deploy/gen-certs.sh), as county-node does. Cheaper than a
// county-node process per node: one process, no command handling, so the
// city can be given 200 nodes on a 2-core machine.
//
// Ingest(per_second) then keeps appending generated events, one per append
// like single commands, round robin over the nodes, at a steady rate.
//
// Thread-compatible (the ingest thread is internal).
#ifndef REPORTING_TESTS_BENCH_PUSHED_NODES_H_
#define REPORTING_TESTS_BENCH_PUSHED_NODES_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/county/replicator.h"
#include "services/projector/history_generator.h"
#include "storage/event_log.h"

namespace reporting::bench {

class PushedNodes {
 public:
  // Node ids are 371300 + i. The logs live under dir; certs holds
  // node-ID.{crt,key} and ca.crt for each.
  PushedNodes(std::string dir, std::string certs, int nodes,
              int units_per_node);
  ~PushedNodes();  // stops the ingest and the replicators

  static std::vector<std::string> NodeIds(int nodes);

  // Appends `events_per_node` generated events to every log (no sync: the
  // county side is not what is measured).
  absl::Status Fill(int events_per_node);
  // One Replicator per node to `city` (host:port).
  void StartReplication(const std::string& city);
  // Until every replicator's acknowledged sequence reaches its log's
  // head; DEADLINE_EXCEEDED naming a node behind otherwise.
  absl::Status WaitAcknowledged(absl::Duration timeout) const;
  uint64_t TotalEvents() const;

  // Starts appending `per_second` events in total (one per append).
  void StartIngest(int per_second);
  // Stops it; the events it appended.
  uint64_t StopIngest();

 private:
  struct Node {
    std::string id;
    std::unique_ptr<storage::EventLog> log;
    std::unique_ptr<projector::HistoryGenerator> gen;
    std::unique_ptr<county::Replicator> replicator;
  };
  absl::Status Append(Node& node, int events);
  void IngestLoop(int per_second);

  const std::string certs_;
  std::vector<Node> nodes_;
  std::atomic<bool> stop_ingest_{false};
  std::atomic<uint64_t> ingested_{0};
  std::thread ingest_;
};

}  // namespace reporting::bench

#endif  // REPORTING_TESTS_BENCH_PUSHED_NODES_H_
