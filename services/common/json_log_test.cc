#include "services/common/json_log.h"

#include <string>

#include "gtest/gtest.h"
#include "services/common/json_text.h"
#include "spdlog/details/log_msg.h"

namespace reporting::services {
namespace {

std::string Escaped(absl::string_view s) {
  std::string out;
  AppendJsonEscaped(s, &out);
  return out;
}

TEST(JsonLogTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(Escaped("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(Escaped("x\ny\tz\r"), "x\\ny\\tz\\r");
  EXPECT_EQ(Escaped(std::string("\x01\x1f\x7f", 3)), "\\u0001\\u001f\\u007f");
}

TEST(JsonLogTest, KeepsUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(Escaped("临沂 ok"), "临沂 ok");
  EXPECT_EQ(Escaped("\xff\xfe"), "\\ufffd\\ufffd");
  EXPECT_EQ(Escaped("\xe4\xb8"), "\\ufffd\\ufffd");  // truncated sequence
  EXPECT_EQ(Escaped("\xc0\xaf"), "\\ufffd\\ufffd");  // overlong '/'
  EXPECT_EQ(Escaped("\xed\xa0\x80"), "\\ufffd\\ufffd\\ufffd");  // surrogate
}

TEST(JsonLogTest, FormatsOneObjectPerLine) {
  spdlog::details::log_msg msg(spdlog::source_loc{}, "county-node",
                               spdlog::level::warn, "disk \"slow\"\nretry");
  msg.time = std::chrono::system_clock::time_point(
      std::chrono::milliseconds(1795789801123));  // 2026-11-27T14:30:01.123Z
  msg.thread_id = 42;
  JsonLogFormatter formatter;
  spdlog::memory_buf_t buf;
  formatter.format(msg, buf);
  EXPECT_EQ(std::string(buf.data(), buf.size()),
            "{\"time\":\"2026-11-27T14:30:01.123Z\",\"level\":\"warning\","
            "\"logger\":\"county-node\",\"thread\":42,"
            "\"message\":\"disk \\\"slow\\\"\\nretry\"}\n");
}

}  // namespace
}  // namespace reporting::services
