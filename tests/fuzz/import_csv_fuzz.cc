// Fuzz target: the CSV import of `reportctl import` (services/reportctl/
// import_csv.h, import_rows.h), on any bytes a clerk's file could hold.
//
// Input: byte 0 picks the kind (evaluations, rectification, census), the
// rest is the file. Checks, beyond the sanitizers:
//   - ParseCsv reads back exactly the cells of its own records written out
//     again as RFC 4180 (every cell quoted): the parser loses no byte;
//   - BuildImportBatch answers every file: rows with errors or commands,
//     never both; each error names the file ("fuzz.csv:LINE: ...");
//   - every command of an error-free batch names a CommandService method
//     and its request bytes parse as that method's request message (what
//     ImportBatch will run).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "reporting/v1/command.pb.h"
#include "services/reportctl/import_csv.h"
#include "services/reportctl/import_rows.h"
#include "tests/fuzz/fuzz_check.h"

namespace reporting::fuzz {
namespace {

using reportctl::CsvRecord;

std::string WriteCsv(const std::vector<CsvRecord>& records) {
  std::string out;
  for (const CsvRecord& r : records) {
    for (size_t i = 0; i < r.cells.size(); ++i) {
      if (i > 0) out += ',';
      out += '"';
      for (char c : r.cells[i]) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    }
    out += '\n';
  }
  return out;
}

void CheckRoundTrip(const std::string& text) {
  absl::StatusOr<std::vector<CsvRecord>> records = reportctl::ParseCsv(text);
  if (!records.ok()) {
    FUZZ_CHECK(absl::StartsWith(records.status().message(), "line "),
               records.status().ToString());
    return;
  }
  const std::string again = WriteCsv(*records);
  absl::StatusOr<std::vector<CsvRecord>> reread = reportctl::ParseCsv(again);
  FUZZ_CHECK(reread.ok(), reread.status().ToString());
  FUZZ_CHECK(reread->size() == records->size(), "record count changed");
  for (size_t i = 0; i < records->size(); ++i) {
    FUZZ_CHECK((*reread)[i].cells == (*records)[i].cells,
               "cells changed on a round trip");
  }
}

void CheckBatch(reportctl::ImportKind kind, const std::string& text) {
  const reportctl::ImportBatch batch =
      reportctl::BuildImportBatch(kind, "fuzz.csv", text, "clerk:fuzz", {});
  if (!batch.errors.empty()) {
    for (const std::string& e : batch.errors) {
      FUZZ_CHECK(absl::StartsWith(e, "fuzz.csv:"), e);
    }
    return;
  }
  FUZZ_CHECK(batch.rows > 0, "an error-free batch without rows");
  FUZZ_CHECK(batch.request.commands_size() >= batch.rows,
             "fewer commands than rows");
  const google::protobuf::ServiceDescriptor* service =
      v1::CommandResult::descriptor()->file()->FindServiceByName(
          "CommandService");
  FUZZ_CHECK(service != nullptr, "reporting.v1.CommandService");
  for (const v1::ImportCommand& c : batch.request.commands()) {
    const google::protobuf::MethodDescriptor* method =
        service->FindMethodByName(c.method());
    FUZZ_CHECK(method != nullptr, c.method());
    std::unique_ptr<google::protobuf::Message> request(
        google::protobuf::MessageFactory::generated_factory()
            ->GetPrototype(method->input_type())
            ->New());
    FUZZ_CHECK(request->ParseFromString(c.request()), c.label());
  }
}

}  // namespace
}  // namespace reporting::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace reporting;
  if (size == 0) return 0;
  const reportctl::ImportKind kinds[] = {reportctl::ImportKind::kEvaluations,
                                         reportctl::ImportKind::kRectification,
                                         reportctl::ImportKind::kCensus};
  const reportctl::ImportKind kind = kinds[data[0] % 3];
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  fuzz::CheckRoundTrip(text);
  fuzz::CheckBatch(kind, text);
  return 0;
}
