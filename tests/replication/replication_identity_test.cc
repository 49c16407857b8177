// Identity at the edge (ARCHITECTURE.md decision 7): with mutual TLS a node
// pushes only its own log. Another node's certificate, no certificate, a
// certificate of another CA, a non-node role and plaintext are refused; the
// binaries refuse to start without TLS flags unless --insecure is given.
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/replication/harness.h"
#include "tests/replication/push_client.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::replication_test {
namespace {

class IdentityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    bin_ = new Binaries(Binaries::FromEnv());
    dir_ = new testutil::TempDir("replication-identity");
    GenCerts(*bin_, dir_->Sub("certs"));
    GenCerts(*bin_, dir_->Sub("other-ca"));  // a second, unrelated CA
    city_ =
        new City(*bin_, dir_->Sub("city"), TlsArgs(dir_->Sub("certs"), "city"));
    city_->Start();
  }
  static void TearDownTestSuite() {
    city_->Stop();
    delete city_;
    delete dir_;
    delete bin_;
  }

  // Pushes a Hello for `node` with the given credentials; returns the
  // stream's status and whether a Cursor came back.
  static grpc::Status Push(std::shared_ptr<grpc::ChannelCredentials> creds,
                           const std::string& node, bool* got_cursor) {
    PushClient client(grpc::CreateChannel(city_->address(), creds));
    client.Hello(node);
    v1::PushResponse r;
    *got_cursor = client.Read(&r) && r.has_cursor();
    return client.Finish();
  }
  static std::string Certs() { return dir_->Sub("certs"); }

  static Binaries* bin_;
  static testutil::TempDir* dir_;
  static City* city_;
};

Binaries* IdentityTest::bin_ = nullptr;
testutil::TempDir* IdentityTest::dir_ = nullptr;
City* IdentityTest::city_ = nullptr;

TEST_F(IdentityTest, OwnCertificateIsAccepted) {
  bool cursor = false;
  grpc::Status s = Push(ClientTls(Certs(), "node-371302"), "371302", &cursor);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(cursor);
}

TEST_F(IdentityTest, AnotherNodesCertificateIsPermissionDenied) {
  bool cursor = false;
  grpc::Status s = Push(ClientTls(Certs(), "node-371311"), "371302", &cursor);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(s.error_message().find("371311"), std::string::npos)
      << s.error_message();
  EXPECT_FALSE(cursor);
}

TEST_F(IdentityTest, ClerkCertificateOfTheSameNodeIsPermissionDenied) {
  bool cursor = false;
  grpc::Status s = Push(ClientTls(Certs(), "clerk-371302"), "371302", &cursor);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << s.error_message();
  EXPECT_NE(s.error_message().find("needs OU=node"), std::string::npos)
      << s.error_message();
  EXPECT_FALSE(cursor);
}

TEST_F(IdentityTest, NonNodeRoleIsPermissionDenied) {
  bool cursor = false;
  grpc::Status s = Push(ClientTls(Certs(), "office"), "office", &cursor);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << s.error_message();
  EXPECT_FALSE(cursor);
}

TEST_F(IdentityTest, NoClientCertificateIsRefused) {
  bool cursor = false;
  grpc::Status s = Push(ClientTls(Certs(), ""), "371302", &cursor);
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(cursor);
  std::printf("no client certificate: %d %s\n", s.error_code(),
              s.error_message().c_str());
}

TEST_F(IdentityTest, CertificateOfAnotherCaIsRefused) {
  // Trusts the real CA for the server, but presents a client certificate
  // signed by another CA.
  grpc::SslCredentialsOptions o;
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  o.pem_root_certs = read(Certs() + "/ca.crt");
  o.pem_cert_chain = read(dir_->Sub("other-ca") + "/node-371302.crt");
  o.pem_private_key = read(dir_->Sub("other-ca") + "/node-371302.key");
  bool cursor = false;
  grpc::Status s = Push(grpc::SslCredentials(o), "371302", &cursor);
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(cursor);
  std::printf("certificate of another CA: %d %s\n", s.error_code(),
              s.error_message().c_str());
}

TEST_F(IdentityTest, PlaintextIsRefused) {
  bool cursor = false;
  grpc::Status s = Push(grpc::InsecureChannelCredentials(), "371302", &cursor);
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(cursor);
}

TEST_F(IdentityTest, BinariesRefuseToStartWithoutTransportSecurity) {
  testutil::Process city(
      {bin_->city, "--data_dir=" + dir_->Sub("city2"), "--listen=127.0.0.1:0"},
      dir_->Sub("city2.log"));
  int status = city.Wait(10000);
  ASSERT_NE(status, -1);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0);
  testutil::Process county(
      {bin_->county, "--node_id=371302", "--data_dir=" + dir_->Sub("county2"),
       "--listen=127.0.0.1:0", "--city=127.0.0.1:1"},
      dir_->Sub("county2.log"));
  status = county.Wait(10000);
  ASSERT_NE(status, -1);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0);
}

}  // namespace
}  // namespace reporting::replication_test
