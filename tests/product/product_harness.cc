#include "tests/product/product_harness.h"

#include <sys/wait.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/testutil/process.h"

namespace reporting::product_test {

ToolRun Reportctl(const std::vector<std::string>& args,
                  const std::string& work_dir, int timeout_ms) {
  static std::atomic<int> runs{0};
  const char* bin = std::getenv("REPORTCTL_BIN");
  if (bin == nullptr) throw std::runtime_error("REPORTCTL_BIN is not set");
  const std::string log =
      absl::StrCat(work_dir, "/reportctl-", runs.fetch_add(1), ".out");
  std::vector<std::string> argv = {bin};
  argv.insert(argv.end(), args.begin(), args.end());
  ToolRun run;
  {
    testutil::Process process(argv, log);
    const int status = process.Wait(timeout_ms);
    if (status != -1 && WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  }
  run.output = ReadFile(log);
  return run;
}

Cluster::Cluster(const testutil::TempDir& dir,
                 const std::vector<std::string>& nodes)
    : bin_(replication_test::Binaries::FromEnv()) {
  city_ = std::make_unique<replication_test::City>(
      bin_, dir.Sub("city"), std::vector<std::string>{"--insecure"});
  city_->Start();
  for (const std::string& node : nodes) {
    counties_.push_back(std::make_unique<replication_test::County>(
        bin_, node, dir.Sub(node), city_->address(),
        std::vector<std::string>{"--insecure"}));
    counties_.back()->Start();
  }
}

std::string Cluster::counties() const {
  std::vector<std::string> out;
  for (const auto& c : counties_) out.push_back(c->address());
  return absl::StrJoin(out, ",");
}

}  // namespace reporting::product_test
