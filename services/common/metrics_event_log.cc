#include "services/common/metrics_event_log.h"

#include <chrono>
#include <utility>

#include "prometheus/family.h"

namespace reporting::services {
namespace {

prometheus::Family<prometheus::Histogram>& AppendFamily(
    prometheus::Registry& registry) {
  return prometheus::BuildHistogram()
      .Name("reporting_append_seconds")
      .Help(
          "EventLog::Append time, from the call to the durable "
          "acknowledgement (WAL synced), by result")
      .Register(registry);
}

const prometheus::Histogram::BucketBoundaries& AppendBuckets() {
  // 100 us (no sync) .. 2 s (a stalled disk).
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025,  0.05,    0.1,    0.25,  0.5,    1,     2};
  return *buckets;
}

}  // namespace

TimedEventLog::TimedEventLog(storage::EventLog* log,
                             prometheus::Registry& registry)
    : log_(log),
      ok_(AppendFamily(registry).Add({{"result", "ok"}}, AppendBuckets())),
      duplicate_(AppendFamily(registry).Add({{"result", "duplicate"}},
                                            AppendBuckets())),
      refused_(
          AppendFamily(registry).Add({{"result", "refused"}}, AppendBuckets())),
      events_(prometheus::BuildCounter()
                  .Name("reporting_appended_events_total")
                  .Help("Events appended to this node's log by commands")
                  .Register(registry)
                  .Add({})) {}

absl::StatusOr<storage::AppendResult> TimedEventLog::Append(
    const storage::AppendRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<storage::AppendResult> result = log_->Append(request);
  Observe(start, result);
  return result;
}

void TimedEventLog::AppendAsync(storage::AppendRequest request,
                                storage::AppendCallback done) {
  const auto start = std::chrono::steady_clock::now();
  log_->AppendAsync(std::move(request),
                    [this, start, done = std::move(done)](
                        absl::StatusOr<storage::AppendResult> result) mutable {
                      Observe(start, result);
                      done(std::move(result));
                    });
}

void TimedEventLog::Observe(
    std::chrono::steady_clock::time_point start,
    const absl::StatusOr<storage::AppendResult>& result) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (!result.ok()) {
    refused_.Observe(seconds);
  } else if (result->duplicate) {
    duplicate_.Observe(seconds);
  } else {
    ok_.Observe(seconds);
    events_.Increment(static_cast<double>(result->last_sequence -
                                          result->first_sequence + 1));
  }
}

void AppendDiskUsage(const std::string& db, const storage::DiskUsage& usage,
                     std::vector<GaugeSample>* out) {
  out->push_back({"reporting_rocksdb_sst_bytes",
                  "Bytes of the database's SST files",
                  {{"db", db}},
                  static_cast<double>(usage.sst_bytes)});
  out->push_back({"reporting_rocksdb_live_data_bytes",
                  "RocksDB's estimate of the live data in the SST files",
                  {{"db", db}},
                  static_cast<double>(usage.live_data_bytes)});
  out->push_back({"reporting_rocksdb_wal_bytes",
                  "Bytes of the database's live write-ahead log files",
                  {{"db", db}},
                  static_cast<double>(usage.wal_bytes)});
  out->push_back({"reporting_rocksdb_memtable_bytes",
                  "Bytes in the database's memtables (not yet in SST files)",
                  {{"db", db}},
                  static_cast<double>(usage.memtable_bytes)});
}

GaugeFn LogGauges(const storage::EventLog* log) {
  return [log] {
    std::vector<GaugeSample> out;
    out.push_back({"reporting_log_head_sequence",
                   "Sequence of the last durable event of this node's log",
                   {},
                   static_cast<double>(log->GetHead().sequence)});
    if (auto usage = log->GetDiskUsage(); usage.ok()) {
      AppendDiskUsage("event_log", *usage, &out);
    }
    return out;
  };
}

}  // namespace reporting::services
