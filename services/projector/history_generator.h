// HistoryGenerator: random but valid event histories of one county node,
// for the projector's property test, the city's kill test and the
// projection benchmark.
//
// Valid means: every event is what the county's own decisions
// (services/domain/ Decide*) return for a random command on the
// state so far; a refused command produces nothing and another is tried.
// So the histories obey every campaign rule (six steps in order, the 10%
// survey rule, the analysis-and-evaluation gate, ...).
//
// Names of people are "NAME-...", "HELPER-...", "RESP-..." so that a test
// can check none of them reaches a read-model row.
//
// Deterministic for a seed. Thread-compatible.
#ifndef REPORTING_SERVICES_PROJECTOR_HISTORY_GENERATOR_H_
#define REPORTING_SERVICES_PROJECTOR_HISTORY_GENERATOR_H_

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "reporting/v1/envelope.pb.h"
#include "services/domain/census.h"
#include "services/domain/evaluation.h"
#include "services/domain/material.h"
#include "services/domain/meeting.h"
#include "services/domain/rectification.h"
#include "services/domain/unit.h"

namespace reporting::projector {

struct HistoryOptions {
  int units = 4;
  int max_members_per_unit = 5;
  // recorded_at of the first event (us since epoch) and the step per event.
  int64_t start_us = 1719792000000000;  // 2024-07-01
  int64_t step_us = 1000000;
  std::string today = "2024-09-01";  // the node's date for decisions
};

class HistoryGenerator {
 public:
  HistoryGenerator(std::string node_id, uint64_t seed,
                   HistoryOptions options = {});

  // The next event (node_id, sequence, stream id and version, type,
  // recorded_at, actor, command id and payload filled; no hashes).
  v1::EventEnvelope Next();

  const std::string& node_id() const { return node_id_; }
  uint64_t sequence() const { return sequence_; }

 private:
  struct Unit {
    std::string id;
    domain::UnitState state;
    std::vector<std::string> members;
    std::string branch_id;
    int meetings = 0;
    int items = 0;
  };

  // Each returns true when it emitted an event.
  bool TryRegistration();
  bool TryEvaluation(Unit& unit);
  bool TryMaterial(Unit& unit);
  bool TryMeeting(Unit& unit);
  bool TryTransition(Unit& unit);
  bool TryItem(Unit& unit);
  bool TryCensus(Unit& unit);

  template <typename M>
  void Emit(const std::string& stream_id, const M& payload);
  domain::EvaluationsByMember EvaluationsOf(const Unit& unit) const;
  int Rand(int n) {
    return static_cast<int>(rng_() % static_cast<uint64_t>(n));
  }
  bool Chance(int percent) { return Rand(100) < percent; }
  std::string RandomDate();

  const std::string node_id_;
  const HistoryOptions options_;
  std::mt19937_64 rng_;
  uint64_t sequence_ = 0;
  std::map<std::string, uint64_t> versions_;  // stream -> version
  v1::EventEnvelope last_;
  bool node_registered_ = false;
  std::vector<Unit> units_;
  std::map<std::string, domain::EvaluationState> evaluations_;  // by member
  std::map<std::string, domain::MaterialState> materials_;      // by member
  std::map<std::string, domain::MeetingState> meetings_;        // by id
  std::map<std::string, domain::RectificationState> items_;     // by id
  std::map<std::string, domain::CensusState> censuses_;         // by unit
};

}  // namespace reporting::projector

#endif  // REPORTING_SERVICES_PROJECTOR_HISTORY_GENERATOR_H_
