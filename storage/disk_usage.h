// DiskUsage: what one RocksDB database occupies, for metrics and operators.
// Reported by EventLog::GetDiskUsage and ReadModelStore::GetDiskUsage.
#ifndef REPORTING_STORAGE_DISK_USAGE_H_
#define REPORTING_STORAGE_DISK_USAGE_H_

#include <cstdint>

namespace reporting::storage {

struct DiskUsage {
  // Bytes of the SST files of every column family (all versions still
  // referenced; RocksDB's "rocksdb.total-sst-files-size").
  uint64_t sst_bytes = 0;
  // RocksDB's estimate of the live data in them ("estimate-live-data-size"):
  // sst_bytes minus what compaction will reclaim.
  uint64_t live_data_bytes = 0;
  // Bytes of the write-ahead log files that are still alive (not yet
  // archived or deleted).
  uint64_t wal_bytes = 0;
  // Bytes held in memtables (written, not yet flushed to SST).
  uint64_t memtable_bytes = 0;
};

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_DISK_USAGE_H_
