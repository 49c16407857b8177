// tests/product: reportctl against real binaries on loopback. A city
// aggregator and a few county nodes (tests/replication/harness.h, plaintext
// with --insecure), and reportctl run as a child process whose output is
// read back.
//
// Thread-compatible.
#ifndef REPORTING_TESTS_PRODUCT_PRODUCT_HARNESS_H_
#define REPORTING_TESTS_PRODUCT_PRODUCT_HARNESS_H_

#include <memory>
#include <string>
#include <vector>

#include "tests/replication/harness.h"
#include "tests/testutil/files.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::product_test {

struct ToolRun {
  int exit_code = -1;  // -1: killed or timed out
  std::string output;  // stdout and stderr, interleaved
};

// Runs $REPORTCTL_BIN with `args`; waits up to timeout_ms.
ToolRun Reportctl(const std::vector<std::string>& args,
                  const std::string& work_dir, int timeout_ms = 120000);

using testutil::ReadFile;
using testutil::WriteFile;

// A city and counties, all started, replicating.
class Cluster {
 public:
  Cluster(const testutil::TempDir& dir, const std::vector<std::string>& nodes);

  std::string city() const { return city_->address(); }
  // The counties' addresses, comma-separated, in the order of `nodes`.
  std::string counties() const;
  std::string county(size_t i) const { return counties_[i]->address(); }

 private:
  replication_test::Binaries bin_;
  std::unique_ptr<replication_test::City> city_;
  std::vector<std::unique_ptr<replication_test::County>> counties_;
};

}  // namespace reporting::product_test

#endif  // REPORTING_TESTS_PRODUCT_PRODUCT_HARNESS_H_
