#include "services/reportctl/audit_flags.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace reporting::reportctl {

const std::set<std::string>& ReplayFilterFlags() {
  static const auto* flags = new std::set<std::string>{
      "node",   "from", "to",    "stream",        "unit",
      "member", "type", "actor", "recorded_from", "recorded_to"};
  return *flags;
}

absl::StatusOr<int64_t> ParseTimeFlag(const std::string& flag,
                                      const std::string& text,
                                      bool end_of_day) {
  int64_t us = 0;
  if (absl::SimpleAtoi(text, &us)) return us;
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    return absl::ToUnixMicros(t);
  }
  if (absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &error)) {
    if (end_of_day) t += absl::Hours(24) - absl::Microseconds(1);
    return absl::ToUnixMicros(t);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--", flag, "=", text,
      " is not a time (2024-07-01T08:00:00Z, 2024-07-01 or microseconds "
      "since the epoch)"));
}

absl::StatusOr<v1::ReplayRequest> ReplayRequestFrom(const Args& args) {
  v1::ReplayRequest r;
  r.set_node_id(args.Get("node"));
  auto from = args.GetInt("from", 0);
  if (!from.ok()) return from.status();
  auto to = args.GetInt("to", 0);
  if (!to.ok()) return to.status();
  if (*from < 0 || *to < 0) {
    return absl::InvalidArgumentError("--from and --to are sequences (>= 1)");
  }
  if (*to != 0 && *from > *to) {
    return absl::InvalidArgumentError(
        absl::StrCat("--from=", *from, " is after --to=", *to));
  }
  r.set_from_sequence(static_cast<uint64_t>(*from));
  r.set_to_sequence(static_cast<uint64_t>(*to));
  r.set_stream_id(args.Get("stream"));
  r.set_unit_id(args.Get("unit"));
  r.set_member_id(args.Get("member"));
  std::string type = args.Get("type");
  if (!type.empty() && !absl::StrContains(type, '.')) {
    type = absl::StrCat("reporting.v1.", type);
  }
  r.set_event_type(type);
  r.set_actor(args.Get("actor"));
  if (args.Has("recorded_from")) {
    auto t = ParseTimeFlag("recorded_from", args.Get("recorded_from"));
    if (!t.ok()) return t.status();
    r.set_recorded_from_us(*t);
  }
  if (args.Has("recorded_to")) {
    auto t = ParseTimeFlag("recorded_to", args.Get("recorded_to"));
    if (!t.ok()) return t.status();
    r.set_recorded_to_us(*t);
  }
  return r;
}

}  // namespace reporting::reportctl
