// NodeScript: the commands of one node of a generated campaign, built one
// unit at a time, and the figures they must lead to (generate_campaign.h).
// Internal to the generator.
//
//   NodeScript script(options, node, plan);   // appends RegisterNode
//   script.AddUnit(unit_number, fate);         // registration ... census
//
// Thread-compatible.
#ifndef REPORTING_SERVICES_GENERATOR_GENERATE_SCRIPT_H_
#define REPORTING_SERVICES_GENERATOR_GENERATE_SCRIPT_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "google/protobuf/message.h"
#include "reporting/v1/events.pb.h"
#include "services/generator/generate_campaign.h"

namespace reporting::generator {

class NodeScript {
 public:
  NodeScript(const CampaignOptions& options, absl::CivilDay today,
             NodePlan* plan);

  // Unit `number` (1-based) of the node, left in `fate` (0..kFateCount-1).
  void AddUnit(int number, int fate);

 private:
  struct Member {
    std::string id;
    std::string branch_id;
    v1::Rating rating = v1::RATING_UNSPECIFIED;
  };
  struct Unit {
    std::string id;
    int number = 0;
    int fate = 0;
    v1::Batch batch = v1::BATCH_UNSPECIFIED;
    // The node's own committee (unit 1): the city leading group approves
    // its transition reports.
    bool node_leadership = false;
    std::vector<std::string> branches;
    std::vector<Member> members;
  };

  // Appends one command: `method` of CommandService with `body`, command
  // id "gen<seed>:<subject>:<action>".
  void Add(const std::string& method, const std::string& subject,
           const std::string& action, const google::protobuf::Message& body);

  void Register(Unit& unit);
  void WalkStage(const Unit& unit, v1::Stage stage);
  void StopInStage(const Unit& unit, v1::Stage stage);
  // The acts of domain::WalkStage (campaign_walker.h) for one unit.
  class StageActs;
  void Check(const Unit& unit, v1::Stage stage, int check, bool passed);
  void CompleteSelfInspection(const Unit& unit, v1::Stage stage);
  void Survey(const Unit& unit, v1::Stage stage, int number, bool pass);
  void Remediate(const Unit& unit, v1::Stage stage);
  void Report(const Unit& unit, v1::Stage stage, int number);
  void Review(const Unit& unit, v1::Stage stage, int number, bool passed);
  void Approve(const Unit& unit, v1::Stage stage, int number, bool approved);
  void TransitionMeeting(const Unit& unit, v1::Stage stage);
  void Summary(const Unit& unit, v1::Stage stage);
  void Evaluations(Unit& unit);
  void Materials(const Unit& unit);
  void Meetings(const Unit& unit);
  void Items(const Unit& unit);
  void Census(const Unit& unit);

  std::string Day(int offset) const;  // today + offset days
  int Rand(int n) {
    return static_cast<int>(rng_() % static_cast<uint64_t>(n));
  }
  std::string PersonName();

  const CampaignOptions& options_;
  const absl::CivilDay today_;
  NodePlan* const plan_;
  const std::string actor_;
  std::mt19937_64 rng_;
  int items_ = 0;  // items identified so far on the node (kinds rotate)
};

}  // namespace reporting::generator

#endif  // REPORTING_SERVICES_GENERATOR_GENERATE_SCRIPT_H_
