// JSON log lines for --log_format=json: one JSON object per line, for log
// shippers (journald, Loki, Elasticsearch) that parse fields instead of
// text:
//   {"time":"2026-11-27T14:30:01.123Z","level":"info","logger":"county-node",
//    "thread":4711,"message":"listening on 127.0.0.1:7100"}
// time is UTC (RFC 3339, milliseconds); level is spdlog's name (trace,
// debug, info, warning, error, critical); logger the program's name; the
// message is escaped (", \, control characters), and bytes that are not
// valid UTF-8 become U+FFFD, so every line is valid JSON.
//
// Thread safety: a formatter belongs to one sink; spdlog serializes calls.
#ifndef REPORTING_SERVICES_COMMON_JSON_LOG_H_
#define REPORTING_SERVICES_COMMON_JSON_LOG_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "spdlog/formatter.h"

namespace reporting::services {

class JsonLogFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg,
              spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_JSON_LOG_H_
