#include "services/common/metrics.h"

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "prometheus/collectable.h"
#include "prometheus/exposer.h"
#include "prometheus/metric_family.h"
#include "prometheus/text_serializer.h"

namespace reporting::services {
namespace {

// A GaugeFn as a prometheus Collectable: samples grouped into families in
// the order their names first appear.
class GaugeCollectable : public prometheus::Collectable {
 public:
  explicit GaugeCollectable(GaugeFn fn) : fn_(std::move(fn)) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> families;
    std::map<std::string, size_t> index;
    for (GaugeSample& sample : fn_()) {
      auto [it, added] = index.emplace(sample.name, families.size());
      if (added) {
        prometheus::MetricFamily& f = families.emplace_back();
        f.name = sample.name;
        f.help = std::move(sample.help);
        f.type = prometheus::MetricType::Gauge;
      }
      prometheus::ClientMetric& m = families[it->second].metric.emplace_back();
      for (const auto& [name, value] : sample.labels) {
        m.label.push_back({name, value});
      }
      m.gauge.value = sample.value;
    }
    return families;
  }

 private:
  const GaugeFn fn_;
};

}  // namespace

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {}

Metrics::~Metrics() = default;

void Metrics::AddGauges(GaugeFn fn) {
  gauges_.push_back(std::make_shared<GaugeCollectable>(std::move(fn)));
  if (exposer_ != nullptr) exposer_->RegisterCollectable(gauges_.back());
}

absl::Status Metrics::Serve(const std::string& listen) {
  try {
    // One thread: scrapes are rare and small.
    exposer_ = std::make_unique<prometheus::Exposer>(listen, 1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("metrics: cannot listen on ", listen, ": ", e.what()));
  }
  const std::vector<int> ports = exposer_->GetListeningPorts();
  if (ports.empty()) {
    exposer_.reset();
    return absl::UnavailableError(
        absl::StrCat("metrics: cannot listen on ", listen));
  }
  port_ = ports.front();
  exposer_->RegisterCollectable(registry_);
  for (const auto& g : gauges_) exposer_->RegisterCollectable(g);
  return absl::OkStatus();
}

std::string Metrics::Render() const {
  std::vector<prometheus::MetricFamily> all = registry_->Collect();
  for (const auto& g : gauges_) {
    for (auto& f : g->Collect()) all.push_back(std::move(f));
  }
  return prometheus::TextSerializer().Serialize(all);
}

}  // namespace reporting::services
