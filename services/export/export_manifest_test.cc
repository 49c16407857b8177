// ExportWriter, the manifest and the seal: what the writer records, the
// manifest's round trip and refusals, the seal's statement byte for byte
// and its digests.
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "openssl/sha.h"
#include "services/export/export_format.h"
#include "services/export/export_seal.h"
#include "services/export/export_test_events.h"

namespace reporting::audit {
namespace {

using testing::HasSubstr;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Sha256Of(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         digest);
  return std::string(reinterpret_cast<char*>(digest), 32);
}

// The seal of `events` as a server would make it (unsigned here: the
// writer does not check signatures, export_verify does).
v1::ExportSeal SealOf(const std::vector<v1::AuditedEvent>& events) {
  v1::ExportSeal seal;
  seal.set_signer("371302");
  seal.set_key_number(1);
  seal.set_signature(std::string(64, 's'));
  seal.set_node_id("371302");
  seal.set_log_head_sequence(9);
  seal.set_created_at_us(1719800000000000);
  SealBuilder b;
  for (const v1::AuditedEvent& e : events) {
    v1::EventEnvelope env;
    env.ParseFromString(e.envelope());
    b.AddEvent(e.sequence(), env.prev_hash(), e.hash());
  }
  b.Finish(&seal);
  return seal;
}

TEST(ExportWriterTest, ContiguousExportAndItsManifest) {
  const auto events = TestChain(4, 0);
  const std::string path = ::testing::TempDir() + "/contiguous.jsonl";
  auto writer = ExportWriter::Create(path);
  ASSERT_TRUE(writer.ok()) << writer.status();
  for (const auto& e : events) ASSERT_TRUE((*writer)->Add(e).ok());
  EXPECT_EQ((*writer)->count(), 4u);
  ASSERT_TRUE((*writer)->Finish(SealOf(events)).ok());

  auto m = ReadManifestFile(ManifestPathFor(path));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->format_version, kExportFormatVersion);
  EXPECT_EQ(m->seal.node_id(), "371302");
  EXPECT_TRUE(m->contiguous);
  EXPECT_EQ(m->seal.first_sequence(), 1u);
  EXPECT_EQ(m->seal.last_sequence(), 4u);
  EXPECT_EQ(m->seal.count(), 4u);
  EXPECT_EQ(m->seal.first_prev_hash(), std::string(32, '\0'));
  EXPECT_EQ(m->seal.last_hash(), events[3].hash());
  EXPECT_EQ(m->seal.events_digest(),
            Sha256Of(events[0].hash() + events[1].hash() + events[2].hash() +
                     events[3].hash()));
  EXPECT_EQ(m->seal.log_head_sequence(), 9u);
  EXPECT_EQ(m->seal.created_at_us(), 1719800000000000);
  EXPECT_EQ(m->events_file, "contiguous.jsonl");
  EXPECT_EQ(m->events_sha256, Sha256Of(Slurp(path)));
  EXPECT_EQ(m->receipts_file, "");  // a county export has none
  EXPECT_EQ(m->receipts_sha256, "");
  EXPECT_FALSE(std::ifstream(ReceiptsPathFor(path)).good());
  EXPECT_THAT(Slurp(ManifestPathFor(path)),
              HasSubstr("\"created_at\": \"2024-07-01T02:13:20.000000Z\""));

  uint64_t read = 0;
  ASSERT_TRUE(ReadExportFile(path, [&](const ExportedEvent& e) {
                EXPECT_EQ(e.envelope, events[read].envelope());
                ++read;
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(read, 4u);
}

TEST(ExportWriterTest, ACityExportWritesItsReceipts) {
  const auto events = TestChain(3, 1719792005000000);
  storage::Receipt r;
  r.number = 1;
  r.first_sequence = 1;
  r.last_sequence = 3;
  r.last_hash = events[2].hash();
  r.received_at_us = 1719792005000000;
  r.prev_hash = std::string(32, '\0');
  r.hash = storage::ReceiptHash("371302", r);
  const v1::Receipt receipt = ToProto("371302", r);
  const std::string path = ::testing::TempDir() + "/city.jsonl";
  auto writer = ExportWriter::Create(path);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->AddReceipt(receipt).ok());
  for (const auto& e : events) ASSERT_TRUE((*writer)->Add(e).ok());
  ASSERT_TRUE((*writer)->Finish(SealOf(events)).ok());
  auto m = ReadManifestFile(ManifestPathFor(path));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->receipts_file, "city.jsonl.receipts.jsonl");
  const std::string line = Slurp(ReceiptsPathFor(path));
  EXPECT_EQ(m->receipts_sha256, Sha256Of(line));
  auto parsed = ParseReceiptLine(line.substr(0, line.size() - 1), 1);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->SerializeAsString(), receipt.SerializeAsString());
  // A receipt line whose time moved no longer hashes.
  const std::string moved =
      absl::StrReplaceAll(line, {{"1719792005000000", "1719792006000000"},
                                 {"00:00:05.000000Z", "00:00:06.000000Z"}});
  auto bad = ParseReceiptLine(moved.substr(0, moved.size() - 1), 4);
  EXPECT_EQ(bad.status().message(),
            "receipts line 4: hash is not SHA-256(prev_hash || receipt bytes)");
}

TEST(ExportWriterTest, FilteredExportIsNotContiguous) {
  const auto events = TestChain(5, 0);
  const std::string path = ::testing::TempDir() + "/filtered.jsonl";
  auto writer = ExportWriter::Create(path);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Add(events[1]).ok());
  ASSERT_TRUE((*writer)->Add(events[3]).ok());
  EXPECT_EQ((*writer)->Add(events[2]).code(),
            absl::StatusCode::kInvalidArgument);  // out of order
  v1::ExportSeal seal = SealOf({events[1], events[3]});
  (*seal.mutable_filters())["actor"] = "clerk:wang.li@371302";
  ASSERT_TRUE((*writer)->Finish(seal).ok());
  auto m = ReadManifestFile(ManifestPathFor(path));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_FALSE(m->contiguous);
  EXPECT_EQ(m->seal.first_sequence(), 2u);
  EXPECT_EQ(m->seal.last_sequence(), 4u);
  EXPECT_EQ(m->seal.count(), 2u);
  EXPECT_EQ(m->seal.first_prev_hash(), events[0].hash());
  EXPECT_EQ(m->seal.last_hash(), events[3].hash());
  EXPECT_EQ(m->seal.filters().at("actor"), "clerk:wang.li@371302");
}

TEST(ExportWriterTest, EmptyExportHasEmptyHashes) {
  const std::string path = ::testing::TempDir() + "/empty.jsonl";
  auto writer = ExportWriter::Create(path);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Finish(SealOf({})).ok());
  auto m = ReadManifestFile(ManifestPathFor(path));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->seal.count(), 0u);
  EXPECT_EQ(m->seal.last_hash(), "");
  EXPECT_TRUE(m->contiguous);
  EXPECT_EQ(m->seal.events_digest(), Sha256Of(""));
  EXPECT_EQ(Slurp(path), "");
}

ExportManifest FullManifest() {
  ExportManifest m;
  m.seal = SealOf(TestChain(2, 0));
  (*m.seal.mutable_filters())["stream_id"] = "unit/371302-U0001";
  v1::SignedHead* head = m.seal.mutable_node_head();
  head->set_node_id("371302");
  head->set_sequence(2);
  head->set_hash(std::string(32, 'h'));
  head->set_signed_at_us(7);
  head->set_key_number(1);
  head->set_signature(std::string(64, 'g'));
  for (v1::KeyHistory* h :
       {m.seal.mutable_signer_keys(), m.seal.mutable_node_keys()}) {
    v1::KeyRecord* k = h->add_keys();
    k->set_signer("371302");
    k->set_number(1);
    k->set_public_key(std::string(32, 'p'));
    k->set_created_at_us(3);
    k->set_endorsement(std::string(64, 'e'));
  }
  m.events_file = "x.jsonl";
  m.events_sha256 = std::string(32, 'c');
  return m;
}

TEST(ManifestTest, RoundTripAndRefusals) {
  const std::string text = FormatManifest(FullManifest());
  auto parsed = ParseManifest(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(FormatManifest(*parsed), text);
  EXPECT_EQ(parsed->seal.SerializeAsString(),
            FullManifest().seal.SerializeAsString());

  struct Case {
    std::string from, to, reason;
  };
  for (const Case& c : std::vector<Case>{
           {"\"format_version\": 2", "\"format_version\": 1",
            "format_version 1 is not supported"},
           {"reporting-audit-export", "something-else", "format"},
           {"\"count\": 2", "\"count\": -2", "count is negative"},
           {"\"count\": 2", "\"count\": 2.5", "count is not a whole number"},
           {"\"contiguous\": true", "\"contiguous\": 0", "contiguous"},
           {"\"last_hash\"", "\"last_hsh\"", "field last_hash is missing"},
           {"\"signature\": \"7373", "\"signature\": \"73", "signature"},
           {"\"node_keys\": [", "\"node_keys\": 1, \"x\": [", "node_keys"},
           {"{", "", "not a JSON object"},
       }) {
    const std::string edited = absl::StrReplaceAll(text, {{c.from, c.to}});
    ASSERT_NE(edited, text) << c.from;
    auto bad = ParseManifest(edited);
    ASSERT_FALSE(bad.ok()) << c.from;
    EXPECT_THAT(std::string(bad.status().message()), HasSubstr("manifest: "));
    EXPECT_THAT(std::string(bad.status().message()), HasSubstr(c.reason));
  }
}

TEST(SealTest, TheManifestStatementByteForByte) {
  v1::ExportSeal seal = FullManifest().seal;
  const std::string hex_h = absl::BytesToHexString(std::string(32, 'h'));
  const std::string hex_g = absl::BytesToHexString(std::string(64, 'g'));
  const std::string statement = ManifestStatement(seal);
  EXPECT_EQ(statement.substr(0, statement.find("count=")),
            "reporting-export/2\n"
            "signer=6:371302\n"
            "key=1\n"
            "node_id=6:371302\n"
            "filter.stream_id=17:unit/371302-U0001\n");
  EXPECT_THAT(statement, HasSubstr(absl::StrCat(
                             "receipt_count=0\nfirst_receipt=0\n"
                             "last_receipt=0\nreceipts_digest=",
                             absl::BytesToHexString(Sha256Of("")),
                             "\nlog_head_sequence=9\n"
                             "node_head.sequence=2\nnode_head.hash=",
                             hex_h, "\nnode_head.signed_at_us=7\n",
                             "node_head.key=1\nnode_head.signature=", hex_g,
                             "\ncreated_at_us=1719800000000000\n")));
  // No anchor: one line instead of five.
  seal.clear_node_head();
  EXPECT_THAT(ManifestStatement(seal),
              HasSubstr("log_head_sequence=9\nnode_head=4:none\n"
                        "created_at_us="));
  // Every field is in it: changing any changes the bytes.
  const std::string base = ManifestStatement(seal);
  v1::ExportSeal changed = seal;
  changed.set_receipt_count(1);
  EXPECT_NE(ManifestStatement(changed), base);
  changed = seal;
  changed.set_log_head_sequence(10);
  EXPECT_NE(ManifestStatement(changed), base);
}

}  // namespace
}  // namespace reporting::audit
