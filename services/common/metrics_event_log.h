// TimedEventLog: an EventLog that forwards every call to another one and
// measures appends (the county's commands append through it):
//   reporting_append_seconds{result}   histogram of EventLog::Append time,
//                                      result = ok | duplicate | refused
//                                      (refused: any error status)
//   reporting_appended_events_total    counter of events appended
// Plus LogGauges: scrape-time gauges of one log (head sequence, RocksDB
// sizes), for the county (and the city's copies, db label per node).
//
// Thread safety: as the wrapped log (all methods may be called
// concurrently). Lifetime: the wrapped log and the registry must outlive it.
#ifndef REPORTING_SERVICES_COMMON_METRICS_EVENT_LOG_H_
#define REPORTING_SERVICES_COMMON_METRICS_EVENT_LOG_H_

#include <chrono>
#include <string>
#include <vector>

#include "prometheus/counter.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "services/common/metrics.h"
#include "storage/disk_usage.h"
#include "storage/event_log.h"

namespace reporting::services {

class TimedEventLog : public storage::EventLog {
 public:
  TimedEventLog(storage::EventLog* log, prometheus::Registry& registry);

  absl::StatusOr<storage::AppendResult> Append(
      const storage::AppendRequest& request) override;
  // Timed from the call to the outcome; the wrapped log's own AppendAsync
  // (group commit: no thread waits for the sync), not EventLog's
  // blocking default.
  void AppendAsync(storage::AppendRequest request,
                   storage::AppendCallback done) override;

  // The rest forward unchanged.
  storage::Head GetHead() const override { return log_->GetHead(); }
  absl::StatusOr<std::vector<storage::StoredEvent>> Read(
      uint64_t from, storage::ReadLimits limits) const override {
    return log_->Read(from, limits);
  }
  absl::StatusOr<storage::StoredEvent> ReadOne(
      uint64_t sequence) const override {
    return log_->ReadOne(sequence);
  }
  absl::StatusOr<std::vector<storage::StoredEvent>> ReadStream(
      absl::string_view stream_id, uint64_t from_version,
      storage::ReadLimits limits) const override {
    return log_->ReadStream(stream_id, from_version, limits);
  }
  absl::StatusOr<uint64_t> StreamVersion(
      absl::string_view stream_id) const override {
    return log_->StreamVersion(stream_id);
  }
  absl::StatusOr<std::vector<storage::StoredEvent>> ReadByType(
      absl::string_view event_type, int64_t from_us, int64_t to_us,
      uint64_t after_sequence, storage::ReadLimits limits) const override {
    return log_->ReadByType(event_type, from_us, to_us, after_sequence, limits);
  }
  absl::StatusOr<storage::CommandRecord> FindCommand(
      absl::string_view command_id) const override {
    return log_->FindCommand(command_id);
  }
  storage::Head WaitForAppend(uint64_t after_sequence, absl::Duration timeout,
                              uint64_t wake_generation) const override {
    return log_->WaitForAppend(after_sequence, timeout, wake_generation);
  }
  uint64_t WakeGeneration() const override { return log_->WakeGeneration(); }
  void WakeWaiters() const override { log_->WakeWaiters(); }
  absl::StatusOr<storage::Head> AppendReplicated(
      const std::vector<storage::StoredEvent>& events,
      int64_t received_at_us) override {
    return log_->AppendReplicated(events, received_at_us);
  }
  absl::StatusOr<storage::Head> WriteReplicated(
      const std::vector<storage::StoredEvent>& events,
      int64_t received_at_us) override {
    return log_->WriteReplicated(events, received_at_us);
  }
  absl::Status AwaitDurable(uint64_t sequence) override {
    return log_->AwaitDurable(sequence);
  }
  absl::StatusOr<storage::Head> AppendRestored(
      const std::vector<storage::StoredEvent>& events) override {
    return log_->AppendRestored(events);
  }
  absl::StatusOr<int64_t> ReceivedAt(uint64_t sequence) const override {
    return log_->ReceivedAt(sequence);
  }
  absl::Status Verify(const storage::ProgressFn& progress) const override {
    return log_->Verify(progress);
  }
  absl::Status Checkpoint(const std::string& dir) const override {
    return log_->Checkpoint(dir);
  }
  absl::StatusOr<storage::DiskUsage> GetDiskUsage() const override {
    return log_->GetDiskUsage();
  }
  absl::Status WriteHealth() override { return log_->WriteHealth(); }
  absl::Status Close() override { return log_->Close(); }

 private:
  void Observe(std::chrono::steady_clock::time_point start,
               const absl::StatusOr<storage::AppendResult>& result);

  storage::EventLog* const log_;
  prometheus::Histogram& ok_;
  prometheus::Histogram& duplicate_;
  prometheus::Histogram& refused_;
  prometheus::Counter& events_;
};

// Gauges of one RocksDB database, labelled db=<db>:
//   reporting_rocksdb_sst_bytes, reporting_rocksdb_live_data_bytes,
//   reporting_rocksdb_wal_bytes, reporting_rocksdb_memtable_bytes
void AppendDiskUsage(const std::string& db, const storage::DiskUsage& usage,
                     std::vector<GaugeSample>* out);

// The gauges of a node's own log: reporting_log_head_sequence and its
// RocksDB sizes (db="event_log"). `log` must outlive the Metrics.
GaugeFn LogGauges(const storage::EventLog* log);

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_METRICS_EVENT_LOG_H_
