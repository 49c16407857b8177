#include "tests/crash/command_check.h"

#include <algorithm>
#include <cstdio>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tests/crash/crash_command.h"

namespace reporting::storage {
namespace {

std::string RangeText(uint64_t first, uint64_t last) {
  return absl::StrCat(first, "..", last);
}

}  // namespace

void CommandCheck::Add(uint64_t sequence, const v1::EventEnvelope& env) {
  const std::string& id = env.command_id();
  if (current_ == nullptr || id != current_->first) {
    auto [it, inserted] = spans_.try_emplace(id);
    // Seen before, and another command's events came in between.
    if (!inserted) it->second.split = true;
    current_ = &*it;
  }
  Span& span = current_->second;
  if (span.events == 0) {
    span.first = sequence;
  } else if (sequence != span.last + 1) {
    span.split = true;
  }
  span.last = sequence;
  ++span.events;
  uint64_t& version = span.versions[env.stream_id()];
  version = std::max(version, env.stream_version());
}

std::string CommandCheck::WhyEvents(
    const std::string& id, const Span& span,
    const std::map<std::string, SeqRange>& acked) {
  size_t sent = 0;
  if (!CrashCommandEvents(id, &sent)) return "not a crash test command id";
  const std::string range = RangeText(span.first, span.last);
  if (span.split) return absl::StrCat("events not consecutive in ", range);
  if (span.events != sent) {
    return absl::StrCat(span.events, " of its ", sent, " events, at ", range);
  }
  auto a = acked.find(id);
  if (a != acked.end() && a->second != SeqRange(span.first, span.last)) {
    return absl::StrCat("acknowledged as ",
                        RangeText(a->second.first, a->second.second),
                        ", in the log at ", range);
  }
  return "";
}

std::string CommandCheck::WhyIndex(const EventLog& log, const std::string& id,
                                   const Span& span) {
  absl::StatusOr<AppendResult> r = log.LookupCommand(id);
  if (!r.ok()) return "not in the command index: " + r.status().ToString();
  if (r->first_sequence != span.first || r->last_sequence != span.last) {
    return absl::StrCat(
        "command index says ", RangeText(r->first_sequence, r->last_sequence),
        ", its events are at ", RangeText(span.first, span.last));
  }
  std::map<std::string, uint64_t> indexed;
  for (const auto& [stream, version] : r->stream_versions) {
    indexed[std::string(stream)] = version;
  }
  if (indexed != span.versions) {
    return "command index's stream versions differ from its events'";
  }
  return "";
}

CommandCheckTotals CommandCheck::Finish(
    const EventLog& log, const std::map<std::string, SeqRange>& acked,
    const std::vector<std::string>& inflight, uint64_t index_from) {
  CommandCheckTotals totals;
  std::map<std::string, bool> whole;  // command id -> passed every check
  auto fail = [&](const std::string& id, const std::string& why) {
    std::fprintf(stderr, "round %d: command %s: %s\n", round_, id.c_str(),
                 why.c_str());
    ++totals.partial;
  };
  for (const auto& [id, span] : spans_) {
    ++totals.commands;
    if (span.events > 1) ++totals.multi_event;
    std::string why = WhyEvents(id, span, acked);
    if (why.empty() && span.last >= index_from) why = WhyIndex(log, id, span);
    if (!why.empty()) fail(id, why);
    whole[id] = why.empty();
  }
  for (const auto& [id, range] : acked) {
    if (whole.count(id) == 0) fail(id, "acknowledged, not in the log");
  }
  for (const std::string& id : inflight) {
    auto w = whole.find(id);
    if (w != whole.end()) {
      if (w->second) ++totals.inflight_whole;  // else counted above
      continue;
    }
    // No event of it: the command index must not name it either.
    absl::StatusOr<AppendResult> r = log.LookupCommand(id);
    if (r.ok()) {
      fail(id, "in the command index, no events in the log");
    } else if (!absl::IsNotFound(r.status())) {
      fail(id, r.status().ToString());
    } else {
      ++totals.inflight_absent;
    }
  }
  return totals;
}

}  // namespace reporting::storage
