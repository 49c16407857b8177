// Party-spirit analysis material (党性分析材料): one per member, stream
// "material/<member_id>". DOMAIN.md aggregate 2.
//
//   (none) ─Submitted─▶ SUBMITTED ─Accepted─▶ ACCEPTED (final)
//                          │   ▲
//                  Returned▼   │Submitted (resubmission)
//                        RETURNED
//
// Rules:
// - Submitted by a registered member with a non-blank summary; submitted
//   again only after it was returned (not while awaiting review, not after
//   acceptance).
// - Returned for revision only while SUBMITTED, with at least one reason
//   (问题找得不准、剖析原因不深、联系实际不紧), each specified, none twice.
// - Accepted only while SUBMITTED; acceptance is final.
//
// Pure functions; thread-compatible.
#ifndef REPORTING_SERVICES_DOMAIN_MATERIAL_H_
#define REPORTING_SERVICES_DOMAIN_MATERIAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"
#include "services/domain/registration.h"

namespace reporting::domain {

enum class MaterialPhase { kNone, kSubmitted, kReturned, kAccepted };

struct MaterialState {
  MaterialPhase phase = MaterialPhase::kNone;
  uint32_t submissions = 0;
  uint32_t returns = 0;
  uint64_t version = 0;
};

absl::StatusOr<MaterialState> FoldMaterial(
    const std::vector<v1::EventEnvelope>& events);

// Folds one event of a material stream into `state` (FoldMaterial is this
// over the stream), for followers that see one event at a time.
absl::Status ApplyMaterialEvent(MaterialState& state,
                                const v1::EventEnvelope& event);

// Fills unit_id from the roster (a given value must match).
absl::StatusOr<v1::PartySpiritMaterialSubmitted> DecideSubmitMaterial(
    const MaterialState& state, const RosterMember& member,
    const v1::PartySpiritMaterialSubmitted& request);
absl::StatusOr<v1::PartySpiritMaterialReturned> DecideReturnMaterial(
    const MaterialState& state, const v1::PartySpiritMaterialReturned& request);
absl::StatusOr<v1::PartySpiritMaterialAccepted> DecideAcceptMaterial(
    const MaterialState& state, const v1::PartySpiritMaterialAccepted& request);

}  // namespace reporting::domain

#endif  // REPORTING_SERVICES_DOMAIN_MATERIAL_H_
