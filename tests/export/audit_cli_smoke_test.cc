// `reportctl audit replay | verify | asof | keys` against a real county-node
// and city-aggregator: --json output parsed and checked against the recorded
// history (tests/export/fixture.h); tables on a non-terminal; exit codes.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/export/fixture.h"

namespace reporting::export_test {
namespace {

using google::protobuf::ListValue;
using google::protobuf::Struct;
using testing::HasSubstr;

RunResult Audit(std::vector<std::string> words) {
  words.insert(words.begin(), {ReportctlBin(), "audit"});
  words.push_back("--insecure");
  return RunCommand(words);
}

// The rows of a --json table.
std::vector<Struct> JsonRows(const RunResult& r) {
  ListValue list;
  auto s = google::protobuf::util::JsonStringToMessage(r.out, &list);
  EXPECT_TRUE(s.ok()) << s.ToString() << "\n" << r.out << r.err;
  std::vector<Struct> rows;
  for (const auto& v : list.values()) rows.push_back(v.struct_value());
  return rows;
}

std::string Str(const Struct& row, const std::string& key) {
  auto it = row.fields().find(key);
  if (it == row.fields().end()) return "<missing " + key + ">";
  if (it->second.has_number_value()) {
    return absl::StrCat(static_cast<int64_t>(it->second.number_value()));
  }
  return it->second.string_value();
}

TEST(AuditCliTest, ReplayJsonIsTheHistory) {
  const RunResult r = Audit(
      {"replay", "--target", AuditCluster::Get().county_address(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = JsonRows(r);
  ASSERT_EQ(rows.size(), kEvents);
  EXPECT_EQ(Str(rows[0], "sequence"), "1");
  EXPECT_EQ(Str(rows[0], "event_type"), "reporting.v1.NodeRegistered");
  EXPECT_EQ(Str(rows[0], "actor"), "test:driver");
  EXPECT_EQ(Str(rows[0], "command_id"), "register-node");
  EXPECT_EQ(Str(rows[2], "actor"), "clerk:branch");
  EXPECT_EQ(Str(rows[2], "command_id"), "branch-1");
  EXPECT_EQ(Str(rows[2], "stream"), "unit/371302-U1");  // a unit's branches
  EXPECT_EQ(Str(rows[2], "received_at"), "");           // a county has none
  EXPECT_THAT(Str(rows[2], "recorded_at"), testing::EndsWith("Z"));
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(Str(rows[i], "sequence"), absl::StrCat(i + 1));
  }
}

TEST(AuditCliTest, ReplayFiltersAndLimitAtTheCity) {
  RunResult r = Audit({"replay", "--target", AuditCluster::Get().city_address(),
                       "--node", kNode, "--actor", "clerk:branch", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rows = JsonRows(r);
  ASSERT_EQ(rows.size(), static_cast<size_t>(kUnits));
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(Str(rows[i], "sequence"), absl::StrCat(2 * i + 3));
    EXPECT_EQ(Str(rows[i], "event_type"), "reporting.v1.BranchRegistered");
    EXPECT_NE(Str(rows[i], "received_at"), "");  // the city's receive time
  }
  r = Audit({"replay", "--target", AuditCluster::Get().city_address(), "--node",
             kNode, "--from=10", "--limit=4", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rows = JsonRows(r);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(Str(rows[0], "sequence"), "10");
  EXPECT_EQ(Str(rows[3], "sequence"), "13");
  // CSV for spreadsheets, streamed like --json.
  r = Audit({"replay", "--target", AuditCluster::Get().county_address(),
             "--to=2", "--csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, testing::StartsWith(
                         "sequence,recorded_at,received_at,actor,command_id,"
                         "event_type,stream\r\n1,"));
  EXPECT_THAT(r.out,
              HasSubstr(",test:driver,unit-1,reporting.v1.UnitRegistered,"
                        "unit/371302-U1\r\n"));
  // A readable table when not asked for JSON.
  r = Audit({"replay", "--target", AuditCluster::Get().county_address(),
             "--unit", "371302-U2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("sequence  recorded_at"));
  EXPECT_THAT(r.out, HasSubstr("UnitRegistered"));
  EXPECT_THAT(r.out, HasSubstr("BranchRegistered"));
  EXPECT_THAT(r.out, HasSubstr("(2 events)"));
}

TEST(AuditCliTest, VerifyCountyCityAndAll) {
  RunResult r =
      Audit({"verify", "--target", AuditCluster::Get().county_address(),
             "--node", kNode, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto rows = JsonRows(r);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Str(rows[0], "node"), kNode);
  EXPECT_EQ(Str(rows[0], "ok"), "ok");
  EXPECT_EQ(Str(rows[0], "events_checked"), absl::StrCat(kEvents));
  EXPECT_EQ(Str(rows[0], "head_sequence"), absl::StrCat(kEvents));
  r = Audit({"verify", "--target", AuditCluster::Get().city_address(), "--all",
             "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  rows = JsonRows(r);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Str(rows[0], "node"), kNode);
  EXPECT_EQ(Str(rows[0], "ok"), "ok");

  r = Audit({"verify", "--county", AuditCluster::Get().county_address(),
             "--city", AuditCluster::Get().city_address(), "--node", kNode,
             "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  Struct result;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &result).ok())
      << r.out;
  EXPECT_TRUE(result.fields().at("consistent").bool_value());
  EXPECT_EQ(Str(result, "consistent_up_to"), absl::StrCat(kEvents));
  EXPECT_EQ(Str(result, "diverges_at"), "0");
  r = Audit({"verify", "--county", AuditCluster::Get().county_address(),
             "--city", AuditCluster::Get().city_address(), "--node", kNode});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("consistent up to ", kEvents)));
}

TEST(AuditCliTest, KeysNameTheSignersAndTheNodesSignedHeads) {
  RunResult r =
      Audit({"keys", "--target", AuditCluster::Get().city_address(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto rows = JsonRows(r);
  ASSERT_EQ(rows.size(), 2u) << r.out;
  EXPECT_EQ(Str(rows[0], "signer"), "city");
  EXPECT_EQ(Str(rows[0], "role"), "server");
  EXPECT_EQ(Str(rows[0], "key"), "1");
  EXPECT_EQ(Str(rows[0], "endorsed_by"), "itself");
  EXPECT_EQ(Str(rows[0], "public_key").size(), 64u);
  EXPECT_EQ(Str(rows[1], "signer"), kNode);
  EXPECT_EQ(Str(rows[1], "role"), "node");
  // The fixture waited until the city held the head signed at kEvents.
  EXPECT_EQ(Str(rows[1], "head_sequence"), absl::StrCat(kEvents));
  const std::string county_key = Str(rows[1], "public_key");
  // The county shows the same key as its own.
  r = Audit(
      {"keys", "--target", AuditCluster::Get().county_address(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  rows = JsonRows(r);
  ASSERT_EQ(rows.size(), 1u) << r.out;
  EXPECT_EQ(Str(rows[0], "signer"), kNode);
  EXPECT_EQ(Str(rows[0], "role"), "server");
  EXPECT_EQ(Str(rows[0], "public_key"), county_key);
}

TEST(AuditCliTest, AsOfSequenceAndTime) {
  // Up to sequence 10: the node and units 1..5 (at 2, 4, 6, 8, 10).
  RunResult r = Audit({"asof", "--target", AuditCluster::Get().county_address(),
                       "--node", kNode, "--sequence", "10", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::map<std::string, std::string> figures;
  for (const auto& row : JsonRows(r)) {
    figures[Str(row, "figure")] = Str(row, kNode);
  }
  EXPECT_EQ(figures["events_applied"], "10");
  EXPECT_EQ(figures["units.registered"], "5");
  EXPECT_EQ(figures[absl::StrCat("applied_to[", kNode, "]")], "10");
  // As the city knew it, now: everything.
  r = Audit({"asof", "--target", AuditCluster::Get().city_address(), "--at",
             "2999-01-01", "--axis", "received", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  figures.clear();
  for (const auto& row : JsonRows(r)) {
    figures[Str(row, "figure")] = Str(row, "city");
  }
  EXPECT_EQ(figures["units.registered"], absl::StrCat(kUnits));
  // Before anything was recorded: nothing.
  r = Audit({"asof", "--target", AuditCluster::Get().county_address(), "--node",
             kNode, "--at", "2001-01-01", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  figures.clear();
  for (const auto& row : JsonRows(r)) {
    figures[Str(row, "figure")] = Str(row, kNode);
  }
  EXPECT_EQ(figures["units.registered"], "0");
}

TEST(AuditCliTest, ExitCodes) {
  EXPECT_EQ(Audit({"replay"}).exit_code, 2);  // no --target
  EXPECT_EQ(Audit({"replay", "--target", "x", "--frm=3"}).exit_code, 2);
  EXPECT_EQ(Audit({"asof", "--target", "x"}).exit_code, 2);    // no cut
  EXPECT_EQ(Audit({"verify", "--target", "x"}).exit_code, 2);  // no node
  EXPECT_EQ(Audit({"nonsense"}).exit_code, 2);
  EXPECT_EQ(Audit({"replay", "--help"}).exit_code, 0);
  // A node the county does not hold is a failed call.
  const RunResult r =
      Audit({"verify", "--target", AuditCluster::Get().city_address(), "--node",
             "999999"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("reportctl: audit verify 999999: "));
}

}  // namespace
}  // namespace reporting::export_test
