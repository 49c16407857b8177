#include "services/reportctl/cli/table.h"

#include <sstream>

#include "gtest/gtest.h"

namespace reporting::reportctl {
namespace {

Table Sample() {
  Table t;
  t.columns = {"node", "name", "units"};
  t.numeric = {false, false, true};
  t.rows = {{"371302", "兰山区", "42"}, {"371311", "Luozhuang, \"east\"", "7"}};
  return t;
}

TEST(TableTest, AlignsWideCharactersAndRightAlignsNumbers) {
  std::ostringstream out;
  PrintTable(Sample(), OutputFormat::kTable, out);
  EXPECT_EQ(out.str(),
            "node    name               units\n"
            "------  -----------------  -----\n"
            "371302  兰山区                42\n"
            "371311  Luozhuang, \"east\"      7\n");
}

TEST(TableTest, JsonWritesNumbersAndEscapes) {
  std::ostringstream out;
  PrintTable(Sample(), OutputFormat::kJson, out);
  EXPECT_EQ(out.str(),
            "[\n  {\"node\": \"371302\", \"name\": \"兰山区\", \"units\": 42},"
            "\n  {\"node\": \"371311\", \"name\": \"Luozhuang, \\\"east\\\"\","
            " \"units\": 7}\n]\n");
}

TEST(TableTest, CsvQuotesWhatNeedsIt) {
  std::ostringstream out;
  PrintTable(Sample(), OutputFormat::kCsv, out);
  EXPECT_EQ(out.str(),
            "node,name,units\r\n371302,兰山区,42\r\n"
            "371311,\"Luozhuang, \"\"east\"\"\",7\r\n");
}

}  // namespace
}  // namespace reporting::reportctl
