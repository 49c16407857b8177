// Logging set-up for the binaries: spdlog, human-readable lines on stderr
//   2026-11-27 14:30:01.123 I county-node: listening on 127.0.0.1:7100
// Call InitLogging once at the start of main, before other threads start.
#ifndef REPORTING_SERVICES_COMMON_LOGGING_H_
#define REPORTING_SERVICES_COMMON_LOGGING_H_

#include <string>

namespace reporting::services {

// Installs a stderr logger named `program` as spdlog's default logger.
// `level` is one of spdlog's level names ("trace", "debug", "info", "warn",
// "error", "critical", "off"); an unknown name means "info".
void InitLogging(const std::string& program, const std::string& level = "info");

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_LOGGING_H_
