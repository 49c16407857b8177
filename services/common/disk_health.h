// DiskHealth: whether the node can write, as storage sees it (a disk below
// its reserve, or a write that failed and is being recovered from;
// storage/README.md "Full disks"), reported in health, metrics and status
// (ARCHITECTURE.md decision 12: refuse what cannot be done, say so, keep
// serving the rest, resume by itself).
//
// Every `period` it reads the free space of the data directory and each
// log's WriteHealth() (which also lets a failed log start its recovery):
// - health: the `write_services` are NOT_SERVING while writes are refused
//   (and SERVING again once they are accepted); the server's overall status
//   ("") stays SERVING, since reads go on;
// - metrics (Gauges): reporting_disk_full, reporting_disk_free_bytes and
//   reporting_disk_reserve_bytes, labelled with the data directory;
// - status RPCs: Current().
// The reserve itself is --disk_reserve_mb (ApplyDiskReserveFlag, called in
// main before any database is opened).
//
// Thread safety: all methods may be called from any thread.
#ifndef REPORTING_SERVICES_COMMON_DISK_HEALTH_H_
#define REPORTING_SERVICES_COMMON_DISK_HEALTH_H_

#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "services/common/metrics.h"
#include "storage/event_log.h"

namespace reporting::services {

// Sets storage's process-wide reserve (storage/disk_space.h) from
// --disk_reserve_mb. Call before opening any database.
void ApplyDiskReserveFlag();

struct DiskHealthOptions {
  std::string data_dir;
  // gRPC services that write (e.g. "reporting.v1.CommandService").
  std::vector<std::string> write_services;
  absl::Duration period = absl::Seconds(1);
};

struct DiskState {
  // OK, or the refusal writers get: RESOURCE_EXHAUSTED for a full disk
  // (below the reserve, or a write ran out of space), UNAVAILABLE while a
  // store recovers from another failed write.
  absl::Status writes;
  uint64_t free_bytes = 0;  // of the data directory's disk
  uint64_t reserve_bytes = 0;

  bool disk_full() const { return absl::IsResourceExhausted(writes); }
};

class DiskHealth {
 public:
  // `logs`: the logs whose writes are watched, asked at every check (the
  // city's copies appear as nodes connect).
  DiskHealth(DiskHealthOptions options,
             std::function<std::vector<storage::EventLog*>()> logs);
  ~DiskHealth();  // Stop()
  DiskHealth(const DiskHealth&) = delete;
  DiskHealth& operator=(const DiskHealth&) = delete;

  // Checks once now (so a node starting on a full disk reports it at
  // once), then every period, setting `server`'s health (may be null).
  void Start(grpc::Server* server);
  // Ends the checks (before the server and the logs go).
  void Stop();

  DiskState Current() const;
  // The metrics above, at each scrape.
  GaugeFn Gauges() const;

 private:
  void CheckNow(grpc::Server* server);

  // Constant after construction.
  const DiskHealthOptions options_;
  const std::function<std::vector<storage::EventLog*>()> logs_;

  mutable absl::Mutex mu_;
  DiskState state_ ABSL_GUARDED_BY(mu_);
  bool reported_ ABSL_GUARDED_BY(mu_) = false;  // health set at least once
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // started and joined by the owner's thread
};

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_DISK_HEALTH_H_
