// Metrics: the process's Prometheus registry, served as Prometheus text
// format on GET http://<listen>/metrics (prometheus-cpp's civetweb exposer).
// docs/OPERATIONS.md lists every metric family.
//
// Two kinds of metrics:
// - counters and histograms updated as things happen, created in
//   registry() (the gRPC interceptor, metrics_interceptor.h; the append
//   timer, metrics_event_log.h);
// - gauges computed when scraped, from a GaugeFn (replication lag,
//   projection lag, RocksDB sizes): nothing to keep up to date, and a
//   scrape always sees the current value.
//
// Usage in main:
//   services::Metrics metrics;
//   metrics.AddGauges([&] { return ...; });
//   if (!listen.empty()) RETURN_IF_ERROR(metrics.Serve(listen));
//
// Thread safety: AddGauges and Serve are called during start-up, before the
// first scrape; registry() is thread-safe (prometheus-cpp). GaugeFns run on
// the exposer's threads and must be thread-safe.
#ifndef REPORTING_SERVICES_COMMON_METRICS_H_
#define REPORTING_SERVICES_COMMON_METRICS_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "prometheus/registry.h"

namespace prometheus {
class Exposer;
}  // namespace prometheus

namespace reporting::services {

// One gauge sample; samples with the same name form one family (they must
// then have the same help text).
struct GaugeSample {
  std::string name;  // e.g. "reporting_replication_lag_events"
  std::string help;
  std::map<std::string, std::string> labels;
  double value = 0;
};
using GaugeFn = std::function<std::vector<GaugeSample>()>;

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  prometheus::Registry& registry() { return *registry_; }

  // Adds gauges computed at each scrape.
  void AddGauges(GaugeFn fn);

  // Starts serving /metrics on `listen` ("host:port"; port 0 picks a free
  // port). UNAVAILABLE naming the address when it cannot be bound.
  absl::Status Serve(const std::string& listen);
  // The bound port, 0 before Serve.
  int port() const { return port_; }

  // The current text exposition (what a scrape returns); for tests.
  std::string Render() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<std::shared_ptr<prometheus::Collectable>> gauges_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_METRICS_H_
