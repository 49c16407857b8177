#include "services/common/logging.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "services/common/json_log.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace reporting::services {

absl::Status InitLogging(const std::string& program, const std::string& level,
                         const std::string& format) {
  auto logger = spdlog::stderr_logger_mt(program);
  absl::Status status;
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonLogFormatter>());
  } else {
    // Level as one letter (I, W, E...), then the program, then the message.
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %L %n: %v");
    if (format != "text") {
      status = absl::InvalidArgumentError(absl::StrCat(
          "--log_format: \"", format, "\" is neither \"text\" nor \"json\""));
    }
  }
  spdlog::level::level_enum lvl = spdlog::level::from_str(level);
  // from_str maps unknown names to "off"; an operator who mistypes the
  // level should still see the log.
  if (lvl == spdlog::level::off && level != "off") lvl = spdlog::level::info;
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
  return status;
}

}  // namespace reporting::services
