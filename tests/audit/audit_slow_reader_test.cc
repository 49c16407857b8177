// A client that reads slowly from a 1M-event replay keeps the server's
// memory bounded: the real county-node binary serves a 1,000,000-event log
// (built here with the storage API, sync off, 10,000-event appends); a
// client reads one ~1 MiB batch every 100 ms for 50 batches (about 5% of
// the log) and then stops reading for two seconds. The server's peak RSS
// (VmHWM in /proc/PID/status) may grow by at most kBoundMiB over its
// baseline (measured after a warm-up call), while the log holds several
// hundred MiB: the server reads ahead only what flow control lets through
// (services/audit/replay.h). Figures: services/audit/README.md.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "reporting/v1/audit.grpc.pb.h"
#include "reporting/v1/events.pb.h"
#include "storage/event_log.h"
#include "tests/testutil/process.h"
#include "tests/testutil/temp_dir.h"

namespace reporting {
namespace {

constexpr char kNode[] = "371302";
constexpr uint64_t kEvents = 1000000;
constexpr size_t kPerAppend = 10000;
// The stated bound: peak RSS over the baseline, in MiB.
constexpr long kBoundMiB = 32;

// A /proc/PID/status field in KiB (VmHWM: peak RSS; VmRSS: current).
long StatusKiB(pid_t pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::string v = line.substr(field.size() + 1);
      v = v.substr(0, v.find("kB"));
      long kib = 0;
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(v), &kib)) return kib;
    }
  }
  return -1;
}

// 1M events of one node: UnitRegistered / SatisfactionSurveyRecorded-like
// payloads of ~300 bytes with real text, 100 streams.
uint64_t BuildLog(const std::string& dir) {
  storage::EventLogOptions o;
  o.node_id = kNode;
  o.sync = false;
  auto log = storage::EventLog::Open(dir, o);
  EXPECT_TRUE(log.ok()) << log.status();
  storage::AppendRequest req;
  req.actor = "clerk:bulk@371302";
  uint64_t bytes = 0;
  for (uint64_t a = 0; a < kEvents / kPerAppend; ++a) {
    req.command_id = absl::StrCat("bulk-", a);
    req.events.clear();
    const std::string unit = absl::StrCat(kNode, "-U", 1000 + a % 100);
    for (size_t i = 0; i < kPerAppend; ++i) {
      v1::RemediationRecorded m;
      m.set_unit_id(unit);
      m.set_stage(v1::STAGE_ANALYSIS_EVALUATION);
      m.set_measures(absl::StrCat(
          "Remediation round ", a * kPerAppend + i,
          ": talks with every member who was dissatisfied, a second "
          "democratic-life meeting, corrections published on the notice "
          "board and in the community group, follow-up visits planned."));
      req.events.push_back({"unit/" + unit, "reporting.v1.RemediationRecorded",
                            m.SerializeAsString()});
      bytes += req.events.back().payload.size();
    }
    auto r = (*log)->Append(req);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) break;
  }
  EXPECT_EQ((*log)->GetHead().sequence, kEvents);
  EXPECT_TRUE((*log)->Close().ok());
  return bytes;
}

TEST(AuditSlowReaderTest, PeakRssStaysBoundedForASlowReader) {
  const char* county_bin = std::getenv("COUNTY_BIN");
  ASSERT_NE(county_bin, nullptr) << "run through ctest";
  testutil::TempDir dir("audit-slow-reader");
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t payload_bytes = BuildLog(dir.Sub("log"));
  std::printf(
      "built %llu events (%.0f MiB of payload) in %.1f s\n",
      static_cast<unsigned long long>(kEvents), payload_bytes / 1048576.0,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count());

  const int port = testutil::FreePort();
  const std::string address = absl::StrCat("127.0.0.1:", port);
  testutil::Process server(
      {county_bin, absl::StrCat("--node_id=", kNode),
       "--data_dir=" + dir.Sub("log"), "--listen=" + address, "--insecure"},
      dir.Sub("county.log"));
  ASSERT_TRUE(testutil::WaitForPort(port, 20000));
  auto stub = v1::AuditService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));

  // Warm-up: a short replay (threads, allocator arenas, block cache for
  // the first blocks), then the baseline.
  {
    grpc::ClientContext ctx;
    v1::ReplayRequest r;
    r.set_to_sequence(20000);
    auto reader = stub->Replay(&ctx, r);
    v1::ReplayBatch b;
    while (reader->Read(&b)) {
    }
    ASSERT_TRUE(reader->Finish().ok());
  }
  const long baseline = StatusKiB(server.pid(), "VmHWM");
  ASSERT_GT(baseline, 0);

  grpc::ClientContext ctx;
  v1::ReplayRequest r;
  r.set_from_sequence(20001);
  r.set_batch_size(10000);  // messages of ~1 MiB (the byte bound)
  auto reader = stub->Replay(&ctx, r);
  v1::ReplayBatch b;
  uint64_t received = 0, last = 0;
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(reader->Read(&b));
    received += b.events_size();
    last = b.scanned_to();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // not reading at all
  const long peak = StatusKiB(server.pid(), "VmHWM");
  const long rss = StatusKiB(server.pid(), "VmRSS");
  ctx.TryCancel();
  reader->Finish().IgnoreError();
  std::printf(
      "slow reader: %llu events received (to sequence %llu) of %llu; server "
      "VmHWM baseline %.1f MiB, peak %.1f MiB (+%.1f MiB; bound +%ld MiB), "
      "VmRSS now %.1f MiB; log payload %.0f MiB\n",
      static_cast<unsigned long long>(received),
      static_cast<unsigned long long>(last),
      static_cast<unsigned long long>(kEvents), baseline / 1024.0,
      peak / 1024.0, (peak - baseline) / 1024.0, kBoundMiB, rss / 1024.0,
      payload_bytes / 1048576.0);
  EXPECT_GE(received, 50u * 2000u);
  EXPECT_LT(last, kEvents / 2);  // the reader really was slow
  EXPECT_LE(peak - baseline, kBoundMiB * 1024)
      << "the server buffered ahead of a slow reader";
  // The bound means something: the log is far larger than it.
  EXPECT_GT(payload_bytes, 6u * kBoundMiB * 1048576u);

  server.Signal(SIGTERM);
  EXPECT_NE(server.Wait(20000), -1);
}

}  // namespace
}  // namespace reporting
