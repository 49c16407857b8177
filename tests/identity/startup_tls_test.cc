// Plaintext only when asked (issue 20 point 8; ARCHITECTURE.md decision 7):
// both binaries refuse to start without the three TLS flags unless
// --insecure is given, refuse --insecure next to any TLS flag, and say on
// start what they serve, over which transport, and to whom.
#include <sys/wait.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/replication/harness.h"
#include "tests/testutil/files.h"
#include "tests/testutil/process.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::identity_test {
namespace {

using replication_test::Binaries;
using replication_test::TlsArgs;

class StartupTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    bin_ = new Binaries(Binaries::FromEnv());
    dir_ = new testutil::TempDir("identity-startup");
    replication_test::GenCerts(*bin_, dir_->Sub("certs"));
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete bin_;
  }

  // The binary's base arguments (its data dir and a free port).
  static std::vector<std::string> Base(bool city, const std::string& name) {
    if (city) {
      return {bin_->city, "--data_dir=" + dir_->Sub(name),
              absl::StrCat("--listen=127.0.0.1:", testutil::FreePort())};
    }
    return {bin_->county, "--node_id=371302", "--data_dir=" + dir_->Sub(name),
            absl::StrCat("--listen=127.0.0.1:", testutil::FreePort())};
  }

  // Runs argv to its exit; returns the exit code (-1: did not exit by
  // itself within 20 s) and the log in *log.
  static int Run(std::vector<std::string> argv, const std::string& name,
                 std::string* log) {
    const std::string path = dir_->Sub(name + ".log");
    testutil::Process p(std::move(argv), path);
    const int status = p.Wait(20000);
    *log = testutil::ReadFile(path);
    if (status == -1 || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
  }

  static std::vector<std::string> Tls(const std::string& cert) {
    return TlsArgs(dir_->Sub("certs"), cert);
  }

  static Binaries* bin_;
  static testutil::TempDir* dir_;
};

Binaries* StartupTest::bin_ = nullptr;
testutil::TempDir* StartupTest::dir_ = nullptr;

TEST_F(StartupTest, NoTransportFlagsIsRefusedByBoth) {
  for (bool city : {false, true}) {
    std::string log;
    const std::string name = city ? "city-none" : "county-none";
    EXPECT_EQ(Run(Base(city, name), name, &log), 2) << log;
    EXPECT_NE(log.find("refusing to start without transport security"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("--insecure"), std::string::npos) << log;
  }
}

TEST_F(StartupTest, InsecureWithTlsFlagsIsRefusedByBoth) {
  for (bool city : {false, true}) {
    for (const std::string& flag :
         Tls(city ? "city" : "node-371302")) {  // each TLS flag alone
      std::vector<std::string> argv = Base(city, "mixed");
      argv.push_back("--insecure");
      argv.push_back(flag);
      std::string log;
      EXPECT_EQ(Run(argv, "mixed", &log), 2) << flag << "\n" << log;
      EXPECT_NE(log.find("exclude each other"), std::string::npos) << log;
    }
  }
}

TEST_F(StartupTest, SomeTlsFlagsAreRefusedByBoth) {
  for (bool city : {false, true}) {
    std::vector<std::string> argv = Base(city, "partial");
    const std::vector<std::string> tls = Tls(city ? "city" : "node-371302");
    argv.push_back(tls[0]);  // --tls_cert only
    std::string log;
    EXPECT_EQ(Run(argv, "partial", &log), 2) << log;
  }
}

// --data_dir is the one node start-up's (services/common/node.h), with its
// check: both binaries refuse to start without it.
TEST_F(StartupTest, NoDataDirIsRefusedByBoth) {
  for (bool city : {false, true}) {
    std::vector<std::string> argv = Base(city, "no-data-dir");
    argv.erase(argv.begin() + (city ? 1 : 2));  // the --data_dir
    argv.push_back("--insecure");
    std::string log;
    EXPECT_EQ(Run(argv, "no-data-dir", &log), 2) << log;
    EXPECT_NE(log.find("--data_dir is required"), std::string::npos) << log;
  }
}

TEST_F(StartupTest, EachBinarySaysWhatItServesAndToWhom) {
  for (bool city : {false, true}) {
    const std::string name = city ? "city-tls" : "county-tls";
    std::vector<std::string> argv = Base(city, name);
    const int port = std::stoi(argv.back().substr(argv.back().rfind(':') + 1));
    for (const std::string& f : Tls(city ? "city" : "node-371302")) {
      argv.push_back(f);
    }
    const std::string path = dir_->Sub(name + ".log");
    testutil::Process p(argv, path);
    ASSERT_TRUE(testutil::WaitForPort(port, 20000)) << testutil::ReadFile(path);
    p.Signal(SIGTERM);
    ASSERT_NE(p.Wait(20000), -1);
    const std::string log = testutil::ReadFile(path);
    EXPECT_NE(log.find("over mutual TLS"), std::string::npos) << log;
    if (city) {
      EXPECT_NE(log.find("reporting.v1.ReplicationService/Push to OU=node"),
                std::string::npos)
          << log;
      EXPECT_NE(log.find("reporting.v1.QueryService to OU=office"),
                std::string::npos)
          << log;
    } else {
      EXPECT_NE(
          log.find("reporting.v1.CommandService to OU=clerk with CN=371302"),
          std::string::npos)
          << log;
    }
    EXPECT_NE(log.find("reporting.v1.AuditService to OU=auditor"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("reporting.v1.AdminService to OU=operator"),
              std::string::npos)
        << log;
  }
}

TEST_F(StartupTest, InsecureServesPlaintextAndSaysSo) {
  for (bool city : {false, true}) {
    const std::string name = city ? "city-plain" : "county-plain";
    std::vector<std::string> argv = Base(city, name);
    const int port = std::stoi(argv.back().substr(argv.back().rfind(':') + 1));
    argv.push_back("--insecure");
    const std::string path = dir_->Sub(name + ".log");
    testutil::Process p(argv, path);
    ASSERT_TRUE(testutil::WaitForPort(port, 20000)) << testutil::ReadFile(path);
    p.Signal(SIGTERM);
    ASSERT_NE(p.Wait(20000), -1);
    const std::string log = testutil::ReadFile(path);
    EXPECT_NE(log.find("PLAINTEXT (--insecure)"), std::string::npos) << log;
    EXPECT_NE(log.find("LOCAL DEVELOPMENT ONLY"), std::string::npos) << log;
  }
}

}  // namespace
}  // namespace reporting::identity_test
