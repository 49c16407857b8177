// Test helpers for the city's read side: real node logs grown with valid
// random histories (projector::HistoryGenerator), a dump of a read-model
// store, and a from-scratch rebuild to compare a live store with.
#ifndef REPORTING_SERVICES_CITY_TESTING_NODE_LOGS_H_
#define REPORTING_SERVICES_CITY_TESTING_NODE_LOGS_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "services/projector/history_generator.h"
#include "storage/event_log.h"
#include "storage/read_model_store.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::city::fixtures {

// Appends `n` generated events to `log`, one append per event (recorded_at
// is per append); the log assigns the generator's sequences and stream
// versions, as it is fed in order from empty. False (with a test failure)
// when an append fails.
bool Fill(storage::EventLog& log, projector::HistoryGenerator& gen, int n);

// One real log per node, each with its own generator.
struct NodeLogs {
  testutil::TempDir dir;
  std::map<std::string, std::unique_ptr<storage::EventLog>> logs;
  std::map<std::string, projector::HistoryGenerator> gens;

  // Node i gets `units_base + i` units and seed `seed_base + i`.
  explicit NodeLogs(const std::vector<std::string>& nodes, int units_base = 5,
                    uint64_t seed_base = 11);
  std::map<std::string, storage::EventLog*> Map() const;
  // Appends `per_node` events to every log.
  void Grow(int per_node);
};

// Every row of the state, rows and checkpoint families: (family, key) ->
// value.
using StoreDump = std::map<std::pair<int, std::string>, std::string>;
StoreDump Dump(const storage::ReadModelStore& store);

// The rows a from-scratch rebuild of `logs` gives, built in `dir`.
StoreDump FreshRebuild(const std::map<std::string, storage::EventLog*>& logs,
                       const std::string& dir);

}  // namespace reporting::city::fixtures

#endif  // REPORTING_SERVICES_CITY_TESTING_NODE_LOGS_H_
