// A strict parser of the Prometheus text exposition format (version 0.0.4),
// for tests that scrape /metrics: every line must be a "# HELP", "# TYPE",
// another comment, blank, or a sample `name{label="value",...} value
// [timestamp]`; every sample must belong to a family declared by a TYPE
// line before it (histogram samples by their _bucket/_sum/_count suffix).
// Anything else is an error naming the line.
#ifndef REPORTING_TESTS_OPS_PROM_TEXT_H_
#define REPORTING_TESTS_OPS_PROM_TEXT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace reporting::ops_test {

struct Sample {
  std::string name;  // as written, e.g. "reporting_append_seconds_bucket"
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Exposition {
  std::map<std::string, std::string> types;  // family -> counter, gauge, ...
  std::vector<Sample> samples;

  // Samples named `name` whose labels include every pair of `labels`.
  std::vector<Sample> Find(
      const std::string& name,
      const std::map<std::string, std::string>& labels = {}) const;
  // The value of the one such sample; -1 when there is none; aborts the
  // test when there are several (use Sum).
  double Value(const std::string& name,
               const std::map<std::string, std::string>& labels = {}) const;
  // The sum over every such sample (0 when none).
  double Sum(const std::string& name,
             const std::map<std::string, std::string>& labels = {}) const;
};

absl::StatusOr<Exposition> ParsePrometheusText(const std::string& text);

}  // namespace reporting::ops_test

#endif  // REPORTING_TESTS_OPS_PROM_TEXT_H_
