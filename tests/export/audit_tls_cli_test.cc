// `reportctl audit` over mutual TLS against a real county-node and
// city-aggregator: the auditor's certificate is served (and its export
// verifies); a county writer's or an office user's certificate is refused
// with PERMISSION_DENIED and exit code 1; missing TLS flags are a usage
// error.
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "reporting/v1/command.grpc.pb.h"
#include "tests/export/fixture.h"
#include "tests/replication/harness.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::export_test {
namespace {

using replication_test::Binaries;
using replication_test::City;
using replication_test::County;
using testing::HasSubstr;

class AuditTlsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certs_ = dir_.Sub("certs");
    replication_test::GenCerts(bin_, certs_);
    city_ = std::make_unique<City>(bin_, dir_.Sub("city"),
                                   replication_test::TlsArgs(certs_, "city"));
    city_->Start();
    const std::string node_cert = absl::StrCat("node-", kNode);
    county_ =
        std::make_unique<County>(bin_, kNode, dir_.Sub(kNode), city_->address(),
                                 replication_test::TlsArgs(certs_, node_cert));
    county_->Start();
    // A writer records with the node's clerk certificate.
    auto stub = v1::CommandService::NewStub(grpc::CreateChannel(
        county_->address(),
        replication_test::ClientTls(certs_, absl::StrCat("clerk-", kNode))));
    for (uint64_t n = 0; n < kRecorded; ++n) {
      auto seq = replication_test::SendUnit(*stub, kNode, n);
      ASSERT_TRUE(seq.ok()) << seq.status();
    }
  }

  // reportctl audit WORDS with certificate `cert` ("auditor", "office", ...).
  RunResult Audit(std::vector<std::string> words, const std::string& cert) {
    words.insert(words.begin(), {ReportctlBin(), "audit"});
    for (const std::string& flag :
         {absl::StrCat("--tls_cert=", certs_, "/", cert, ".crt"),
          absl::StrCat("--tls_key=", certs_, "/", cert, ".key"),
          absl::StrCat("--tls_ca=", certs_, "/ca.crt")}) {
      words.push_back(flag);
    }
    return RunCommand(words);
  }

  static constexpr uint64_t kRecorded = 6;
  const Binaries bin_ = Binaries::FromEnv();
  testutil::TempDir dir_{"audit-tls-cli"};
  std::string certs_;
  std::unique_ptr<City> city_;
  std::unique_ptr<County> county_;
};

TEST_F(AuditTlsCliTest, AuditorIsServedOthersAreRefused) {
  RunResult r = Audit(
      {"verify", "--target", county_->address(), "--node", kNode, "--json"},
      "auditor");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("\"head_sequence\": ", kRecorded)));

  // The city's copy, once it has caught up, exported with the auditor's
  // certificate, verifies.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    r = Audit({"verify", "--county", county_->address(), "--city",
               city_->address(), "--node", kNode},
              "auditor");
    if (r.exit_code == 0 &&
        r.out.find(absl::StrCat("consistent up to ", kRecorded)) !=
            std::string::npos) {
      break;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << r.out << r.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const std::string out = dir_.Sub("city.jsonl");
  r = Audit(
      {"export", "--target", city_->address(), "--node", kNode, "--out", out},
      "auditor");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> verify = VerifierCommand();
  verify.push_back(out);
  r = RunCommand(verify);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("OK: ", kRecorded, " events")));

  for (const std::string& address : {county_->address(), city_->address()}) {
    for (const std::string& cert :
         {absl::StrCat("node-", kNode), std::string("office")}) {
      SCOPED_TRACE(address + " " + cert);
      r = Audit({"replay", "--target", address, "--node", kNode}, cert);
      EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
      EXPECT_THAT(r.err, HasSubstr("PERMISSION_DENIED"));
      EXPECT_THAT(r.err, HasSubstr("OU=auditor"));
    }
  }
}

TEST_F(AuditTlsCliTest, TlsFlagsAreCheckedBeforeAnyCall) {
  // Neither certificates nor --insecure: a usage error, nothing is sent.
  RunResult r = RunCommand({ReportctlBin(), "audit", "verify", "--target",
                            county_->address(), "--node", kNode});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  // Plaintext against a TLS server: the call fails.
  r = RunCommand({ReportctlBin(), "audit", "verify", "--target",
                  county_->address(), "--node", kNode, "--insecure"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
}

}  // namespace
}  // namespace reporting::export_test
