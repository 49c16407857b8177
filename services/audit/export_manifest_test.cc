// ExportWriter and the manifest: what the writer records, the manifest's
// round trip, and refusals.
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "openssl/sha.h"
#include "services/audit/export_format.h"
#include "services/audit/export_test_events.h"

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

ExportManifest Base() {
  ExportManifest m;
  m.node_id = "371302";
  m.source = "127.0.0.1:7001";
  m.log_head_sequence = 9;
  return m;
}

TEST(ExportWriterTest, ContiguousExportAndItsManifest) {
  const auto events = TestChain(4, 0);
  const std::string path = ::testing::TempDir() + "/contiguous.jsonl";
  auto writer = ExportWriter::Create(path, Base());
  ASSERT_TRUE(writer.ok()) << writer.status();
  for (const auto& e : events) ASSERT_TRUE((*writer)->Add(e).ok());
  EXPECT_EQ((*writer)->count(), 4u);
  ASSERT_TRUE((*writer)->Finish(1719800000000000).ok());

  auto m = ReadManifestFile(ManifestPathFor(path));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->format_version, kExportFormatVersion);
  EXPECT_EQ(m->node_id, "371302");
  EXPECT_EQ(m->source, "127.0.0.1:7001");
  EXPECT_TRUE(m->contiguous);
  EXPECT_EQ(m->first_sequence, 1u);
  EXPECT_EQ(m->last_sequence, 4u);
  EXPECT_EQ(m->count, 4u);
  EXPECT_EQ(m->first_prev_hash, std::string(32, '\0'));
  EXPECT_EQ(m->head_hash, events[3].hash());
  EXPECT_EQ(m->log_head_sequence, 9u);
  EXPECT_EQ(m->created_at_us, 1719800000000000);
  EXPECT_EQ(m->events_file, "contiguous.jsonl");
  EXPECT_EQ(m->events_sha256, Sha256Of(Slurp(path)));
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

TEST(ExportWriterTest, FilteredExportIsNotContiguous) {
  const auto events = TestChain(5, 0);
  const std::string path = ::testing::TempDir() + "/filtered.jsonl";
  ExportManifest base = Base();
  base.filters = {{"actor", "clerk:wang.li@371302"}, {"from_sequence", "2"}};
  auto writer = ExportWriter::Create(path, base);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Add(events[1]).ok());
  ASSERT_TRUE((*writer)->Add(events[3]).ok());
  EXPECT_EQ((*writer)->Add(events[2]).code(),
            absl::StatusCode::kInvalidArgument);  // out of order
  ASSERT_TRUE((*writer)->Finish(1).ok());
  auto m = ReadManifestFile(ManifestPathFor(path));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_FALSE(m->contiguous);
  EXPECT_EQ(m->first_sequence, 2u);
  EXPECT_EQ(m->last_sequence, 4u);
  EXPECT_EQ(m->count, 2u);
  EXPECT_EQ(m->first_prev_hash, events[0].hash());
  EXPECT_EQ(m->head_hash, events[3].hash());
  EXPECT_EQ(m->filters, base.filters);
}

TEST(ExportWriterTest, EmptyExportHasEmptyHashes) {
  const std::string path = ::testing::TempDir() + "/empty.jsonl";
  auto writer = ExportWriter::Create(path, Base());
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Finish(1).ok());
  auto m = ReadManifestFile(ManifestPathFor(path));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->count, 0u);
  EXPECT_EQ(m->head_hash, "");
  EXPECT_EQ(Slurp(path), "");
}

TEST(ManifestTest, RoundTripAndRefusals) {
  ExportManifest m = Base();
  m.filters = {{"stream_id", "unit/371302-U0001"}};
  m.contiguous = false;
  m.first_sequence = 3;
  m.last_sequence = 7;
  m.count = 2;
  m.first_prev_hash = std::string(32, 'a');
  m.head_hash = std::string(32, 'b');
  m.created_at_us = 5;
  m.events_file = "x.jsonl";
  m.events_sha256 = std::string(32, 'c');
  const std::string text = FormatManifest(m);
  auto parsed = ParseManifest(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(FormatManifest(*parsed), text);

  struct Case {
    std::string from, to, reason;
  };
  for (const Case& c : std::vector<Case>{
           {"\"format_version\": 1", "\"format_version\": 2",
            "format_version 2 is not supported"},
           {"reporting-audit-export", "something-else", "format"},
           {"\"count\": 2", "\"count\": -2", "count is negative"},
           {"\"count\": 2", "\"count\": 2.5", "count is not a whole number"},
           {"\"contiguous\": false", "\"contiguous\": 0", "contiguous"},
           {"\"head_hash\"", "\"head_hsh\"", "field head_hash is missing"},
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

}  // namespace
}  // namespace reporting::audit
