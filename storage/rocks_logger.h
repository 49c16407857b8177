// SpdlogRocksLogger: RocksDB's info log, written through the project's
// logger (spdlog) instead of a LOG file in the data directory.
//
// Why: RocksDB's own LOG file is one more file on the data disk. When that
// disk fills, a failed LOG write leaves its writer in an error state, and
// Debian's librocksdb (built with assertions on) aborts the process on the
// next LOG line (WritableFileWriter::AssertFalseAndGetStatusForPrevError).
// spdlog writes to stderr (or wherever the binary sends its logs) and
// ignores a failed write, so a full data disk can no longer take the
// process down through its log.
//
// Levels: RocksDB's INFO (flushes, compactions, the options dump at open)
// is chatty, so it goes to spdlog's debug level; WARN, ERROR and FATAL go
// to warn, error and critical. Lines read
//   "rocksdb /var/lib/county/371302: [db/db_impl.cc:123] ...".
// Internal to storage/.
//
// Thread safety: RocksDB calls Logv from any of its threads; spdlog's
// default logger is thread-safe.
#ifndef REPORTING_STORAGE_ROCKS_LOGGER_H_
#define REPORTING_STORAGE_ROCKS_LOGGER_H_

#include <cstdarg>
#include <memory>
#include <string>

#include "rocksdb/env.h"

namespace reporting::storage {

class SpdlogRocksLogger : public rocksdb::Logger {
 public:
  // `dir`: the database's directory, named in every line.
  explicit SpdlogRocksLogger(std::string dir);

  void Logv(const char* format, va_list ap) override;
  void Logv(const rocksdb::InfoLogLevel level, const char* format,
            va_list ap) override;

 private:
  const std::string dir_;
};

// The info log for the database in `dir`. Its level follows spdlog's at
// the time of the call (RocksDB formats no INFO line nobody will see).
std::shared_ptr<rocksdb::Logger> NewRocksLogger(const std::string& dir);

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_ROCKS_LOGGER_H_
