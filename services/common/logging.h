// Logging set-up for the binaries: spdlog on stderr, human-readable lines by
// default
//   2026-11-27 14:30:01.123 I county-node: listening on 127.0.0.1:7100
// or one JSON object per line with format "json" (json_log.h):
//   {"time":"2026-11-27T14:30:01.123Z","level":"info","logger":"county-node",...}
// Call InitLogging once at the start of main, before other threads start.
#ifndef REPORTING_SERVICES_COMMON_LOGGING_H_
#define REPORTING_SERVICES_COMMON_LOGGING_H_

#include <string>

#include "absl/status/status.h"

namespace reporting::services {

// Installs a stderr logger named `program` as spdlog's default logger.
// `level` is one of spdlog's level names ("trace", "debug", "info", "warn",
// "error", "critical", "off"); an unknown name means "info".
// `format` is "text" (the default) or "json"; INVALID_ARGUMENT for anything
// else (the logger is then installed with text lines, so the caller can log
// the error).
absl::Status InitLogging(const std::string& program,
                         const std::string& level = "info",
                         const std::string& format = "text");

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_LOGGING_H_
