// End-to-end fixture for the audit export and CLI tests: a real
// city-aggregator and county-node (plaintext, loopback) started by the
// test, a small recorded history, and a way to run reportctl and the
// Python verifier and capture what they print.
//
//   AuditCluster& c = AuditCluster::Get();   // started once per test binary
//   RunResult r = RunCommand({ReportctlBin(), "audit", "export", ...});
//
// Binary paths come from the environment set by ctest (CMakeLists.txt):
// CITY_BIN, COUNTY_BIN, GEN_CERTS (tests/replication/harness.h),
// REPORTCTL_BIN, VERIFY_EXPORT (docs/verify_export.py) and PYTHON3.
#ifndef REPORTING_TESTS_EXPORT_FIXTURE_H_
#define REPORTING_TESTS_EXPORT_FIXTURE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/replication/harness.h"
#include "tests/testutil/files.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::export_test {

inline constexpr char kNode[] = "371302";

// The recorded history: sequence 1 NodeRegistered (actor "test:driver"),
// then for unit i = 1..kUnits: UnitRegistered at 2i (actor "test:driver"),
// BranchRegistered at 2i + 1 (actor "clerk:branch"). The city receives it in
// at least four writes (the fixture waits for the city at sequences 1, 11
// and 21), so a city export has at least four receipts; the county signs
// its head every 100 ms, and the fixture waits until the city holds the
// head signed at kEvents (the anchor of a whole export).
inline constexpr int kUnits = 15;
inline constexpr uint64_t kEvents = 1 + 2 * kUnits;

class AuditCluster {
 public:
  // Starts both binaries and records the history on first use; the city's
  // copy has caught up when it returns. Aborts the test binary on failure.
  // The processes are killed when the test binary exits.
  static AuditCluster& Get();

  std::string county_address() const { return county_->address(); }
  std::string city_address() const { return city_->address(); }
  // A fresh path in the fixture's temporary directory.
  std::string Path(const std::string& name) const { return dir_->Sub(name); }
  // The city's and the county's signing key directories.
  std::string city_keys() const { return dir_->Sub("city/signing"); }
  std::string county_keys() const { return dir_->Sub(kNode) + "/signing"; }

  // Stops the county, gives it its next signing key (`county-node
  // rotate-key`), starts it again and waits until the city has pinned the
  // new key and holds a head the county signed with it.
  void RotateCountyKey();

 private:
  AuditCluster();
  // Kills the children and aborts when !ok.
  void Check(bool ok, const std::string& what);
  // Waits until the city's copy holds `sequence`.
  void WaitForCity(uint64_t sequence);
  // Waits until the city holds a head signed by the county at `sequence`
  // with its key `key` (audit.proto Keys).
  void WaitForSignedHead(uint64_t sequence, uint32_t key);
  replication_test::Binaries bin_;
  std::unique_ptr<testutil::TempDir> dir_;
  std::unique_ptr<replication_test::City> city_;
  std::unique_ptr<replication_test::County> county_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs argv (no shell interpretation of the words) and waits for it.
RunResult RunCommand(const std::vector<std::string>& argv);

std::string ReportctlBin();
// {python3, docs/verify_export.py}
std::vector<std::string> VerifierCommand();

using testutil::ReadFile;
using testutil::WriteFile;

}  // namespace reporting::export_test

#endif  // REPORTING_TESTS_EXPORT_FIXTURE_H_
