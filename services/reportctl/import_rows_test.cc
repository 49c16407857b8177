#include "services/reportctl/import_rows.h"

#include "gtest/gtest.h"
#include "reporting/v1/command.pb.h"
#include "services/reportctl/import_csv.h"

namespace reporting::reportctl {
namespace {

TEST(ImportCsv, QuotesLineBreaksBomAndLineNumbers) {
  absl::StatusOr<std::vector<CsvRecord>> r = ParseCsv(
      "\xEF\xBB\xBF"
      "a,b\r\n\r\n\"x, y\",\"two\nlines\"\n\"say \"\"hi\"\"\",\n");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].cells, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ((*r)[0].line, 1);
  EXPECT_EQ((*r)[1].cells, (std::vector<std::string>{"x, y", "two\nlines"}));
  EXPECT_EQ((*r)[1].line, 3);
  EXPECT_EQ((*r)[2].cells, (std::vector<std::string>{"say \"hi\"", ""}));
  EXPECT_EQ((*r)[2].line, 5);
  EXPECT_FALSE(ParseCsv("a,\"open\n").ok());
}

// A file saved as GBK (or any bytes that are not UTF-8) is refused as a
// whole, naming the first line and what to do; found by import_csv_fuzz
// (tests/fuzz/regressions/import_csv/): such cells used to become commands
// the node could not parse.
TEST(ImportCsv, RefusesTextThatIsNotUtf8) {
  // "合格" in GBK on line 2.
  absl::StatusOr<std::vector<CsvRecord>> gbk =
      ParseCsv("a,b\n1,\xBA\xCF\xB8\xF1\n");
  ASSERT_FALSE(gbk.ok());
  EXPECT_EQ(gbk.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(gbk.status().message().find("line 2: the file is not UTF-8"),
            std::string::npos)
      << gbk.status();
  EXPECT_NE(gbk.status().message().find("CSV UTF-8"), std::string::npos);
  // Overlong forms, surrogates, code points past U+10FFFF, a cut sequence.
  for (const char* bad : {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80",
                          "\xF4\x90\x80\x80", "\xE5\xAD"}) {
    EXPECT_FALSE(ParseCsv(std::string("x,") + bad + "\n").ok()) << bad;
  }
  // Every width of valid UTF-8 passes: é, 学, 𠀀 (U+20000), U+10FFFF.
  EXPECT_TRUE(
      ParseCsv("\xC3\xA9,\xE5\xAD\xA6,\xF0\xA0\x80\x80,\xF4\x8F\xBF\xBF\n")
          .ok());

  const ImportBatch batch = BuildImportBatch(
      ImportKind::kEvaluations, "gbk.csv",
      "member_id,rating\n371302-U0001-M0001,\xBA\xCF\n", "clerk:test", nullptr);
  ASSERT_EQ(batch.errors.size(), 1u);
  EXPECT_EQ(batch.errors[0].rfind("gbk.csv:2: the file is not UTF-8", 0), 0u)
      << batch.errors[0];
  EXPECT_EQ(batch.request.commands_size(), 0);
}

constexpr char kGood[] =
    "member_id,rating,shortcomings,self_review,peer_review,public_review,"
    "opinions_gathered,shown_on,signed_on\n"
    "371302-U0001-M0001,qualified,学习不够;联系群众不够,,,,,2026-05-10,"
    "2026-05-11\n"
    "371302-U0001-M0002,基本合格,作风不实,,,,,,\n";

TEST(ImportRows, EvaluationRowsBecomeCommandsWithFileDerivedIds) {
  ImportBatch a = BuildImportBatch(ImportKind::kEvaluations, "e.csv", kGood,
                                   "clerk:t", nullptr);
  ASSERT_TRUE(a.errors.empty()) << a.errors[0];
  EXPECT_EQ(a.rows, 2);
  ASSERT_EQ(a.request.commands_size(), 4);  // record+show+sign, record
  EXPECT_EQ(a.request.commands(0).method(), "RecordEvaluation");
  EXPECT_EQ(a.request.commands(2).method(), "SignEvaluation");
  EXPECT_EQ(a.request.commands(3).label(), "e.csv:3");
  v1::RecordEvaluationRequest record;
  ASSERT_TRUE(record.ParseFromString(a.request.commands(3).request()));
  EXPECT_EQ(record.body().rating(), v1::RATING_BASICALLY_QUALIFIED);
  ASSERT_TRUE(record.ParseFromString(a.request.commands(0).request()));
  EXPECT_EQ(record.body().shortcomings_size(), 2);
  EXPECT_EQ(record.meta().actor(), "clerk:t");
  EXPECT_EQ(record.meta().command_id().rfind("import:evaluations:", 0), 0u);

  ImportBatch again = BuildImportBatch(ImportKind::kEvaluations, "e.csv", kGood,
                                       "clerk:t", nullptr);
  EXPECT_EQ(again.request.batch_id(), a.request.batch_id());
  ImportBatch other =
      BuildImportBatch(ImportKind::kEvaluations, "e.csv",
                       std::string(kGood) + "\n", "clerk:t", nullptr);
  EXPECT_NE(other.request.batch_id(), a.request.batch_id());
}

TEST(ImportRows, BadCellsAreNamedByFileAndLine) {
  const std::string bad =
      "item_id,kind,description,class,measures,responsible_person,deadline\n"
      "371302-U0001-R001,conduct,窗口服务,immediate,限期整改,张三,2026-12-31\n"
      "371302-U0001-R002,nonsense,窗口服务,,,,\n"
      "371302-U0001-R003,conduct,,with_effort,措施,李四,2026-13-01\n";
  ImportBatch b = BuildImportBatch(ImportKind::kRectification, "r.csv", bad,
                                   "clerk:t", nullptr);
  ASSERT_EQ(b.errors.size(), 3u);
  EXPECT_EQ(b.errors[0].rfind("r.csv:3: kind: \"nonsense\"", 0), 0u)
      << b.errors[0];
  EXPECT_EQ(b.errors[1], "r.csv:4: description is required");
  EXPECT_EQ(b.errors[2].rfind("r.csv:4: deadline \"2026-13-01\"", 0), 0u)
      << b.errors[2];
}

TEST(ImportRows, HeaderMustHaveEveryColumnAndNoOther) {
  ImportBatch b = BuildImportBatch(ImportKind::kCensus, "c.csv",
                                   "unit_id,colour\nx,y\n", "clerk:t", nullptr);
  ASSERT_GE(b.errors.size(), 2u);
  EXPECT_EQ(b.errors[0].rfind("c.csv:1: unknown column \"colour\"", 0), 0u);
  EXPECT_EQ(b.errors[1].rfind("c.csv:1: column \"", 0), 0u) << b.errors[1];
}

TEST(ImportRows, CensusRow) {
  ImportBatch b = BuildImportBatch(
      ImportKind::kCensus, "c.csv",
      "unit_id,should_have_organisation_but_none,leadership_incomplete,"
      "condition,secretary_able_to_lead,floating_total,relation_transferred,"
      "temporary_relation,with_certificate,contactable,not_contactable,"
      "main_problems\n"
      "371302-U0002,否,yes,软弱涣散,是,3,1,1,2,2,1,P1=班子不齐;P2=制度不全\n",
      "clerk:t", nullptr);
  ASSERT_TRUE(b.errors.empty()) << b.errors[0];
  v1::ReportCensusRequest r;
  ASSERT_TRUE(r.ParseFromString(b.request.commands(0).request()));
  EXPECT_EQ(r.body().condition(), v1::ORGANISATION_CONDITION_WEAK_AND_LAX);
  EXPECT_TRUE(r.body().leadership_incomplete());
  EXPECT_EQ(r.body().floating().not_contactable(), 1u);
  ASSERT_EQ(r.body().main_problems_size(), 2);
  EXPECT_EQ(r.body().main_problems(1).description(), "制度不全");
}

}  // namespace
}  // namespace reporting::reportctl
