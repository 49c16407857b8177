// A county whose log was altered under a sequence the city already holds
// (rewritten while the county was stopped, re-chained so the county still
// opens it) is detected as divergence: the county stops replicating and
// says so, the city records it durably, reports DIVERGED (also after a
// restart) and keeps its copy exactly as it was.
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "reporting/v1/clerk.grpc.pb.h"
#include "reporting/v1/envelope.pb.h"
#include "storage/event_log.h"
#include "storage/event_log_testing.h"
#include "tests/replication/harness.h"
#include "tests/testutil/files.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::replication_test {
namespace {

absl::StatusOr<v1::NodeReplicationStatus> WaitFor(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& node,
    const std::function<bool(const v1::NodeReplicationStatus&)>& done) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  v1::NodeReplicationStatus last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto s = CityStatus(channel, node);
    if (s.ok() && s->nodes_size() == 1) {
      last = s->nodes(0);
      if (done(last)) return last;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("condition not reached; last status: ", last.DebugString()));
}

// How many times the county's log has reported divergence.
int StoppedCount(const std::string& path) {
  const std::string log = testutil::ReadFile(path);
  int found = 0;
  for (size_t at = log.find("REPLICATION STOPPED"); at != std::string::npos;
       at = log.find("REPLICATION STOPPED", at + 1)) {
    ++found;
  }
  return found;
}

// True once the county's log reports divergence at least `times` times.
bool WaitForLog(const std::string& path, int times) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (StoppedCount(path) >= times) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// The county's own view of its replication (ClerkService).
v1::ReplicationStatusView CountyView(const County& county) {
  auto stub = v1::ClerkService::NewStub(grpc::CreateChannel(
      county.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  v1::ReplicationStatusView view;
  const grpc::Status s = stub->GetReplicationStatus(
      &ctx, v1::GetReplicationStatusRequest(), &view);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return view;
}

// The county stopped for good: it says DIVERGED and, given time for several
// redials (its backoff starts at 100 ms), has not dialled again.
void ExpectStoppedForGood(const County& county, const std::string& log,
                          int times) {
  const v1::ReplicationStatusView view = CountyView(county);
  EXPECT_EQ(view.state(), "DIVERGED") << view.ShortDebugString();
  EXPECT_NE(view.detail().find("21"), std::string::npos) << view.detail();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(StoppedCount(log), times) << testutil::ReadFile(log);
}

TEST(ReplicationDivergenceTest, AlteredCountyLogIsDetectedAndNotIngested) {
  const Binaries bin = Binaries::FromEnv();
  testutil::TempDir dir("replication-divergence");
  const std::string node = "371302";
  City city(bin, dir.Sub("city"), {"--insecure"});
  city.Start();
  County county(bin, node, dir.Sub(node), city.address(), {"--insecure"});
  county.Start();
  auto city_channel =
      grpc::CreateChannel(city.address(), grpc::InsecureChannelCredentials());
  {
    auto stub = v1::CommandService::NewStub(grpc::CreateChannel(
        county.address(), grpc::InsecureChannelCredentials()));
    for (uint64_t n = 0; n <= 20; ++n) {
      ASSERT_TRUE(SendUnit(*stub, node, n).ok());
    }
  }
  auto held = WaitFor(city_channel, node,
                      [](const auto& s) { return s.last_sequence() == 21; });
  ASSERT_TRUE(held.ok()) << held.status();
  county.Stop();

  // Alter event 15 under the city's copy (it holds 1..21).
  ASSERT_TRUE(
      storage::testing::RewriteTail(county.data_dir(), 15, "clerk:someone-else")
          .ok());
  county.Start();
  {
    auto stub = v1::CommandService::NewStub(grpc::CreateChannel(
        county.address(), grpc::InsecureChannelCredentials()));
    for (uint64_t n = 21; n <= 25; ++n) {
      ASSERT_TRUE(SendUnit(*stub, node, n).ok());
    }
  }
  auto diverged = WaitFor(city_channel, node, [](const auto& s) {
    return s.state() == v1::REPLICATION_STATE_DIVERGED;
  });
  ASSERT_TRUE(diverged.ok()) << diverged.status();
  EXPECT_EQ(diverged->last_sequence(), 21u);
  EXPECT_EQ(diverged->last_hash(), held->last_hash());
  EXPECT_NE(diverged->detail().find("21"), std::string::npos)
      << diverged->detail();
  std::printf("city status: %s\n", diverged->ShortDebugString().c_str());

  // The county says so loudly and stops replicating (it keeps serving).
  const std::string county_log = county.data_dir() + ".log";
  ASSERT_TRUE(WaitForLog(county_log, 1)) << testutil::ReadFile(county_log);
  ExpectStoppedForGood(county, county_log, 1);
  county.Stop();

  // The record survives a restart of the city; the node stays refused, and
  // a restarted county is told so and stops again.
  city.Kill();
  city.Start();
  county.Start();
  ASSERT_TRUE(WaitForLog(county_log, 2)) << testutil::ReadFile(county_log);
  ExpectStoppedForGood(county, county_log, 2);
  auto after = WaitFor(city_channel, node, [](const auto& s) {
    return s.state() == v1::REPLICATION_STATE_DIVERGED;
  });
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->last_sequence(), 21u);
  EXPECT_EQ(after->last_hash(), held->last_hash());
  county.Stop();
  city.Stop();

  // Nothing was overwritten: the copy still holds the original 1..21,
  // which differ from the altered log from event 15 on.
  storage::EventLogOptions o;
  o.node_id = node;
  o.create_if_missing = false;
  o.sync = false;
  auto copy = storage::EventLog::Open(city.data_dir() + "/nodes/" + node, o);
  ASSERT_TRUE(copy.ok()) << copy.status();
  auto altered = storage::EventLog::Open(county.data_dir(), o);
  ASSERT_TRUE(altered.ok()) << altered.status();
  EXPECT_EQ((*copy)->GetHead().sequence, 21u);
  EXPECT_EQ((*altered)->GetHead().sequence, 26u);
  EXPECT_TRUE((*copy)->Verify().ok());
  for (uint64_t seq = 1; seq <= 21; ++seq) {
    auto a = (*copy)->ReadOne(seq);
    auto b = (*altered)->ReadOne(seq);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->hash == b->hash, seq < 15) << "sequence " << seq;
  }
}

}  // namespace
}  // namespace reporting::replication_test
