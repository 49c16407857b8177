// eventlog_demo: the event log on its own, as deploy/demo.sh shows it.
// Appends a small campaign of one Linyi node (兰山区, 371302) to a fresh log,
// reads it back, verifies the hash chain and prints what it did.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proto/event_types.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"
#include "storage/event_log.h"
#include "storage/hash_chain.h"
#include "storage/status_macros.h"

ABSL_FLAG(std::string, data_dir, "", "Directory of the demo log (created).");
ABSL_FLAG(std::string, node_id, "371302", "Node whose log is written.");
ABSL_FLAG(int, units, 4, "Units to register.");
ABSL_FLAG(int, members_per_unit, 5,
          "Members registered and evaluated per unit.");

namespace reporting::demo {
namespace {

using storage::AppendRequest;
using storage::EventLog;
using storage::NewEvent;

template <typename M>
NewEvent Event(std::string stream, const M& m) {
  return NewEvent{std::move(stream), events::TypeOf<M>(),
                  m.SerializeAsString()};
}

absl::Status Append(EventLog& log, std::string command_id,
                    std::vector<NewEvent> events, uint64_t* appended) {
  AppendRequest r;
  r.command_id = std::move(command_id);
  r.actor = "clerk:demo@371302";
  r.events = std::move(events);
  ASSIGN_OR_RETURN(storage::AppendResult res, log.Append(r));
  *appended += res.last_sequence - res.first_sequence + 1;
  return absl::OkStatus();
}

absl::Status Run() {
  const std::string dir = absl::GetFlag(FLAGS_data_dir);
  const std::string node = absl::GetFlag(FLAGS_node_id);
  if (dir.empty()) return absl::InvalidArgumentError("--data_dir is required");
  storage::EventLogOptions opts;
  opts.node_id = node;
  ASSIGN_OR_RETURN(std::unique_ptr<EventLog> log, EventLog::Open(dir, opts));
  if (log->GetHead().sequence != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("demo log ", dir, " is not empty; pick a new directory"));
  }

  uint64_t appended = 0;
  v1::NodeRegistered n;
  n.set_node_id(node);
  n.set_name("兰山区");
  n.set_kind(v1::NODE_KIND_DISTRICT);
  RETURN_IF_ERROR(
      Append(*log, "demo-node", {Event("node/" + node, n)}, &appended));

  const int units = absl::GetFlag(FLAGS_units);
  const int members = absl::GetFlag(FLAGS_members_per_unit);
  for (int u = 1; u <= units; ++u) {
    const std::string unit = absl::StrFormat("%s-U%04d", node, u);
    const std::string stream = "unit/" + unit;
    v1::UnitRegistered ur;
    ur.set_unit_id(unit);
    ur.set_name(absl::StrCat("单位 ", u));
    ur.set_batch(u % 2 ? v1::BATCH_FIRST : v1::BATCH_SECOND);
    ur.set_member_count(members);
    v1::BranchRegistered br;
    br.set_branch_id(unit + "-B01");
    br.set_unit_id(unit);
    br.set_name("第一党支部");
    // Unit, branch and roster in one atomic append.
    std::vector<NewEvent> roster = {Event(stream, ur), Event(stream, br)};
    for (int m = 1; m <= members; ++m) {
      v1::MemberRegistered mr;
      mr.set_member_id(absl::StrFormat("%s-M%04d", unit, m));
      mr.set_unit_id(unit);
      mr.set_branch_id(br.branch_id());
      mr.set_name(absl::StrCat("党员 ", m));
      roster.push_back(Event(stream, mr));
    }
    RETURN_IF_ERROR(
        Append(*log, "demo-roster-" + unit, std::move(roster), &appended));
    for (int m = 1; m <= members; ++m) {
      const std::string member = absl::StrFormat("%s-M%04d", unit, m);
      v1::EvaluationRecorded ev;
      ev.set_member_id(member);
      ev.set_unit_id(unit);
      ev.set_branch_id(br.branch_id());
      ev.set_batch(ur.batch());
      ev.set_rating(m == members ? v1::RATING_BASICALLY_QUALIFIED
                                 : v1::RATING_QUALIFIED);
      ev.add_shortcomings("理论学习不够深入");
      v1::EvaluationShown shown;
      shown.set_member_id(member);
      shown.set_shown_on("2026-11-20");
      v1::EvaluationSigned signed_ev;
      signed_ev.set_member_id(member);
      signed_ev.set_signed_on("2026-11-21");
      const std::string es = absl::StrCat("evaluation/", member, "/",
                                          static_cast<int>(ur.batch()));
      RETURN_IF_ERROR(Append(
          *log, "demo-eval-" + member,
          {Event(es, ev), Event(es, shown), Event(es, signed_ev)}, &appended));
    }
  }
  // A retried command is answered with the original result.
  AppendRequest retry;
  retry.command_id = "demo-node";
  retry.actor = "clerk:demo@371302";
  retry.events = {Event("node/" + node, n)};
  ASSIGN_OR_RETURN(storage::AppendResult again, log->Append(retry));

  storage::Head head = log->GetHead();
  std::printf("appended %llu events for node %s in %s\n",
              static_cast<unsigned long long>(appended), node.c_str(),
              dir.c_str());
  std::printf(
      "retried command demo-node: duplicate=%s, original sequence %llu, "
      "nothing appended\n",
      again.duplicate ? "true" : "false",
      static_cast<unsigned long long>(again.first_sequence));

  uint64_t read = 0, from = 1;
  std::printf("%6s  %-38s %-36s %s\n", "seq", "stream", "type", "hash");
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<storage::StoredEvent> batch, log->Read(from));
    if (batch.empty()) break;
    for (const storage::StoredEvent& e : batch) {
      v1::EventEnvelope env;
      if (!env.ParseFromString(e.envelope)) {
        return absl::DataLossError(
            absl::StrCat("sequence ", e.sequence, ": envelope does not parse"));
      }
      if (e.sequence <= 3 || e.sequence == head.sequence) {
        std::printf("%6llu  %-38s %-36s %s…\n",
                    static_cast<unsigned long long>(e.sequence),
                    env.stream_id().c_str(), env.event_type().c_str(),
                    storage::HexHash(e.hash).substr(0, 16).c_str());
      } else if (e.sequence == 4) {
        std::printf("%6s\n", "…");
      }
      ++read;
      from = e.sequence + 1;
    }
  }
  std::printf("read back %llu events (sequences 1..%llu, no gap)\n",
              static_cast<unsigned long long>(read),
              static_cast<unsigned long long>(head.sequence));
  if (read != head.sequence) {
    return absl::DataLossError("read back fewer events than the head says");
  }
  RETURN_IF_ERROR(log->Verify());
  std::printf("hash chain verified: head %llu %s\n",
              static_cast<unsigned long long>(head.sequence),
              storage::HexHash(head.hash).c_str());
  return log->Close();
}

}  // namespace
}  // namespace reporting::demo

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  absl::Status s = reporting::demo::Run();
  if (!s.ok()) {
    std::fprintf(stderr, "eventlog_demo: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}
