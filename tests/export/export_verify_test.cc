// `reportctl audit export` against a real county-node and city-aggregator,
// checked by both verifiers: docs/verify_export.py (Python, independent of
// the project's code) and `reportctl audit verify-export` (C++). A real
// export passes (county and city, whole and filtered); each edit an
// attacker could make fails in both, naming the line, receipt or manifest
// field and the reason: one-byte edits, a removed line of a filtered
// export, moved receive times, a dropped receipt, a re-hashed forged chain
// (re-signed or not, by the city or by a stranger), altered manifest
// fields, an altered signed head, a wrong key, a key not in the history,
// and keys that are not the ones trusted.
#include "services/export/export_verify.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/export/export_format.h"
#include "services/proof/statement.h"
#include "tests/export/export_helpers.h"
#include "tests/export/fixture.h"
#include "tests/export/forge.h"

namespace reporting::export_test {
namespace {

using testing::HasSubstr;
using testing::StartsWith;

std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> lines = absl::StrSplit(ReadFile(path), '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

void WriteLines(const std::string& path,
                const std::vector<std::string>& lines) {
  WriteFile(path, absl::StrJoin(lines, "\n") + "\n");
}

// The value of "key":"VALUE" in a line.
std::string Field(const std::string& line, const std::string& key) {
  const std::string start = absl::StrCat("\"", key, "\":\"");
  const size_t at = line.find(start);
  if (at == std::string::npos) return "";
  const size_t from = at + start.size();
  return line.substr(from, line.find('"', from) - from);
}

// A copy of an export under a new name (its three files).
std::string CopyExport(const std::string& from, const std::string& name) {
  const std::string to = AuditCluster::Get().Path(name);
  WriteParts(to, ReadParts(from));
  return to;
}

// Rewrites a manifest's file checksums for the files as they now are (the
// two manifest fields nobody signs), as a forger who edited the files
// would.
void FixChecksums(const std::string& path) {
  ExportParts parts = ReadParts(path);
  WriteParts(path, parts);
}

std::string FlipHex(std::string hex, size_t at) {
  hex[at] = hex[at] == 'a' ? 'b' : 'a';
  return hex;
}

TEST(ExportVerifyTest, CountyExportPasses) {
  const std::string out = Export(County(), "county.jsonl");
  auto manifest = audit::ReadManifestFile(audit::ManifestPathFor(out));
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  const v1::ExportSeal& seal = manifest->seal;
  EXPECT_EQ(seal.count(), kEvents);
  EXPECT_TRUE(manifest->contiguous);
  EXPECT_EQ(seal.first_sequence(), 1u);
  EXPECT_EQ(seal.last_sequence(), kEvents);
  EXPECT_EQ(seal.first_prev_hash(), std::string(32, '\0'));
  EXPECT_EQ(seal.log_head_sequence(), kEvents);
  EXPECT_EQ(seal.signer(), kNode);
  // The county anchors its export to its head, signed for the export.
  EXPECT_EQ(seal.node_head().sequence(), kEvents);
  EXPECT_EQ(seal.node_head().hash(), seal.last_hash());
  EXPECT_EQ(seal.receipt_count(), 0u);
  EXPECT_TRUE(manifest->receipts_file.empty());
  ExpectBothPass(
      out, {},
      absl::StrCat("OK: ", kEvents, " events (sequences 1..", kEvents,
                   ", contiguous), signed by ", kNode, " key 1 ("));
  ExpectBothPass(
      out, {},
      absl::StrCat("anchored to node ", kNode, "'s head signed at sequence ",
                   kEvents, ", linked"));
  // A county records no receive time.
  EXPECT_EQ(ReadFile(out).find("received_at"), std::string::npos);
}

TEST(ExportVerifyTest, CityExportPassesWithReceiptsAndHoldsTheCountysBytes) {
  const std::string county = Export(County(), "county-for-city.jsonl");
  const std::string city = Export(City(), "city.jsonl");
  auto manifest = audit::ReadManifestFile(audit::ManifestPathFor(city));
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->seal.signer(), "city");
  // At least four writes (fixture.h), one receipt each.
  EXPECT_GE(manifest->seal.receipt_count(), 4u);
  EXPECT_EQ(manifest->seal.first_receipt(), 1u);
  // The anchor is the county's own signed head, kept by the city.
  EXPECT_EQ(manifest->seal.node_head().sequence(), kEvents);
  EXPECT_EQ(manifest->seal.node_keys().keys(0).signer(), kNode);
  ExpectBothPass(city, {},
                 absl::StrCat("receipts, signed by city key 1 (", ""));
  ExpectBothPass(city, {}, ", linked");
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
    EXPECT_GE(b[i].receipt, 1u);
  }
}

TEST(ExportVerifyTest, FilteredExportsPass) {
  // Every other event: not contiguous; each hash holds on its own.
  const std::string units =
      Export(County(), "units.jsonl", {"--type", "UnitRegistered"});
  auto m = audit::ReadManifestFile(audit::ManifestPathFor(units));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_FALSE(m->contiguous);
  EXPECT_EQ(m->seal.count(), static_cast<uint64_t>(kUnits));
  // Normalised by the server: the full type name.
  EXPECT_EQ(m->seal.filters().at("event_type"), "reporting.v1.UnitRegistered");
  ExpectBothPass(units, {},
                 absl::StrCat("OK: ", kUnits, " events (sequences 2..",
                              2 * kUnits, ", not contiguous)"));
  ExpectBothPass(units, {}, "not linked (no line at it)");
  // A middle range: contiguous, chained onto an event not in the file.
  const std::string range =
      Export(County(), "range.jsonl", {"--from=5", "--to=12"});
  m = audit::ReadManifestFile(audit::ManifestPathFor(range));
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->contiguous);
  EXPECT_EQ(m->seal.count(), 8u);
  EXPECT_NE(m->seal.first_prev_hash(), std::string(32, '\0'));
  ExpectBothPass(range, {}, "OK: 8 events (sequences 5..12, contiguous)");
  // From the city, filtered: only the receipts covering what it holds.
  const std::string city_units =
      Export(City(), "city-units.jsonl", {"--type", "UnitRegistered"});
  ExpectBothPass(city_units, {}, "receipts, signed by city key 1");
}

// One edit of a copy of the full export, and what the verifiers must say.
struct Tamper {
  std::string name;
  int line;  // 1-based line to edit; 0: edit the manifest
  std::string from, to;
  std::string expected;
};

TEST(ExportVerifyTest, EveryOneByteEditIsCaught) {
  const std::string out = Export(County(), "tamper-source.jsonl");
  const std::vector<std::string> lines = Lines(out);
  ASSERT_EQ(lines.size(), kEvents);
  const std::string manifest = ReadFile(audit::ManifestPathFor(out));

  // An envelope byte: one base64 character in the middle of line 5.
  const std::string b64 = Field(lines[4], "envelope_b64");
  ASSERT_GT(b64.size(), 40u);
  std::string b64_edit = b64;
  b64_edit[b64.size() / 2] = b64[b64.size() / 2] == 'Q' ? 'R' : 'Q';
  const std::string hash7 = Field(lines[6], "hash");
  const std::string prev9 = Field(lines[8], "prev_hash");
  const std::string payload = Field(lines[9], "payload_b64");
  std::string payload_edit = payload;
  payload_edit[4] = payload[4] == 'Q' ? 'R' : 'Q';
  const std::string last = Field(lines.back(), "hash");

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
      {"hash", 7, hash7, FlipHex(hash7, 0),
       "line 7: hash is not SHA-256(prev_hash || envelope bytes)"},
      {"prev_hash", 9, prev9, FlipHex(prev9, 63),
       "line 9: prev_hash differs from the envelope's prev_hash"},
      {"payload", 10, payload, payload_edit,
       "line 10: payload_b64 differs from the envelope's payload"},
      {"manifest count", 0, absl::StrCat("\"count\": ", kEvents),
       absl::StrCat("\"count\": ", kEvents + 1),
       "manifest: signature: the signature does not verify with 371302's "
       "key 1"},
      {"manifest last hash", 0, last, FlipHex(last, 10),
       "manifest: signature: the signature does not verify"},
      {"manifest node", 0, "\"node_id\": \"371302\"", "\"node_id\": \"371303\"",
       "manifest: signature: the signature does not verify"},
      {"manifest last", 0, absl::StrCat("\"last_sequence\": ", kEvents),
       absl::StrCat("\"last_sequence\": ", kEvents - 1),
       "manifest: signature: the signature does not verify"},
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
    WriteLines(events_path, edited_lines);
    WriteFile(audit::ManifestPathFor(events_path), edited_manifest);
    ExpectBothFail(events_path, t.expected);
  }
}

TEST(ExportVerifyTest, RemovedOrReorderedLinesAreCaught) {
  const std::string out = Export(County(), "cut-source.jsonl");
  std::vector<std::string> lines = Lines(out);
  const std::string cut = CopyExport(out, "cut.jsonl");
  std::vector<std::string> without = lines;
  without.erase(without.begin() + 3);  // sequence 4
  WriteLines(cut, without);
  // With the file's checksum fixed too, the signed count still holds.
  FixChecksums(cut);
  ExpectBothFail(cut, "manifest: count is 31 but the files have 30");
  std::swap(lines[1], lines[2]);
  WriteLines(cut, lines);
  ExpectBothFail(cut,
                 "line 3 (sequence 2): sequence does not increase (previous "
                 "3)");
  // The C++ reader (county restore) refuses the same file.
  EXPECT_FALSE(audit::ReadExportFile(cut, [](const audit::ExportedEvent&) {
                 return absl::OkStatus();
               }).ok());
}

TEST(ExportVerifyTest, ALineRemovedFromAFilteredExportIsCaught) {
  const std::string units =
      Export(County(), "units-cut-source.jsonl", {"--type", "UnitRegistered"});
  const std::string cut = CopyExport(units, "units-cut.jsonl");
  std::vector<std::string> lines = Lines(cut);
  lines.erase(lines.begin() + 6);  // a gap is normal in a filtered export
  WriteLines(cut, lines);
  FixChecksums(cut);
  ExpectBothFail(cut, absl::StrCat("manifest: count is ", kUnits,
                                   " but the files have ", kUnits - 1));
  // Recounting the manifest too breaks its signature.
  ExportParts parts = ReadParts(cut);
  Recount(parts);
  WriteParts(cut, parts);
  ExpectBothFail(cut, "manifest: signature: the signature does not verify");
}

TEST(ExportVerifyTest, AMovedReceiveTimeIsCaughtWithItsReceipt) {
  const std::string city = Export(City(), "moved-source.jsonl");
  ExportParts source = ReadParts(city);
  ASSERT_GE(source.receipts.size(), 4u);
  const int64_t day = 86400000000;

  // In a line: it no longer equals its receipt's.
  const std::string in_line = CopyExport(city, "moved-line.jsonl");
  ExportParts parts = ReadParts(in_line);
  v1::AuditedEvent& e = parts.events[4];
  const int64_t original = e.received_at_us();
  e.set_received_at_us(original + day);
  WriteParts(in_line, parts);
  ExpectBothFail(in_line, absl::StrCat("line 5 (sequence 5): received_at_us ",
                                       original + day, " differs from receipt ",
                                       e.receipt_number(), "'s ", original));

  // In a receipt: its hash no longer holds.
  const std::string in_receipt = CopyExport(city, "moved-receipt.jsonl");
  parts = ReadParts(in_receipt);
  parts.receipts[1].set_received_at_us(parts.receipts[1].received_at_us() +
                                       day);
  for (v1::AuditedEvent& ev : parts.events) {
    if (ev.receipt_number() == parts.receipts[1].number()) {
      ev.set_received_at_us(parts.receipts[1].received_at_us());
    }
  }
  WriteParts(in_receipt, parts);
  ExpectBothFail(in_receipt,
                 "receipts line 2: hash is not SHA-256(prev_hash || receipt "
                 "bytes)");

  // Re-hashed, and every later receipt re-chained: the signed digest.
  Rechain(parts, 0, [](v1::EventEnvelope&) {});
  ExportParts unsigned_parts = parts;
  unsigned_parts.manifest.seal = ReadParts(city).manifest.seal;
  WriteParts(in_receipt, unsigned_parts);
  ExpectBothFail(in_receipt, "manifest: receipts_digest is");
}

TEST(ExportVerifyTest, ADroppedReceiptIsCaughtByItsNumber) {
  const std::string city = Export(City(), "dropped-source.jsonl");
  const std::string dropped = CopyExport(city, "dropped.jsonl");
  ExportParts parts = ReadParts(dropped);
  ASSERT_GE(parts.receipts.size(), 4u);
  const uint64_t gone = parts.receipts[1].number();
  parts.receipts.erase(parts.receipts.begin() + 1);
  WriteParts(dropped, parts);
  ExpectBothFail(
      dropped,
      absl::StrCat("receipts line 2 (receipt ", gone + 1, "): receipt ", gone,
                   " is missing (receipt ", gone + 1, " follows receipt ",
                   gone - 1, " in a contiguous export)"));
}

TEST(ExportVerifyTest, AForgedReHashedChainIsCaught) {
  const std::string county = Export(County(), "forge-source.jsonl");
  auto change_actor = [](v1::EventEnvelope& env) { env.set_actor("forger"); };

  // Re-hashed, manifest recounted, the county's signature kept.
  const std::string kept = CopyExport(county, "forged-kept.jsonl");
  ExportParts parts = ReadParts(kept);
  Rechain(parts, 4, change_actor);
  WriteParts(kept, parts);
  ExpectBothFail(kept,
                 "manifest: signature: the signature does not verify "
                 "with 371302's key 1");

  // Re-signed by a stranger posing as the county's key 1.
  const proof::SigningKey stranger = *proof::SigningKey::Generate();
  Resign(parts, stranger, 1);
  WriteParts(kept, parts);
  ExpectBothFail(kept,
                 "manifest: signature: the signature does not verify "
                 "with 371302's key 1");

  // The city, holding its own key, forges the county's log in a city
  // export: the county's signed head gives it away.
  const std::string city = Export(City(), "forge-city-source.jsonl");
  const std::string by_city = CopyExport(city, "forged-by-city.jsonl");
  parts = ReadParts(by_city);
  Rechain(parts, 4, change_actor);
  Resign(parts, KeyFromDir(AuditCluster::Get().city_keys(), 1), 1);
  WriteParts(by_city, parts);
  ExpectBothFail(by_city,
                 absl::StrCat("line ", kEvents, " (sequence ", kEvents,
                              "): hash differs from the hash node 371302 "
                              "signed for it"));

  // A forger who replaces every key and signs everything anew is caught
  // only by keys the auditor trusts.
  const std::string rekeyed = CopyExport(county, "forged-rekeyed.jsonl");
  parts = ReadParts(rekeyed);
  Rechain(parts, 4, change_actor);
  const v1::KeyHistory history = HistoryOf(stranger, kNode);
  v1::SignedHead head = parts.manifest.seal.node_head();
  head.set_hash(parts.manifest.seal.last_hash());
  head.set_key_number(1);
  head.set_signature(stranger.Sign(proof::HeadStatement(head)));
  *parts.manifest.seal.mutable_node_head() = head;
  *parts.manifest.seal.mutable_node_keys() = history;
  Resign(parts, stranger, 1, &history);
  WriteParts(rekeyed, parts);
  ExpectBothPass(rekeyed);
  const std::string county_key = absl::BytesToHexString(
      KeyFromDir(AuditCluster::Get().county_keys(), 1).public_key());
  ExpectBothFail(rekeyed,
                 "manifest: no key of 371302's history is a trusted key",
                 {county_key});
  ExpectBothPass(county, {county_key});
}

TEST(ExportVerifyTest, EachAlteredManifestFieldIsCaught) {
  const std::string city = Export(City(), "fields-source.jsonl");
  const std::string manifest = ReadFile(audit::ManifestPathFor(city));
  const std::string bad_signature = "the signature does not verify";
  struct Edit {
    std::string field, from, to, expected;
  };
  // The field's "key": value text, and the value with its last digit (a
  // number) or its last hex digit (a string) changed.
  auto number_edit = [&](const std::string& field,
                         const std::string& expected) {
    const std::string key = absl::StrCat("\"", field, "\": ");
    const size_t at = manifest.find(key);
    const size_t end = manifest.find_first_of(",\n", at + key.size());
    const std::string value = manifest.substr(at, end - at);
    std::string edited = value;
    edited.back() = edited.back() == '9' ? '8' : edited.back() + 1;
    return Edit{field, value, edited, expected};
  };
  auto string_edit = [&](const std::string& field,
                         const std::string& expected) {
    const std::string key = absl::StrCat("\"", field, "\": \"");
    const size_t at = manifest.find(key);
    const size_t end = manifest.find('"', at + key.size());
    std::string value = manifest.substr(at, end - at);
    std::string edited = value;
    edited.back() = edited.back() == 'a' ? 'b' : 'a';
    return Edit{field, value, edited, expected};
  };
  std::vector<Edit> edits = {
      number_edit("count", bad_signature),
      number_edit("first_sequence", bad_signature),
      number_edit("last_sequence", bad_signature),
      string_edit("first_prev_hash", bad_signature),
      string_edit("last_hash", bad_signature),
      string_edit("events_digest", bad_signature),
      number_edit("receipt_count", bad_signature),
      number_edit("first_receipt", bad_signature),
      number_edit("last_receipt", bad_signature),
      string_edit("receipts_digest", bad_signature),
      number_edit("log_head_sequence", bad_signature),
      // created_at must render it: refused before the signature.
      number_edit("created_at_us", "manifest: created_at"),
      {"filters", "\"filters\": {}", "\"filters\": {\"actor\": \"x\"}",
       bad_signature},
      {"node_id", "\"node_id\": \"371302\",\n  \"filters\"",
       "\"node_id\": \"371303\",\n  \"filters\"", bad_signature},
      {"signer", "\"signer\": \"city\"", "\"signer\": \"citz\"",
       "manifest: signer_keys: key history of citz: key 1: names signer"},
      {"key", "\"key\": 1,\n  \"created_at_us\"",
       "\"key\": 2,\n  \"created_at_us\"",
       "signed with key 2, which is not in city's key history (keys 1..1)"},
      string_edit("signature", bad_signature),
      // Not signed (written by reportctl), but checked against the files.
      string_edit("events_sha256", "manifest: events_sha256"),
      string_edit("receipts_sha256", "manifest: receipts_sha256"),
      {"contiguous", "\"contiguous\": true", "\"contiguous\": false",
       "manifest: contiguous is"},
      {"created_at", "\"created_at\": \"20", "\"created_at\": \"19",
       "created_at"},
      {"format_version", "\"format_version\": 2", "\"format_version\": 1",
       "format_version"},
  };
  for (const Edit& e : edits) {
    SCOPED_TRACE(e.field);
    const size_t at = manifest.find(e.from);
    ASSERT_NE(at, std::string::npos) << e.from;
    const std::string path =
        CopyExport(city, absl::StrCat("field-", e.field, ".jsonl"));
    std::string edited = manifest;
    edited.replace(at, e.from.size(), e.to);
    WriteFile(audit::ManifestPathFor(path), edited);
    ExpectBothFail(path, e.expected);
  }
}

TEST(ExportVerifyTest, AnAlteredSignedHeadIsCaught) {
  const std::string city = Export(City(), "head-source.jsonl");
  const proof::SigningKey city_key =
      KeyFromDir(AuditCluster::Get().city_keys(), 1);
  // The city re-signs its manifest over a head it altered: the county's
  // signature over the head does not hold.
  for (const std::string field : {"hash", "sequence", "signed_at_us"}) {
    SCOPED_TRACE(field);
    const std::string path =
        CopyExport(city, absl::StrCat("head-", field, ".jsonl"));
    ExportParts parts = ReadParts(path);
    v1::SignedHead* head = parts.manifest.seal.mutable_node_head();
    if (field == "hash") head->mutable_hash()->back() ^= 1;
    if (field == "sequence") head->set_sequence(head->sequence() - 1);
    if (field == "signed_at_us")
      head->set_signed_at_us(head->signed_at_us() + 1);
    Resign(parts, city_key, 1);
    WriteParts(path, parts);
    ExpectBothFail(path,
                   "manifest: node_head: signed head of node 371302 at "
                   "sequence");
    ExpectBothFail(path, "the signature does not verify with 371302's key 1");
  }
}

TEST(ExportVerifyTest, AWrongKeyOrAKeyNotInTheHistoryIsCaught) {
  const std::string county = Export(County(), "keys-source.jsonl");
  const proof::SigningKey stranger = *proof::SigningKey::Generate();
  const std::string wrong = CopyExport(county, "wrong-key.jsonl");
  ExportParts parts = ReadParts(wrong);
  Resign(parts, stranger, 1);
  WriteParts(wrong, parts);
  ExpectBothFail(wrong,
                 "manifest: signature: the signature does not verify "
                 "with 371302's key 1");
  Resign(parts, stranger, 2);
  WriteParts(wrong, parts);
  ExpectBothFail(wrong,
                 "manifest: signature: signed with key 2, which is not in "
                 "371302's key history (keys 1..1)");
  // A key smuggled into the history without the previous key's
  // endorsement.
  v1::KeyHistory history = parts.manifest.seal.signer_keys();
  v1::KeyRecord* added = history.add_keys();
  *added = HistoryOf(stranger, kNode).keys(0);
  added->set_number(2);
  Resign(parts, stranger, 2, &history);
  WriteParts(wrong, parts);
  ExpectBothFail(wrong,
                 "manifest: signer_keys: key history of 371302: key 2: its "
                 "endorsement does not verify with key 1");
}

TEST(ExportVerifyTest, TrustedKeysFromReportctlAuditKeys) {
  const std::string city = Export(City(), "trusted.jsonl");
  RunResult keys = RunCommand({ReportctlBin(), "audit", "keys", "--target",
                               City(), "--insecure", "--csv"});
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  // signer,role,key,public_key,...: the city's key and the county's.
  std::vector<std::string> trusted;
  for (absl::string_view row : absl::StrSplit(keys.out, '\n')) {
    std::vector<std::string> cells = absl::StrSplit(row, ',');
    if (cells.size() > 3 && cells[3].size() == 64) trusted.push_back(cells[3]);
  }
  ASSERT_EQ(trusted.size(), 2u) << keys.out;
  EXPECT_THAT(keys.out, HasSubstr("city,server,1,"));
  EXPECT_THAT(keys.out, HasSubstr("371302,node,1,"));
  ExpectBothPass(city, trusted);
  const std::string stranger =
      absl::BytesToHexString(proof::SigningKey::Generate()->public_key());
  ExpectBothFail(city, "manifest: no key of city's history is a trusted key",
                 {stranger});
  // The county's own view of its key is the city's pin.
  RunResult county_keys =
      RunCommand({ReportctlBin(), "audit", "keys", "--target", County(),
                  "--insecure", "--csv"});
  ASSERT_EQ(county_keys.exit_code, 0) << county_keys.err;
  EXPECT_THAT(county_keys.out, HasSubstr("371302,server,1," + trusted[1]));
}

TEST(ExportVerifyTest, UsageAndFailedCalls) {
  RunResult r = RunCommand(
      {ReportctlBin(), "audit", "export", "--target", County(), "--insecure"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--node is required"));
  r = RunCommand({ReportctlBin(), "audit", "export", "--target", "127.0.0.1:1",
                  "--node", kNode, "--out", AuditCluster::Get().Path("x.jsonl"),
                  "--insecure"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("UNAVAILABLE"));
  const Verdicts v =
      VerifyBoth(AuditCluster::Get().Path("does-not-exist.jsonl"));
  EXPECT_EQ(v.python.exit_code, 1);
  EXPECT_THAT(v.python.out, StartsWith("FAIL: "));
  EXPECT_THAT(v.cpp.out, StartsWith("FAIL: "));
  r = RunCommand({ReportctlBin(), "audit", "verify-export"});
  EXPECT_EQ(r.exit_code, 2);
  r = RunCommand(
      {ReportctlBin(), "audit", "verify-export", "f", "--trusted_key=xyz"});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace reporting::export_test
