#include "services/domain/registration.h"

#include "absl/strings/str_cat.h"
#include "services/domain/event_payload.h"
#include "services/domain/text.h"

namespace reporting::domain {

absl::Status ApplyRosterEvent(Roster& roster, const v1::EventEnvelope& e) {
  roster.version = e.stream_version();
  if (Is<v1::UnitRegistered>(e)) {
    absl::StatusOr<v1::UnitRegistered> unit = PayloadAs<v1::UnitRegistered>(e);
    if (!unit.ok()) return unit.status();
    roster.unit = *std::move(unit);
    roster.unit_registered = true;
  } else if (Is<v1::BranchRegistered>(e)) {
    absl::StatusOr<v1::BranchRegistered> b = PayloadAs<v1::BranchRegistered>(e);
    if (!b.ok()) return b.status();
    roster.branches[b->branch_id()] = b->name();
  } else if (Is<v1::MemberRegistered>(e)) {
    absl::StatusOr<v1::MemberRegistered> m = PayloadAs<v1::MemberRegistered>(e);
    if (!m.ok()) return m.status();
    std::string id = m->member_id();
    roster.members[id] = *std::move(m);
  }
  return absl::OkStatus();
}

absl::StatusOr<Roster> FoldRoster(
    const std::vector<v1::EventEnvelope>& events) {
  Roster roster;
  for (const v1::EventEnvelope& e : events) {
    if (absl::Status error = ApplyRosterEvent(roster, e); !error.ok()) {
      return error;
    }
  }
  return roster;
}

absl::Status RequireUnit(const Roster& roster, absl::string_view unit_id) {
  if (roster.unit_registered) return absl::OkStatus();
  return absl::NotFoundError(absl::StrCat(
      "unit ", unit_id,
      " is not registered on this node: register it first (RegisterUnit)"));
}

absl::StatusOr<RosterMember> RequireMember(const Roster& roster,
                                           absl::string_view unit_id,
                                           absl::string_view member_id) {
  if (absl::Status error = RequireUnit(roster, unit_id); !error.ok()) {
    return error;
  }
  auto it = roster.members.find(std::string(member_id));
  if (it == roster.members.end()) {
    return absl::NotFoundError(
        absl::StrCat("member ", member_id, " is not registered in unit ",
                     unit_id, ": register the member first (RegisterMember)"));
  }
  RosterMember member;
  member.member_id = it->first;
  member.unit_id = std::string(unit_id);
  member.branch_id = it->second.branch_id();
  member.batch = roster.unit.batch();
  return member;
}

int BatchNumber(v1::Batch batch) { return static_cast<int>(batch); }

absl::StatusOr<v1::NodeRegistered> DecideRegisterNode(
    const std::vector<v1::EventEnvelope>& node_events,
    const v1::NodeRegistered& request) {
  const std::string subject = absl::StrCat("node ", request.node_id());
  if (absl::Status error = RequireText(subject, "name", request.name(),
                                       "the node's name, e.g. 兰山区");
      !error.ok()) {
    return error;
  }
  if (request.kind() == v1::NODE_KIND_UNSPECIFIED ||
      !v1::NodeKind_IsValid(request.kind())) {
    return absl::InvalidArgumentError(absl::StrCat(
        subject, ": kind is required: county, district or city department"));
  }
  if (!node_events.empty()) {
    return absl::AlreadyExistsError(
        absl::StrCat(subject, " is already registered; nothing to do"));
  }
  return request;
}

absl::StatusOr<v1::UnitRegistered> DecideRegisterUnit(
    bool node_registered, const Roster& roster,
    const v1::UnitRegistered& request) {
  const std::string subject = absl::StrCat("unit ", request.unit_id());
  if (absl::Status error =
          RequireText(subject, "name", request.name(), "the unit's name");
      !error.ok()) {
    return error;
  }
  if (request.batch() == v1::BATCH_UNSPECIFIED ||
      !v1::Batch_IsValid(request.batch())) {
    return absl::InvalidArgumentError(
        absl::StrCat(subject,
                     ": batch is required: first (organs) or second (streets, "
                     "communities, schools, enterprises, townships)"));
  }
  if (request.member_count() < 1 || request.member_count() > kMaxUnitMembers) {
    return absl::InvalidArgumentError(
        absl::StrCat(subject, ": member_count ", request.member_count(),
                     " is impossible: a unit reports between 1 and ",
                     kMaxUnitMembers, " party members"));
  }
  if (!node_registered) {
    return absl::FailedPreconditionError(
        absl::StrCat(subject,
                     " cannot be registered before this node itself: "
                     "register the node first (RegisterNode)"));
  }
  if (roster.unit_registered) {
    return absl::AlreadyExistsError(absl::StrCat(
        subject, " is already registered (as \"", roster.unit.name(), "\")"));
  }
  return request;
}

absl::StatusOr<v1::BranchRegistered> DecideRegisterBranch(
    const Roster& roster, absl::string_view unit_id,
    const v1::BranchRegistered& request) {
  const std::string subject = absl::StrCat("branch ", request.branch_id());
  if (!request.unit_id().empty() && request.unit_id() != unit_id) {
    return absl::InvalidArgumentError(
        absl::StrCat(subject, ": unit_id ", request.unit_id(),
                     " does not match the branch id, which belongs to unit ",
                     unit_id, " (leave unit_id empty to derive it)"));
  }
  if (absl::Status error =
          RequireText(subject, "name", request.name(), "the branch's name");
      !error.ok()) {
    return error;
  }
  if (absl::Status error = RequireUnit(roster, unit_id); !error.ok()) {
    return error;
  }
  auto it = roster.branches.find(request.branch_id());
  if (it != roster.branches.end()) {
    return absl::AlreadyExistsError(absl::StrCat(
        subject, " is already registered (as \"", it->second, "\")"));
  }
  v1::BranchRegistered event = request;
  event.set_unit_id(std::string(unit_id));
  return event;
}

absl::StatusOr<v1::MemberRegistered> DecideRegisterMember(
    const Roster& roster, absl::string_view unit_id,
    const v1::MemberRegistered& request) {
  const std::string subject = absl::StrCat("member ", request.member_id());
  if (!request.unit_id().empty() && request.unit_id() != unit_id) {
    return absl::InvalidArgumentError(
        absl::StrCat(subject, ": unit_id ", request.unit_id(),
                     " does not match the member id, which belongs to unit ",
                     unit_id, " (leave unit_id empty to derive it)"));
  }
  if (absl::Status error =
          RequireText(subject, "name", request.name(), "the member's name");
      !error.ok()) {
    return error;
  }
  if (absl::Status error = RequireUnit(roster, unit_id); !error.ok()) {
    return error;
  }
  if (roster.branches.count(request.branch_id()) == 0) {
    return absl::NotFoundError(
        absl::StrCat(subject, ": branch ", request.branch_id(),
                     " is not registered in unit ", unit_id,
                     ": register the branch first (RegisterBranch)"));
  }
  if (roster.members.count(request.member_id()) != 0) {
    return absl::AlreadyExistsError(
        absl::StrCat(subject, " is already registered (as \"",
                     roster.members.at(request.member_id()).name(), "\")"));
  }
  v1::MemberRegistered event = request;
  event.set_unit_id(std::string(unit_id));
  return event;
}

}  // namespace reporting::domain
