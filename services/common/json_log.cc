#include "services/common/json_log.h"

#include <chrono>
#include <cstdint>
#include <ctime>

#include "absl/strings/str_format.h"
#include "services/common/json_text.h"

namespace reporting::services {

void JsonLogFormatter::format(const spdlog::details::log_msg& msg,
                              spdlog::memory_buf_t& dest) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const auto since_epoch = msg.time.time_since_epoch();
  const int64_t ms = duration_cast<milliseconds>(since_epoch).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  const spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);

  std::string line = absl::StrFormat(
      "{\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\",\"level\":\"",
      tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
      tm.tm_sec, static_cast<int>(ms % 1000));
  AppendJsonEscaped(absl::string_view(level.data(), level.size()), &line);
  line.append("\",\"logger\":\"");
  AppendJsonEscaped(
      absl::string_view(msg.logger_name.data(), msg.logger_name.size()), &line);
  absl::StrAppendFormat(&line, "\",\"thread\":%u,\"message\":\"",
                        static_cast<unsigned>(msg.thread_id));
  AppendJsonEscaped(absl::string_view(msg.payload.data(), msg.payload.size()),
                    &line);
  line.append("\"}\n");
  dest.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace reporting::services
