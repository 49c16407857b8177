#include "tests/export/export_helpers.h"

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reporting::export_test {

using testing::HasSubstr;
using testing::StartsWith;

std::string Export(const std::string& target, const std::string& name,
                   const std::vector<std::string>& extra) {
  const std::string out = AuditCluster::Get().Path(name);
  std::vector<std::string> argv = {
      ReportctlBin(), "audit", "export", "--target", target,
      "--node",       kNode,   "--out",  out,        "--insecure"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  RunResult r = RunCommand(argv);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("exported "));
  return out;
}

std::string County() { return AuditCluster::Get().county_address(); }
std::string City() { return AuditCluster::Get().city_address(); }

Verdicts VerifyBoth(const std::string& events,
                    const std::vector<std::string>& trusted) {
  std::vector<std::string> py = VerifierCommand();
  py.push_back(events);
  std::vector<std::string> cc = {ReportctlBin(), "audit", "verify-export",
                                 events};
  if (!trusted.empty()) {
    cc.push_back("--trusted_key=" + absl::StrJoin(trusted, ","));
  }
  for (const std::string& key : trusted) {
    py.push_back("--trusted-key");
    py.push_back(key);
  }
  Verdicts v{RunCommand(py), RunCommand(cc)};
  EXPECT_EQ(v.python.exit_code, v.cpp.exit_code)
      << "python: " << v.python.out << v.python.err << "\nc++: " << v.cpp.out
      << v.cpp.err;
  return v;
}

void ExpectBothPass(const std::string& events,
                    const std::vector<std::string>& trusted,
                    const std::string& summary) {
  const Verdicts v = VerifyBoth(events, trusted);
  EXPECT_EQ(v.python.exit_code, 0) << v.python.out << v.python.err;
  EXPECT_EQ(v.cpp.exit_code, 0) << v.cpp.out << v.cpp.err;
  EXPECT_THAT(v.python.out, StartsWith("OK: "));
  EXPECT_EQ(v.python.out, v.cpp.out);
  if (!summary.empty()) {
    EXPECT_THAT(v.python.out, HasSubstr(summary));
  }
}

void ExpectBothFail(const std::string& events, const std::string& reason,
                    const std::vector<std::string>& trusted) {
  const Verdicts v = VerifyBoth(events, trusted);
  for (const RunResult* r : {&v.python, &v.cpp}) {
    EXPECT_EQ(r->exit_code, 1) << r->out << r->err;
    EXPECT_THAT(r->out, StartsWith("FAIL: "));
    EXPECT_THAT(r->out, HasSubstr(reason)) << r->out;
  }
}

}  // namespace reporting::export_test
