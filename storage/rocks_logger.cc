#include "storage/rocks_logger.h"

#include <cstdio>
#include <utility>

#include "spdlog/spdlog.h"

namespace reporting::storage {
namespace {

spdlog::level::level_enum SpdlogLevel(rocksdb::InfoLogLevel level) {
  switch (level) {
    case rocksdb::InfoLogLevel::DEBUG_LEVEL:
    case rocksdb::InfoLogLevel::HEADER_LEVEL:
      return spdlog::level::trace;
    case rocksdb::InfoLogLevel::INFO_LEVEL:
      return spdlog::level::debug;
    case rocksdb::InfoLogLevel::WARN_LEVEL:
      return spdlog::level::warn;
    case rocksdb::InfoLogLevel::ERROR_LEVEL:
      return spdlog::level::err;
    default:  // FATAL_LEVEL
      return spdlog::level::critical;
  }
}

}  // namespace

SpdlogRocksLogger::SpdlogRocksLogger(std::string dir) : dir_(std::move(dir)) {}

void SpdlogRocksLogger::Logv(const char* format, va_list ap) {
  Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
}

void SpdlogRocksLogger::Logv(const rocksdb::InfoLogLevel level,
                             const char* format, va_list ap) {
  if (level < GetInfoLogLevel()) return;
  const spdlog::level::level_enum to = SpdlogLevel(level);
  if (!spdlog::should_log(to)) return;
  char line[1024];
  const int n = std::vsnprintf(line, sizeof(line), format, ap);
  if (n < 0) return;
  spdlog::log(to, "rocksdb {}: {}", dir_, line);
}

std::shared_ptr<rocksdb::Logger> NewRocksLogger(const std::string& dir) {
  auto logger = std::make_shared<SpdlogRocksLogger>(dir);
  rocksdb::InfoLogLevel level = rocksdb::InfoLogLevel::WARN_LEVEL;
  if (spdlog::should_log(spdlog::level::debug)) {
    level = rocksdb::InfoLogLevel::INFO_LEVEL;
  }
  if (spdlog::should_log(spdlog::level::trace)) {
    level = rocksdb::InfoLogLevel::DEBUG_LEVEL;
  }
  logger->SetInfoLogLevel(level);
  return logger;
}

}  // namespace reporting::storage
