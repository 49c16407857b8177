#include "services/audit/state_as_of.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "reporting/v1/envelope.pb.h"
#include "services/domain/dates.h"
#include "services/domain/ids.h"
#include "services/export/export_seal.h"
#include "services/projector/figures.h"
#include "services/projector/projector.h"
#include "storage/status_macros.h"

namespace reporting::audit {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("audit: state as of: ", field, ": ", problem));
}

std::string DayOf(int64_t us) {
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixMicros(us),
                          absl::UTCTimeZone());
}

struct Cut {
  uint64_t sequence = 0;  // > 0: by sequence
  int64_t us = 0;         // else by time
  bool received = false;  // on the received-at axis
};

struct Folded {
  uint64_t applied_to = 0;
  int64_t last_recorded_at_us = 0;
  bool any = false;
};

// Folds `log` into `p` up to the cut.
absl::StatusOr<Folded> FoldLog(const LogRef& log, const Cut& cut,
                               projector::Projector& p) {
  const uint64_t head = log.log->GetHead().sequence;
  if (cut.sequence > head) {
    return absl::OutOfRangeError(absl::StrCat(
        "audit: state as of: as_of_sequence ", cut.sequence,
        " is past the head of node ", log.node_id, "'s log (", head, ")"));
  }
  const uint64_t last = cut.sequence > 0 ? cut.sequence : head;
  Folded folded;
  v1::EventEnvelope envelope;
  storage::ReadLimits limits;
  limits.max_events = 4096;
  limits.max_bytes = 4 << 20;
  uint64_t next = 1;
  while (next <= last) {
    limits.max_events =
        static_cast<size_t>(std::min<uint64_t>(4096, last - next + 1));
    ASSIGN_OR_RETURN(std::vector<storage::StoredEvent> chunk,
                     log.log->Read(next, limits));
    if (chunk.empty()) break;
    for (const storage::StoredEvent& e : chunk) {
      if (e.sequence > last) return folded;
      if (!envelope.ParseFromString(e.envelope)) {
        return absl::DataLossError(absl::StrCat(
            "audit: state as of: node ", log.node_id, " sequence ", e.sequence,
            ": the stored envelope does not parse (run Verify)"));
      }
      if (cut.sequence == 0) {
        int64_t t = envelope.recorded_at_us();
        if (cut.received) {
          ASSIGN_OR_RETURN(t, log.log->ReceivedAt(e.sequence));
        }
        if (t > cut.us) return folded;  // the first event past the cut
      }
      RETURN_IF_ERROR(p.Apply(envelope));
      folded.applied_to = e.sequence;
      folded.last_recorded_at_us = envelope.recorded_at_us();
      folded.any = true;
    }
    next = chunk.back().sequence + 1;
  }
  return folded;
}

}  // namespace

absl::Status CheckStateAsOf(const v1::StateAsOfRequest& r, bool holds_copies) {
  if ((r.as_of_sequence() > 0) == (r.as_of_us() > 0)) {
    return Invalid("as_of_sequence / as_of_us",
                   "give exactly one: a sequence (> 0) or a time in "
                   "microseconds since the epoch (> 0)");
  }
  if (!v1::TimeAxis_IsValid(r.axis())) {
    return Invalid("axis", absl::StrCat("unknown value ", r.axis()));
  }
  if (r.as_of_sequence() > 0 && r.axis() != v1::TIME_AXIS_UNSPECIFIED) {
    return Invalid("axis",
                   "applies to as_of_us only; leave it unset with "
                   "as_of_sequence");
  }
  if (r.axis() == v1::TIME_AXIS_RECEIVED && !holds_copies) {
    return absl::FailedPreconditionError(
        "audit: state as of: the received-at axis exists only at the city "
        "aggregator (when its copy received each event); a county node "
        "knows only when it recorded them: use TIME_AXIS_RECORDED here, or "
        "ask the city");
  }
  if (holds_copies && r.node_id().empty()) {
    if (r.as_of_sequence() > 0) {
      return Invalid("node_id",
                     "as_of_sequence needs a node_id (sequences "
                     "are per node's log)");
    }
    if (!r.unit_id().empty()) {
      return Invalid("node_id", "unit_id needs the unit's node_id");
    }
  }
  if (!r.node_id().empty()) {
    if (absl::Status s = domain::ValidateNodeId(r.node_id()); !s.ok()) {
      return Invalid("node_id", s.message());
    }
  }
  if (!r.unit_id().empty()) {
    absl::StatusOr<std::string> unit =
        domain::CheckId(domain::IdKind::kUnit, "unit_id", r.unit_id(),
                        domain::NodeOf(r.unit_id()));
    if (!unit.ok()) return Invalid("unit_id", unit.status().message());
    if (!r.node_id().empty() && domain::NodeOf(r.unit_id()) != r.node_id()) {
      return Invalid(
          "unit_id",
          absl::StrCat(r.unit_id(), " is not a unit of node ", r.node_id()));
    }
  }
  if (!r.today().empty() && !domain::IsValidDate(r.today())) {
    return Invalid("today", absl::StrCat("\"", r.today(),
                                         "\" is not a date (YYYY-MM-DD)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::StateAsOfResponse> StateAsOf(const LogSource& source,
                                                const v1::StateAsOfRequest& r) {
  RETURN_IF_ERROR(CheckStateAsOf(r, source.holds_copies()));
  std::vector<LogRef> logs;
  const bool city_scope = source.holds_copies() && r.node_id().empty();
  if (city_scope) {
    for (const std::string& id : source.Nodes()) {
      ASSIGN_OR_RETURN(LogRef log, source.Find(id));
      logs.push_back(log);
    }
  } else {
    ASSIGN_OR_RETURN(LogRef log, source.Find(r.node_id()));
    if (!r.unit_id().empty() && domain::NodeOf(r.unit_id()) != log.node_id) {
      return Invalid(
          "unit_id",
          absl::StrCat(r.unit_id(), " is not a unit of node ", log.node_id));
    }
    logs.push_back(log);
  }

  Cut cut;
  cut.sequence = r.as_of_sequence();
  cut.us = r.as_of_us();
  cut.received = r.axis() == v1::TIME_AXIS_RECEIVED;
  projector::Projector p(projector::Projector::Mode::kRebuild);
  v1::StateAsOfResponse out;
  int64_t last_recorded = 0;
  bool any = false;
  for (const LogRef& log : logs) {
    ASSIGN_OR_RETURN(Folded f, FoldLog(log, cut, p));
    (*out.mutable_applied_to())[log.node_id] = f.applied_to;
    if (log.replica && f.applied_to > 0) {
      // When the city knew all of it: the receipt of the last event folded.
      absl::StatusOr<storage::Receipt> receipt =
          log.log->ReceiptFor(f.applied_to);
      if (receipt.ok()) {
        (*out.mutable_receipts())[log.node_id] = ToProto(log.node_id, *receipt);
      } else if (receipt.status().code() != absl::StatusCode::kNotFound) {
        return receipt.status();
      }
    }
    if (f.any && (!any || f.last_recorded_at_us > last_recorded)) {
      last_recorded = f.last_recorded_at_us;
    }
    any = any || f.any;
  }
  // Flush computes the unit rows (and with them the unit figures); keep
  // only the unit asked for.
  const std::string unit_key =
      r.unit_id().empty()
          ? std::string()
          : projector::UnitRowKey(domain::NodeOf(r.unit_id()), r.unit_id());
  RETURN_IF_ERROR(p.Flush(4096, [&](std::vector<projector::RowChange>&& rows) {
    if (unit_key.empty()) return absl::OkStatus();
    for (const projector::RowChange& row : rows) {
      if (row.table == projector::Table::kRows && row.key == unit_key) {
        if (!out.mutable_unit()->ParseFromString(row.value)) {
          return absl::InternalError("audit: state as of: unit row");
        }
        out.set_unit_found(true);
      }
    }
    return absl::OkStatus();
  }));

  std::string today = r.today();
  if (today.empty()) {
    today = cut.sequence == 0 ? DayOf(cut.us)
            : any             ? DayOf(last_recorded)
                              : DayOf(absl::ToUnixMicros(absl::Now()));
  }
  out.set_today(today);
  std::map<std::string, v1::NodeFigures> all = p.AllNodeFigures();
  v1::NodeFigures* scope = out.mutable_figures();
  for (const LogRef& log : logs) {
    v1::NodeFigures node = all[log.node_id];
    node.set_node_id(log.node_id);
    out.set_events_applied(out.events_applied() + node.events_applied());
    if (city_scope) {
      projector::AddFigures(node, *scope);
      projector::FinishForDay(today, node);
      *out.add_nodes() = std::move(node);
    } else {
      *scope = std::move(node);
    }
  }
  if (city_scope) {
    scope->set_events_applied(out.events_applied());
  }
  projector::FinishForDay(today, *scope);
  return out;
}

}  // namespace reporting::audit
