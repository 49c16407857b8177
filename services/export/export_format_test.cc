// Export lines: round trip, and every kind of edit refused with its line
// number. ReadExportFile: chain continuity between consecutive sequences.
#include "services/export/export_format.h"

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "openssl/sha.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"
#include "services/export/export_test_events.h"

namespace reporting::audit {
namespace {

using testing::HasSubstr;

TEST(ExportLineTest, RoundTripKeepsExactBytes) {
  const auto events = TestChain(3, /*received_at_us=*/1719792005000000);
  for (const auto& event : events) {
    auto line = FormatEventLine(event);
    ASSERT_TRUE(line.ok()) << line.status();
    EXPECT_EQ(line->find('\n'), std::string::npos);
    auto parsed = ParseEventLine(*line, 4);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->sequence, event.sequence());
    EXPECT_EQ(parsed->envelope, event.envelope());
    EXPECT_EQ(parsed->hash, event.hash());
    EXPECT_EQ(parsed->received_at_us, event.received_at_us());
    EXPECT_EQ(parsed->node_id, "371302");
  }
}

TEST(ExportLineTest, ReadableFieldsInDocumentedOrder) {
  const auto events = TestChain(1, 1719792005000000);
  auto line = FormatEventLine(events[0]);
  ASSERT_TRUE(line.ok());
  EXPECT_THAT(*line, HasSubstr("{\"node_id\":\"371302\",\"sequence\":1,"));
  EXPECT_THAT(*line,
              HasSubstr("\"recorded_at\":\"2024-07-01T00:00:00.000000Z\""));
  EXPECT_THAT(*line, HasSubstr("\"actor\":\"clerk:wang.li@371302\""));
  EXPECT_THAT(*line, HasSubstr("\"received_at_us\":1719792005000000"));
  EXPECT_THAT(*line, HasSubstr("\"prev_hash\":\"" + std::string(64, '0')));
  // The payload in protobuf's JSON mapping, proto field names.
  EXPECT_THAT(*line, HasSubstr("\"payload\":{\"unit_id\":\"371302-U0001\""));
}

TEST(ExportLineTest, CountyEventHasNoReceivedAt) {
  const auto events = TestChain(1, 0);
  auto line = FormatEventLine(events[0]);
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->find("received_at"), std::string::npos);
  auto parsed = ParseEventLine(*line, 1);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->received_at_us, 0);
}

TEST(ExportLineTest, UnknownTypeHasNullPayload) {
  auto events = TestChain(1, 0);
  v1::EventEnvelope e;
  ASSERT_TRUE(e.ParseFromString(events[0].envelope()));
  e.set_event_type("reporting.v9.FromTheFuture");
  Rehash(&events[0], e, std::string(32, '\0'));
  auto line = FormatEventLine(events[0]);
  ASSERT_TRUE(line.ok());
  EXPECT_THAT(*line, HasSubstr("\"payload\":null"));
  EXPECT_TRUE(ParseEventLine(*line, 1).ok());
}

TEST(ExportLineTest, FormatRefusesGarbage) {
  v1::AuditedEvent event;
  event.set_sequence(1);
  event.set_envelope("\xff\xff\xff");
  event.set_hash(std::string(32, 'h'));
  EXPECT_EQ(FormatEventLine(event).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto good = TestChain(1, 0)[0];
  good.set_hash("short");
  EXPECT_EQ(FormatEventLine(good).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Each edit of a good line, and the reason ParseEventLine must give.
struct Edit {
  std::string from, to, reason;
};

TEST(ExportLineTest, EditsAreRefusedNamingLineAndReason) {
  const auto events = TestChain(2, 1719792005000000);
  auto line = FormatEventLine(events[1]);
  ASSERT_TRUE(line.ok());
  v1::EventEnvelope envelope;
  ASSERT_TRUE(envelope.ParseFromString(events[1].envelope()));
  const std::string b64 = absl::Base64Escape(events[1].envelope());
  const std::string hash_hex = absl::BytesToHexString(events[1].hash());
  // A different envelope byte (base64 char in the middle changed).
  std::string b64_edit = b64;
  b64_edit[b64.size() / 2] = b64_edit[b64.size() / 2] == 'A' ? 'B' : 'A';
  const std::string prev_hex = absl::BytesToHexString(events[0].hash());
  std::string hash_edit = hash_hex;
  hash_edit[10] = hash_edit[10] == '0' ? '1' : '0';
  const std::vector<Edit> edits = {
      {"clerk:wang.li@371302", "clerk:wang.lj@371302", "actor"},
      {"\"sequence\":2", "\"sequence\":3", "sequence"},
      {"\"stream_version\":1", "\"stream_version\":2", "stream_version"},
      {"\"event_type\":\"reporting.v1.UnitRegistered\"",
       "\"event_type\":\"reporting.v1.UnitRegisterex\"", "event_type"},
      {"\"command_id\":\"cmd-2\"", "\"command_id\":\"cmd-3\"", "command_id"},
      {"T00:00:01.000000Z", "T00:00:02.000000Z", "recorded_at"},
      {"\"recorded_at_us\":1719792001000000",
       "\"recorded_at_us\":1719792001000001", "recorded_at_us"},
      {"\"received_at\":\"2024-07-01T00:00:05",
       "\"received_at\":\"2024-07-01T00:00:06", "received_at"},
      {b64, b64_edit, ""},
      {hash_hex, hash_edit, "hash is not SHA-256"},
      {"\"payload_b64\":\"", "\"payload_b64\":\"AA", "payload_b64"},
      {"\"actor\":", "\"actr\":", "field actor is missing"},
      {"{", "[", "not a JSON object"},
      {"\"prev_hash\":\"" + prev_hex, "\"prev_hash\":\"" + prev_hex.substr(1),
       "prev_hash"},
  };
  for (const Edit& edit : edits) {
    ASSERT_NE(line->find(edit.from), std::string::npos) << edit.from;
    const std::string edited =
        absl::StrReplaceAll(*line, {{edit.from, edit.to}});
    auto parsed = ParseEventLine(edited, 17);
    ASSERT_FALSE(parsed.ok()) << "edit accepted: " << edit.from;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(parsed.status().message()),
                HasSubstr("export line 17: "));
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(edit.reason))
        << edit.from;
  }
  EXPECT_THAT(std::string(ParseEventLine("", 3).status().message()),
              HasSubstr("export line 3: empty line"));
}

std::string WriteLines(const std::string& name,
                       const std::vector<v1::AuditedEvent>& events) {
  const std::string path =
      absl::StrCat(::testing::TempDir(), "/", name, ".jsonl");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (const auto& event : events) out << *FormatEventLine(event) << "\n";
  return path;
}

TEST(ReadExportFileTest, ReadsEveryEventInOrder) {
  const auto events = TestChain(5, 0);
  const std::string path = WriteLines("read_all", events);
  std::vector<uint64_t> seen;
  ASSERT_TRUE(ReadExportFile(path, [&](const ExportedEvent& e) {
                seen.push_back(e.sequence);
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
}

TEST(ReadExportFileTest, GapsAreAllowedButBrokenLinksAndDisorderAreNot) {
  auto events = TestChain(5, 0);
  // A filtered export: 1, 2, 4, 5 (each still hashes; no link across 3).
  std::vector<v1::AuditedEvent> filtered = {events[0], events[1], events[3],
                                            events[4]};
  EXPECT_TRUE(
      ReadExportFile(WriteLines("gap", filtered), [](const ExportedEvent&) {
        return absl::OkStatus();
      }).ok());
  // Event 2 re-made on another prev_hash: hashes on its own, breaks the link.
  v1::EventEnvelope e2;
  ASSERT_TRUE(e2.ParseFromString(events[1].envelope()));
  Rehash(&events[1], e2, std::string(32, 'x'));
  absl::Status s =
      ReadExportFile(WriteLines("broken", {events[0], events[1]}),
                     [](const ExportedEvent&) { return absl::OkStatus(); });
  EXPECT_THAT(
      std::string(s.message()),
      HasSubstr("export line 2: sequence 2 does not chain onto sequence 1"));
  s = ReadExportFile(WriteLines("disorder", {events[3], events[2]}),
                     [](const ExportedEvent&) { return absl::OkStatus(); });
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("export line 2: sequence 3 does not follow 4"));
}

TEST(ReadExportFileTest, CallbackErrorNamesLine) {
  const std::string path = WriteLines("callback", TestChain(3, 0));
  absl::Status s = ReadExportFile(path, [](const ExportedEvent& e) {
    return e.sequence == 2 ? absl::FailedPreconditionError("no room")
                           : absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "export line 2: no room");
  EXPECT_EQ(
      ReadExportFile("/nonexistent/x",
                     [](const ExportedEvent&) { return absl::OkStatus(); })
          .code(),
      absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace reporting::audit
