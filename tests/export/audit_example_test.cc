// tests/export/audit_example_test: docs/AUDIT.md's worked example, kept in step
// with the code: this test builds the example export from fixed inputs (two
// events of node 371302, the city's receipt for them, the example keys of RFC
// 8032 section 7.1, fixed times), and checks every block of bytes the document
// shows under an `<!-- example:NAME -->` marker against what the code makes. It
// also writes the example's files and checks that the C++ verifier and (when
// ctest gives PYTHON3 and VERIFY_EXPORT) docs/verify_export.py accept them
// with the output the document shows. A failure prints the block expected.
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"
#include "services/export/export_format.h"
#include "services/export/export_seal.h"
#include "services/export/export_verify.h"
#include "services/proof/ed25519.h"
#include "services/proof/statement.h"
#include "storage/envelope.h"
#include "storage/hash_chain.h"
#include "storage/receipt.h"
#include "tests/export/fixture.h"

namespace reporting::audit {
namespace {

constexpr char kNode[] = "371302";
// RFC 8032 section 7.1, TEST 1 and TEST 2: published example keys, used
// here because anyone can check them; never sign anything real with them.
constexpr char kCountyKeyPem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
constexpr char kCityKeyPem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIEzNCJso/5banbbDRuwRTg9bijGfNaumJNqM9u1PuKb7\n"
    "-----END PRIVATE KEY-----\n";

constexpr int64_t kRecorded1 = 1719792000000000;  // 2024-07-01T00:00:00Z
constexpr int64_t kRecorded2 = 1719792001000000;
constexpr int64_t kReceived = 1719792005000000;
constexpr int64_t kHeadSigned = 1719792003000000;
constexpr int64_t kKeysMade = 1719705600000000;  // 2024-06-30
constexpr int64_t kExported = 1719792010000000;

// Hex in lines of 32 bytes.
std::string HexLines(absl::string_view bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 32) {
    absl::StrAppend(&out, storage::HexHash(bytes.substr(i, 32)), "\n");
  }
  return out;
}

v1::KeyRecord KeyOne(const proof::SigningKey& key, const std::string& signer) {
  v1::KeyRecord r;
  r.set_signer(signer);
  r.set_number(1);
  r.set_public_key(key.public_key());
  r.set_created_at_us(kKeysMade);
  r.set_endorsement(key.Sign(proof::KeyStatement(r)));
  return r;
}

// The document's blocks: the text of the fenced block after each marker.
std::map<std::string, std::string> DocBlocks() {
  const char* path = std::getenv("AUDIT_DOC");  // set by ctest
  if (path == nullptr) return {};
  const std::string doc = testutil::ReadFile(path);
  std::map<std::string, std::string> out;
  const std::string marker = "<!-- example:";
  for (size_t at = doc.find(marker); at != std::string::npos;
       at = doc.find(marker, at + 1)) {
    const size_t name_end = doc.find(" -->", at);
    const std::string name =
        doc.substr(at + marker.size(), name_end - at - marker.size());
    const size_t open = doc.find("```", name_end);
    const size_t body = doc.find('\n', open) + 1;
    const size_t close = doc.find("\n```", body);
    out[name] = doc.substr(body, close - body + 1);
  }
  return out;
}

class AuditExampleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto county = proof::SigningKey::FromPem(kCountyKeyPem);
    auto city = proof::SigningKey::FromPem(kCityKeyPem);
    ASSERT_TRUE(county.ok() && city.ok());
    county_key_ = std::move(*county);
    city_key_ = std::move(*city);

    v1::NodeRegistered node;
    node.set_node_id(kNode);
    node.set_name("Lanshan");
    node.set_kind(v1::NODE_KIND_DISTRICT);
    v1::UnitRegistered unit;
    unit.set_unit_id("371302-U0001");
    unit.set_name("Unit 1");
    unit.set_batch(v1::BATCH_FIRST);
    unit.set_member_count(30);
    AddEvent("node/371302", events::TypeOf<v1::NodeRegistered>(),
             node.SerializeAsString(), kRecorded1, "example-1");
    AddEvent("unit/371302-U0001", events::TypeOf<v1::UnitRegistered>(),
             unit.SerializeAsString(), kRecorded2, "example-2");

    receipt_.number = 1;
    receipt_.first_sequence = 1;
    receipt_.last_sequence = 2;
    receipt_.last_hash = hashes_[1];
    receipt_.received_at_us = kReceived;
    receipt_.prev_hash = storage::ZeroHash();
    receipt_.hash = storage::ReceiptHash(kNode, receipt_);

    head_.set_node_id(kNode);
    head_.set_sequence(2);
    head_.set_hash(hashes_[1]);
    head_.set_signed_at_us(kHeadSigned);
    head_.set_key_number(1);
    head_.set_signature(county_key_.Sign(proof::HeadStatement(head_)));

    seal_.set_signer("city");
    seal_.set_key_number(1);
    seal_.set_node_id(kNode);
    SealBuilder builder;
    for (int i = 0; i < 2; ++i) {
      builder.AddEvent(i + 1, i == 0 ? storage::ZeroHash() : hashes_[0],
                       hashes_[i]);
    }
    builder.AddReceipt(1, receipt_.hash);
    builder.Finish(&seal_);
    seal_.set_log_head_sequence(2);
    *seal_.mutable_node_head() = head_;
    seal_.set_created_at_us(kExported);
    *seal_.mutable_signer_keys()->add_keys() = KeyOne(city_key_, "city");
    *seal_.mutable_node_keys()->add_keys() = KeyOne(county_key_, kNode);
    seal_.set_signature(city_key_.Sign(ManifestStatement(seal_)));
  }

  void AddEvent(const std::string& stream, const std::string& type,
                const std::string& payload, int64_t recorded,
                const std::string& command) {
    v1::EventEnvelope env;
    env.set_node_id(kNode);
    env.set_sequence(envelopes_.size() + 1);
    env.set_stream_id(stream);
    env.set_stream_version(1);
    env.set_event_id(absl::StrCat("00000000-0000-4000-8000-00000000000",
                                  envelopes_.size() + 1));
    env.set_event_type(type);
    env.set_recorded_at_us(recorded);
    env.set_actor("clerk:example");
    env.set_command_id(command);
    env.set_payload(payload);
    env.set_prev_hash(hashes_.empty() ? storage::ZeroHash() : hashes_.back());
    envelopes_.push_back(storage::SerializeEnvelope(env));
    hashes_.push_back(storage::ChainHash(env.prev_hash(), envelopes_.back()));
  }

  // Writes the example export into dir; returns FILE.
  std::string WriteExport(const testutil::TempDir& dir) {
    const std::string path = dir.Sub("example.jsonl");
    auto writer = ExportWriter::Create(path);
    EXPECT_TRUE(writer.ok());
    EXPECT_TRUE((*writer)->AddReceipt(ToProto(kNode, receipt_)).ok());
    for (size_t i = 0; i < envelopes_.size(); ++i) {
      v1::AuditedEvent e;
      e.set_sequence(i + 1);
      e.set_envelope(envelopes_[i]);
      e.set_hash(hashes_[i]);
      e.set_received_at_us(kReceived);
      e.set_receipt_number(1);
      EXPECT_TRUE((*writer)->Add(e).ok());
    }
    EXPECT_TRUE((*writer)->Finish(seal_).ok());
    return path;
  }

  std::map<std::string, std::string> Expected(const std::string& path) {
    std::map<std::string, std::string> b;
    b["envelope-1"] = HexLines(envelopes_[0]);
    b["hash-chain"] = absl::StrCat(
        "hash(1) = SHA-256(32 zero bytes || envelope 1)\n        = ",
        storage::HexHash(hashes_[0]),
        "\nhash(2) = SHA-256(hash(1) || envelope 2)\n        = ",
        storage::HexHash(hashes_[1]), "\n");
    const std::string rb = storage::ReceiptBytes(kNode, receipt_);
    b["receipt-1"] = absl::StrCat(
        storage::HexHash(rb.substr(0, 8)), "                  \"RECEIPT1\"\n",
        storage::HexHash(rb.substr(8, 7)),
        "                \"\\x06\" \"371302\"\n",
        storage::HexHash(rb.substr(15, 8)), "                  number 1\n",
        storage::HexHash(rb.substr(23, 8)),
        "                  first_sequence 1\n",
        storage::HexHash(rb.substr(31, 8)),
        "                  last_sequence 2\n",
        storage::HexHash(rb.substr(39, 32)), "\n",
        "                                  last_hash = hash(2)\n",
        storage::HexHash(rb.substr(71, 8)), "                  received_at_us ",
        kReceived,
        "\nreceipt_hash(1) = SHA-256(32 zero bytes || the bytes above)\n"
        "                = ",
        storage::HexHash(receipt_.hash), "\n");
    const v1::KeyRecord county_key = seal_.node_keys().keys(0);
    b["key-statement"] = absl::StrCat(proof::KeyStatement(county_key),
                                      "\nendorsement (by key 1 itself):\n",
                                      HexLines(county_key.endorsement()));
    b["head-statement"] =
        absl::StrCat(proof::HeadStatement(head_), "\nsignature (key 1):\n",
                     HexLines(head_.signature()));
    b["manifest-statement"] =
        absl::StrCat(ManifestStatement(seal_), "\nsignature (city key 1):\n",
                     HexLines(seal_.signature()));
    b["events-file"] = testutil::ReadFile(path);
    b["receipts-file"] = testutil::ReadFile(ReceiptsPathFor(path));
    b["manifest-file"] = testutil::ReadFile(ManifestPathFor(path));
    return b;
  }

  proof::SigningKey county_key_ = *proof::SigningKey::Generate();
  proof::SigningKey city_key_ = *proof::SigningKey::Generate();
  std::vector<std::string> envelopes_, hashes_;
  storage::Receipt receipt_;
  v1::SignedHead head_;
  v1::ExportSeal seal_;
};

TEST_F(AuditExampleTest, TheDocumentShowsTheBytesTheCodeMakes) {
  testutil::TempDir dir("audit-example");
  const std::string path = WriteExport(dir);
  const std::map<std::string, std::string> doc = DocBlocks();
  std::map<std::string, std::string> expected = Expected(path);
  auto summary = VerifyExport(path, ManifestPathFor(path));
  ASSERT_TRUE(summary.ok()) << summary.status();
  expected["verify-output"] =
      absl::StrCat("$ python3 docs/verify_export.py example.jsonl\n",
                   DescribeExport(*summary), "\n");
  // AUDIT_EXAMPLE_OUT=FILE: write the blocks the document should hold (for
  // whoever changes the format: paste them under their markers).
  if (const char* out = std::getenv("AUDIT_EXAMPLE_OUT")) {
    std::string text;
    for (const auto& [name, want] : expected) {
      absl::StrAppend(&text, "<!-- example:", name, " -->\n```\n", want,
                      "```\n\n");
    }
    testutil::WriteFile(out, text);
  }
  for (const auto& [name, want] : expected) {
    auto it = doc.find(name);
    ASSERT_NE(it, doc.end())
        << "docs/AUDIT.md has no block <!-- example:" << name
        << " -->; it should hold:\n"
        << want;
    EXPECT_EQ(it->second, want)
        << "docs/AUDIT.md block " << name << " should be:\n"
        << want;
  }
}

TEST_F(AuditExampleTest, BothVerifiersAcceptTheExample) {
  testutil::TempDir dir("audit-example-verify");
  const std::string path = WriteExport(dir);
  auto summary = VerifyExport(path, ManifestPathFor(path));
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_TRUE(summary->anchor_linked);
  const char* python = std::getenv("PYTHON3");
  const char* script = std::getenv("VERIFY_EXPORT");
  if (python == nullptr || script == nullptr) {
    GTEST_FAIL() << "PYTHON3 and VERIFY_EXPORT must be set (ctest sets them)";
  }
  export_test::RunResult r = export_test::RunCommand({python, script, path});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, DescribeExport(*summary) + "\n");
}

}  // namespace
}  // namespace reporting::audit
