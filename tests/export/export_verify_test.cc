// `reportctl audit export` against a real county-node and city-aggregator,
// checked by the auditor's docs/verify_export.py: a real export passes
// (county and city, full and filtered), and each one-byte edit of an event
// line or of the manifest makes it fail, naming the line and the reason.
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/audit/export_format.h"
#include "tests/export/fixture.h"

namespace reporting::export_test {
namespace {

using testing::HasSubstr;
using testing::StartsWith;

// Exports with `extra` flags to `name`; expects success.
std::string Export(const std::string& target, const std::string& name,
                   const std::vector<std::string>& extra = {}) {
  const std::string out = AuditCluster::Get().Path(name);
  std::vector<std::string> argv = {
      ReportctlBin(), "audit", "export", "--target", target,
      "--node",       kNode,   "--out",  out,        "--insecure"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  RunResult r = RunCommand(argv);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("exported "));
  return out;
}

RunResult Verify(const std::string& events, const std::string& manifest = "") {
  std::vector<std::string> argv = VerifierCommand();
  argv.push_back(events);
  if (!manifest.empty()) argv.push_back(manifest);
  return RunCommand(argv);
}

std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> lines = absl::StrSplit(ReadFile(path), '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// The value of "key":"VALUE" in a line.
std::string Field(const std::string& line, const std::string& key) {
  const std::string start = absl::StrCat("\"", key, "\":\"");
  const size_t at = line.find(start);
  if (at == std::string::npos) return "";
  const size_t from = at + start.size();
  return line.substr(from, line.find('"', from) - from);
}

TEST(ExportVerifyTest, CountyExportPasses) {
  const std::string out =
      Export(AuditCluster::Get().county_address(), "county.jsonl");
  auto manifest = audit::ReadManifestFile(audit::ManifestPathFor(out));
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->count, kEvents);
  EXPECT_TRUE(manifest->contiguous);
  EXPECT_EQ(manifest->first_sequence, 1u);
  EXPECT_EQ(manifest->last_sequence, kEvents);
  EXPECT_EQ(manifest->first_prev_hash, std::string(32, '\0'));
  EXPECT_EQ(manifest->log_head_sequence, kEvents);
  const RunResult r = Verify(out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out,
            absl::StrCat("OK: ", kEvents, " events, head ",
                         absl::BytesToHexString(manifest->head_hash), "\n"));
  // A county records no receive time.
  EXPECT_EQ(ReadFile(out).find("received_at"), std::string::npos);
}

TEST(ExportVerifyTest, CityExportPassesAndHoldsTheCountysBytes) {
  const std::string county =
      Export(AuditCluster::Get().county_address(), "county-for-city.jsonl");
  const std::string city =
      Export(AuditCluster::Get().city_address(), "city.jsonl");
  const RunResult r = Verify(city);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<audit::ExportedEvent> a, b;
  ASSERT_TRUE(audit::ReadExportFile(county, [&](const audit::ExportedEvent& e) {
                a.push_back(e);
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(audit::ReadExportFile(city, [&](const audit::ExportedEvent& e) {
                b.push_back(e);
                return absl::OkStatus();
              }).ok());
  ASSERT_EQ(a.size(), kEvents);
  ASSERT_EQ(b.size(), kEvents);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].envelope, b[i].envelope) << "sequence " << i + 1;
    EXPECT_EQ(a[i].hash, b[i].hash);
    EXPECT_EQ(a[i].received_at_us, 0);
    EXPECT_GT(b[i].received_at_us, 0);  // the city's receive time
  }
}

TEST(ExportVerifyTest, FilteredExportsPass) {
  const std::string county = AuditCluster::Get().county_address();
  // Every other event: not contiguous; each hash holds on its own.
  const std::string units =
      Export(county, "units.jsonl", {"--type", "UnitRegistered"});
  auto m = audit::ReadManifestFile(audit::ManifestPathFor(units));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_FALSE(m->contiguous);
  EXPECT_EQ(m->count, static_cast<uint64_t>(kUnits));
  EXPECT_EQ(m->filters.at("event_type"), "reporting.v1.UnitRegistered");
  RunResult r = Verify(units);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, StartsWith(absl::StrCat("OK: ", kUnits, " events")));
  // A middle range: contiguous, chained onto an event not in the file.
  const std::string range =
      Export(county, "range.jsonl", {"--from=5", "--to=12"});
  m = audit::ReadManifestFile(audit::ManifestPathFor(range));
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->contiguous);
  EXPECT_EQ(m->count, 8u);
  EXPECT_NE(m->first_prev_hash, std::string(32, '\0'));
  r = Verify(range);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, StartsWith("OK: 8 events"));
}

// One edit of a copy of the full export, and what the verifier must say.
struct Tamper {
  std::string name;
  int line;  // 1-based line to edit; 0: edit the manifest
  std::string from, to;
  std::string expected;
};

TEST(ExportVerifyTest, EveryOneByteEditIsCaught) {
  const std::string out =
      Export(AuditCluster::Get().county_address(), "tamper-source.jsonl");
  ASSERT_EQ(Verify(out).exit_code, 0);
  const std::vector<std::string> lines = Lines(out);
  ASSERT_EQ(lines.size(), kEvents);
  const std::string manifest = ReadFile(audit::ManifestPathFor(out));

  // An envelope byte: one base64 character in the middle of line 5.
  const std::string b64 = Field(lines[4], "envelope_b64");
  ASSERT_GT(b64.size(), 40u);
  std::string b64_edit = b64;
  b64_edit[b64.size() / 2] = b64[b64.size() / 2] == 'Q' ? 'R' : 'Q';
  const std::string hash7 = Field(lines[6], "hash");
  std::string hash7_edit = hash7;
  hash7_edit[0] = hash7[0] == 'a' ? 'b' : 'a';
  const std::string prev9 = Field(lines[8], "prev_hash");
  std::string prev9_edit = prev9;
  prev9_edit[63] = prev9[63] == 'a' ? 'b' : 'a';
  const std::string payload = Field(lines[9], "payload_b64");
  std::string payload_edit = payload;
  payload_edit[4] = payload[4] == 'Q' ? 'R' : 'Q';
  const std::string head =
      lines.back().substr(lines.back().find("\"hash\":\"") + 8, 64);
  std::string head_edit = head;
  head_edit[10] = head[10] == 'a' ? 'b' : 'a';

  const std::vector<Tamper> tampers = {
      {"envelope byte", 5, b64, b64_edit, "line 5"},
      {"actor", 3, "\"actor\":\"clerk:branch\"", "\"actor\":\"clerk:brancx\"",
       "line 3: actor \"clerk:brancx\" differs from the envelope's"},
      {"sequence", 6, "\"sequence\":6,", "\"sequence\":7,",
       "line 6: sequence 7 differs from the envelope's 6"},
      {"stream", 8, "\"stream_id\":\"unit/", "\"stream_id\":\"unix/",
       "line 8: stream_id"},
      {"recorded time", 2, "\"recorded_at_us\":1", "\"recorded_at_us\":2",
       "line 2: recorded_at_us"},
      {"hash", 7, hash7, hash7_edit,
       "line 7: hash is not SHA-256(prev_hash || envelope bytes)"},
      {"prev_hash", 9, prev9, prev9_edit,
       "line 9: prev_hash differs from the envelope's prev_hash"},
      {"payload", 10, payload, payload_edit,
       "line 10: payload_b64 differs from the envelope's payload"},
      {"manifest count", 0, absl::StrCat("\"count\": ", kEvents),
       absl::StrCat("\"count\": ", kEvents + 1), "manifest: count"},
      {"manifest head", 0, head, head_edit, "manifest: head_hash"},
      {"manifest node", 0, "\"node_id\": \"371302\"", "\"node_id\": \"371303\"",
       "line 1 (sequence 1): node 371302 is not"},
      {"manifest last", 0, absl::StrCat("\"last_sequence\": ", kEvents),
       absl::StrCat("\"last_sequence\": ", kEvents - 1),
       "manifest: last_sequence"},
  };
  for (const Tamper& t : tampers) {
    SCOPED_TRACE(t.name);
    const std::string events_path =
        AuditCluster::Get().Path(absl::StrCat("tampered-", t.name, ".jsonl"));
    std::vector<std::string> edited_lines = lines;
    std::string edited_manifest = manifest;
    std::string& target =
        t.line == 0 ? edited_manifest : edited_lines[t.line - 1];
    const size_t at = target.find(t.from);
    ASSERT_NE(at, std::string::npos) << t.from;
    ASSERT_EQ(t.from.size(), t.to.size());
    size_t changed = 0;
    for (size_t i = 0; i < t.from.size(); ++i) changed += t.from[i] != t.to[i];
    EXPECT_EQ(changed, 1u) << "not a one-byte edit";
    target.replace(at, t.from.size(), t.to);
    WriteFile(events_path, absl::StrJoin(edited_lines, "\n") + "\n");
    WriteFile(audit::ManifestPathFor(events_path), edited_manifest);
    const RunResult r = Verify(events_path);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_THAT(r.out, StartsWith("FAIL: "));
    EXPECT_THAT(r.out, HasSubstr(t.expected));
  }
}

TEST(ExportVerifyTest, RemovedOrReorderedLinesAreCaught) {
  const std::string out =
      Export(AuditCluster::Get().county_address(), "cut-source.jsonl");
  std::vector<std::string> lines = Lines(out);
  const std::string manifest = ReadFile(audit::ManifestPathFor(out));
  const std::string cut = AuditCluster::Get().Path("cut.jsonl");
  std::vector<std::string> without = lines;
  without.erase(without.begin() + 3);  // sequence 4
  WriteFile(cut, absl::StrJoin(without, "\n") + "\n");
  RunResult r = Verify(cut, audit::ManifestPathFor(out));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("line 4 (sequence 5): gap after sequence 3"));
  std::swap(lines[1], lines[2]);
  WriteFile(cut, absl::StrJoin(lines, "\n") + "\n");
  r = Verify(cut, audit::ManifestPathFor(out));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("line 2 (sequence 3): gap after sequence 1"));
  // The C++ reader (county restore) refuses the same file.
  EXPECT_FALSE(audit::ReadExportFile(cut, [](const audit::ExportedEvent&) {
                 return absl::OkStatus();
               }).ok());
}

TEST(ExportVerifyTest, UsageAndFailedCalls) {
  RunResult r =
      RunCommand({ReportctlBin(), "audit", "export", "--target",
                  AuditCluster::Get().county_address(), "--insecure"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--node is required"));
  r = RunCommand({ReportctlBin(), "audit", "export", "--target", "127.0.0.1:1",
                  "--node", kNode, "--out", AuditCluster::Get().Path("x.jsonl"),
                  "--insecure"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("UNAVAILABLE"));
  r = Verify(AuditCluster::Get().Path("does-not-exist.jsonl"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, StartsWith("FAIL: "));
}

}  // namespace
}  // namespace reporting::export_test
