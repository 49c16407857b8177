// `reportctl audit replay`: who did what, in log order.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "reporting/v1/envelope.pb.h"
#include "services/reportctl/audit_commands.h"
#include "services/reportctl/audit_flags.h"
#include "services/reportctl/cli/connect.h"
#include "services/reportctl/cli/table.h"

namespace reporting::reportctl {
namespace {

constexpr char kUsage[] =
    "usage: reportctl audit replay --target HOST:PORT [--node ID]\n"
    "         [--from N] [--to N] [--stream S] [--unit U] [--member M]\n"
    "         [--type T] [--actor A] [--recorded_from TIME]\n"
    "         [--recorded_to TIME] [--limit N] [--json | --csv]\n"
    "\n"
    "Events of a node's log in log order: sequence, recorded_at, received_at\n"
    "(city only), actor, command_id, event_type, stream. All given filters\n"
    "must match. --node is required at the city. TIME is "
    "2024-07-01T08:00:00Z,\n"
    "a date (midnight UTC) or microseconds; --recorded_to is exclusive.\n"
    "--type takes a full or short name (SurveyRecorded).\n";

// A terminal gets milliseconds; --json / --csv the exact RFC 3339 time.
std::string Time(int64_t us, OutputFormat format) {
  if (us == 0) return "";
  return absl::FormatTime(format == OutputFormat::kTable
                              ? "%Y-%m-%d %H:%M:%E3S"
                              : "%Y-%m-%dT%H:%M:%E6SZ",
                          absl::FromUnixMicros(us), absl::UTCTimeZone());
}

const std::vector<std::string>& Columns() {
  static const auto* columns = new std::vector<std::string>{
      "sequence",   "recorded_at", "received_at", "actor",
      "command_id", "event_type",  "stream"};
  return *columns;
}

// The rows of a replay. --json and --csv are written as they arrive (a
// replay can have millions of rows; the output is what PrintTable would
// write); the terminal table needs every row for its widths, so it is
// printed by Finish.
class RowSink {
 public:
  RowSink(OutputFormat format, std::ostream& out) : format_(format), out_(out) {
    table_.columns = Columns();
    table_.numeric = {true, false, false, false, false, false, false};
    if (format_ == OutputFormat::kCsv) {
      PrintTable(table_, format_, out_);  // the header line
    }
  }

  void Add(std::vector<std::string> row) {
    switch (format_) {
      case OutputFormat::kTable:
        table_.rows.push_back(std::move(row));
        return;
      case OutputFormat::kCsv:
        for (size_t c = 0; c < row.size(); ++c) {
          out_ << (c > 0 ? "," : "") << CsvCell(row[c]);
        }
        out_ << "\r\n";
        return;
      case OutputFormat::kJson:
        out_ << (rows_ == 0 ? "[\n  {" : ",\n  {");
        for (size_t c = 0; c < row.size(); ++c) {
          out_ << (c > 0 ? ", " : "") << JsonQuote(Columns()[c]) << ": "
               << (c == 0 ? row[c] : JsonQuote(row[c]));
        }
        out_ << "}";
        ++rows_;
        return;
    }
  }

  void Finish() {
    if (format_ == OutputFormat::kTable) PrintTable(table_, format_, out_);
    if (format_ == OutputFormat::kJson) out_ << (rows_ == 0 ? "[]\n" : "\n]\n");
    out_.flush();
  }

 private:
  const OutputFormat format_;
  std::ostream& out_;
  Table table_;
  uint64_t rows_ = 0;
};

}  // namespace

int RunAuditReplay(const Words& words) {
  std::set<std::string> known = ReplayFilterFlags();
  known.insert({"target", "limit"});
  int exit_code = 0;
  auto args = ParseAuditArgs(words, known, {"json", "csv"}, kUsage, &exit_code);
  if (!args) return exit_code;
  auto target = args->Require("target");
  if (!target.ok())
    return AuditUsageError(std::string(target.status().message()), kUsage);
  auto request = ReplayRequestFrom(*args);
  if (!request.ok())
    return AuditUsageError(std::string(request.status().message()), kUsage);
  auto limit = args->GetInt("limit", 0);
  if (!limit.ok() || *limit < 0) {
    return AuditUsageError("--limit must be a whole number >= 0", kUsage);
  }
  auto channel = Connect(*args, *target);
  if (!channel.ok())
    return AuditUsageError(std::string(channel.status().message()), kUsage);
  auto stub = v1::AuditService::NewStub(*channel);

  const OutputFormat format = FormatFrom(*args);
  RowSink sink(format, std::cout);
  ProgressBar progress("replay", 0);
  int64_t shown = 0;
  bool bad_envelope = false;
  grpc::Status status = StreamReplay(
      *stub, *request, &progress,
      [&](const v1::AuditedEvent& event, const v1::ReplayBatch&) {
        v1::EventEnvelope e;
        if (!e.ParseFromString(event.envelope())) {
          std::cerr << "reportctl: audit replay: sequence " << event.sequence()
                    << ": envelope does not decode\n";
          bad_envelope = true;
          return false;
        }
        std::string type = e.event_type();
        // A terminal table drops the package; --json / --csv keep it.
        if (format == OutputFormat::kTable &&
            absl::StartsWith(type, "reporting.v1.")) {
          type = type.substr(sizeof("reporting.v1.") - 1);
        }
        sink.Add({absl::StrCat(e.sequence()), Time(e.recorded_at_us(), format),
                  Time(event.received_at_us(), format), e.actor(),
                  e.command_id(), type, e.stream_id()});
        ++shown;
        return *limit == 0 || shown < *limit;
      });
  progress.Finish();
  sink.Finish();
  if (!status.ok()) return CallFailed("audit replay", status);
  if (bad_envelope) return 1;
  if (format == OutputFormat::kTable) {
    std::cout << "(" << shown << " events)\n";
  }
  return 0;
}

}  // namespace reporting::reportctl
