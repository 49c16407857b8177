// AuditService through real TLS with the real binaries: only OU=auditor
// certificates are served (county and office certificates are refused with
// PERMISSION_DENIED naming both roles), on a county node (which now serves
// mutual TLS when given TLS flags; its writers need its own clerk certificate)
// and on the city. Then bitemporal audit end to end: a county records while the
// city is down and uploads later; as the city knew it (received-at) before the
// upload the events are absent, as it happened (recorded-at) they are
// there.
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "reporting/v1/audit.grpc.pb.h"
#include "reporting/v1/clerk.grpc.pb.h"
#include "reporting/v1/command.grpc.pb.h"
#include "tests/replication/harness.h"
#include "tests/testutil/temp_dir.h"

namespace reporting {
namespace {

using replication_test::Binaries;
using replication_test::City;
using replication_test::ClientTls;
using replication_test::County;
using replication_test::GenCerts;
using replication_test::SendUnit;
using replication_test::TlsArgs;

constexpr char kNode[] = "371302";

std::unique_ptr<v1::AuditService::Stub> Audit(const std::string& address,
                                              const std::string& certs,
                                              const std::string& cert) {
  return v1::AuditService::NewStub(
      grpc::CreateChannel(address, ClientTls(certs, cert)));
}

void Deadline(grpc::ClientContext& ctx) {
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
}

grpc::Status ListLogs(v1::AuditService::Stub& stub, v1::ListLogsResponse* out) {
  grpc::ClientContext ctx;
  Deadline(ctx);
  return stub.ListLogs(&ctx, v1::ListLogsRequest(), out);
}

// Waits until the city's copy of kNode holds `head` (the auditor asks).
bool WaitForCopy(v1::AuditService::Stub& city, uint64_t head) {
  const absl::Time until = absl::Now() + absl::Seconds(30);
  while (absl::Now() < until) {
    v1::ListLogsResponse logs;
    if (ListLogs(city, &logs).ok()) {
      for (const v1::LogInfo& l : logs.logs()) {
        if (l.node_id() == kNode && l.head_sequence() == head) return true;
      }
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  return false;
}

absl::StatusOr<uint64_t> Send(const std::string& address,
                              const std::string& certs, uint64_t n) {
  auto stub = v1::CommandService::NewStub(grpc::CreateChannel(
      address, ClientTls(certs, absl::StrCat("clerk-", kNode))));
  return SendUnit(*stub, kNode, n);
}

class AuditTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certs_ = dir_.Sub("certs");
    GenCerts(bin_, certs_);
    city_ =
        std::make_unique<City>(bin_, dir_.Sub("city"), TlsArgs(certs_, "city"));
    city_->Start();
    county_ =
        std::make_unique<County>(bin_, kNode, dir_.Sub(kNode), city_->address(),
                                 TlsArgs(certs_, absl::StrCat("node-", kNode)));
    county_->Start();
  }

  const Binaries bin_ = Binaries::FromEnv();
  testutil::TempDir dir_{"audit-tls"};
  std::string certs_;
  std::unique_ptr<City> city_;
  std::unique_ptr<County> county_;
};

TEST_F(AuditTlsTest, OnlyAuditorsAreServedOnBothBinaries) {
  // Writers reach the TLS county with the node's clerk certificate.
  for (uint64_t n = 0; n <= 3; ++n) {
    absl::StatusOr<uint64_t> seq = Send(county_->address(), certs_, n);
    ASSERT_TRUE(seq.ok()) << seq.status();
    EXPECT_EQ(*seq, n + 1);
  }
  auto city_auditor = Audit(city_->address(), certs_, "auditor");
  ASSERT_TRUE(WaitForCopy(*city_auditor, 4));

  for (const std::string& address : {county_->address(), city_->address()}) {
    SCOPED_TRACE(address);
    for (const std::string& cert :
         {absl::StrCat("node-", kNode), std::string("office")}) {
      auto stub = Audit(address, certs_, cert);
      v1::ListLogsResponse logs;
      grpc::Status s = ListLogs(*stub, &logs);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << cert << ": " << s.error_message();
      const std::string role =
          cert == "office" ? "OU=\"office\"" : "OU=\"node\"";
      EXPECT_NE(s.error_message().find(role), std::string::npos)
          << s.error_message();
      EXPECT_NE(s.error_message().find("OU=auditor"), std::string::npos)
          << s.error_message();
      // Streaming and the other calls are refused the same way.
      grpc::ClientContext ctx;
      Deadline(ctx);
      v1::ReplayRequest r;
      r.set_node_id(kNode);
      auto reader = stub->Replay(&ctx, r);
      v1::ReplayBatch b;
      EXPECT_FALSE(reader->Read(&b));
      EXPECT_EQ(reader->Finish().error_code(),
                grpc::StatusCode::PERMISSION_DENIED);
      grpc::ClientContext vctx;
      Deadline(vctx);
      v1::VerifyRequest vr;
      vr.set_node_id(kNode);
      v1::VerifyResponse vout;
      EXPECT_EQ(stub->Verify(&vctx, vr, &vout).error_code(),
                grpc::StatusCode::PERMISSION_DENIED);
    }
    // The auditor is served: the log, its replay and its verification.
    auto auditor = Audit(address, certs_, "auditor");
    v1::ListLogsResponse logs;
    grpc::Status s = ListLogs(*auditor, &logs);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(logs.logs_size(), 1);
    EXPECT_EQ(logs.logs(0).node_id(), kNode);
    EXPECT_EQ(logs.logs(0).head_sequence(), 4u);
    grpc::ClientContext ctx;
    Deadline(ctx);
    v1::ReplayRequest r;
    r.set_node_id(kNode);
    auto reader = auditor->Replay(&ctx, r);
    v1::ReplayBatch b;
    uint64_t events = 0;
    while (reader->Read(&b)) events += b.events_size();
    EXPECT_TRUE(reader->Finish().ok());
    EXPECT_EQ(events, 4u);
    grpc::ClientContext vctx;
    Deadline(vctx);
    v1::VerifyRequest vr;
    vr.set_node_id(kNode);
    v1::VerifyResponse vout;
    ASSERT_TRUE(auditor->Verify(&vctx, vr, &vout).ok());
    EXPECT_TRUE(vout.ok()) << vout.message();
    EXPECT_EQ(vout.events_checked(), 4u);
  }

  // On the TLS county, writers need OU=clerk: an office or auditor
  // certificate cannot record, and reading clerk state needs it too.
  for (const std::string cert : {"office", "auditor"}) {
    auto stub = v1::CommandService::NewStub(
        grpc::CreateChannel(county_->address(), ClientTls(certs_, cert)));
    absl::StatusOr<uint64_t> seq = SendUnit(*stub, kNode, 99);
    EXPECT_EQ(seq.status().code(), absl::StatusCode::kPermissionDenied)
        << cert << ": " << seq.status();
    auto clerk = v1::ClerkService::NewStub(
        grpc::CreateChannel(county_->address(), ClientTls(certs_, cert)));
    grpc::ClientContext ctx;
    Deadline(ctx);
    v1::GetUnitRequest gr;
    gr.set_unit_id(absl::StrCat(kNode, "-U1"));
    v1::UnitView view;
    EXPECT_EQ(clerk->GetUnit(&ctx, gr, &view).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << cert;
  }
  // Plaintext cannot reach a TLS county at all.
  auto plain = v1::CommandService::NewStub(grpc::CreateChannel(
      county_->address(), grpc::InsecureChannelCredentials()));
  EXPECT_FALSE(SendUnit(*plain, kNode, 98).ok());
  county_->Stop();
  city_->Stop();
}

TEST_F(AuditTlsTest, LateUploadIsLateOnTheReceivedAxis) {
  for (uint64_t n = 0; n <= 2; ++n)
    ASSERT_TRUE(Send(county_->address(), certs_, n).ok());
  auto city_auditor = Audit(city_->address(), certs_, "auditor");
  ASSERT_TRUE(WaitForCopy(*city_auditor, 3));

  // The link is down (the city is stopped): the county keeps recording.
  city_->Stop();
  const int64_t offline_from = absl::ToUnixMicros(absl::Now());
  for (uint64_t n = 3; n <= 6; ++n)
    ASSERT_TRUE(Send(county_->address(), certs_, n).ok());
  absl::SleepFor(absl::Milliseconds(1500));
  const int64_t before_upload = absl::ToUnixMicros(absl::Now());
  absl::SleepFor(absl::Milliseconds(100));
  city_->Start();  // same port: the county's replicator reconnects
  ASSERT_TRUE(WaitForCopy(*city_auditor, 7));

  auto as_of = [&](v1::TimeAxis axis) {
    grpc::ClientContext ctx;
    Deadline(ctx);
    v1::StateAsOfRequest r;
    r.set_node_id(kNode);
    r.set_as_of_us(before_upload);
    r.set_axis(axis);
    v1::StateAsOfResponse out;
    grpc::Status s = city_auditor->StateAsOf(&ctx, r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  };
  const v1::StateAsOfResponse known = as_of(v1::TIME_AXIS_RECEIVED);
  const v1::StateAsOfResponse happened = as_of(v1::TIME_AXIS_RECORDED);
  EXPECT_EQ(known.applied_to().at(kNode), 3u);
  EXPECT_EQ(known.figures().units().registered(), 2u);
  EXPECT_EQ(happened.applied_to().at(kNode), 7u);
  EXPECT_EQ(happened.figures().units().registered(), 6u);

  // Replay shows each late event's two times: recorded while offline,
  // received after the upload.
  grpc::ClientContext ctx;
  Deadline(ctx);
  v1::ReplayRequest r;
  r.set_node_id(kNode);
  r.set_from_sequence(4);
  auto reader = city_auditor->Replay(&ctx, r);
  v1::ReplayBatch b;
  int late = 0;
  while (reader->Read(&b)) {
    for (const v1::AuditedEvent& e : b.events()) {
      v1::EventEnvelope env;
      ASSERT_TRUE(env.ParseFromString(e.envelope()));
      EXPECT_GE(env.recorded_at_us(), offline_from);
      EXPECT_LT(env.recorded_at_us(), before_upload);
      EXPECT_GT(e.received_at_us(), before_upload);
      ++late;
    }
  }
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(late, 4);

  // The county itself has no received-at axis.
  auto county_auditor = Audit(county_->address(), certs_, "auditor");
  grpc::ClientContext cctx;
  Deadline(cctx);
  v1::StateAsOfRequest cr;
  cr.set_as_of_us(before_upload);
  cr.set_axis(v1::TIME_AXIS_RECEIVED);
  v1::StateAsOfResponse cout;
  EXPECT_EQ(county_auditor->StateAsOf(&cctx, cr, &cout).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  county_->Stop();
  city_->Stop();
}

}  // namespace
}  // namespace reporting
