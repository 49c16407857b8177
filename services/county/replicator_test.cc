// Replicator against a real EventLog and a scripted, in-process fake city:
// divergence, resume and batch limits, waking on append, backoff, Stop.
#include "services/county/replicator.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "reporting/v1/replication.grpc.pb.h"
#include "storage/event_log.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::county {
namespace {

using PushStream = grpc::ServerReaderWriter<v1::PushResponse, v1::PushRequest>;

const char kNodeId[] = "371302";

// One message the fake city read: on which stream (1 for the first) and
// when.
struct Received {
  int stream = 0;
  absl::Time at;
  v1::PushRequest request;
};

class FakeCity;

// A Push stream as a script sees it; every message read is recorded.
class CityStream {
 public:
  CityStream(FakeCity* city, int index, PushStream* stream)
      : city_(city), index_(index), stream_(stream) {}
  bool Read(v1::PushRequest* request);
  bool Write(const v1::PushResponse& response) {
    return stream_->Write(response);
  }

 private:
  FakeCity* const city_;
  const int index_;
  PushStream* const stream_;
};

// What the fake city does with one stream; its status ends the stream.
using Script = std::function<grpc::Status(CityStream&)>;

// The city side of ReplicationService.Push on 127.0.0.1 (a free port),
// running `script` for every stream and recording everything it reads.
class FakeCity final : public v1::ReplicationService::Service {
 public:
  explicit FakeCity(Script script) : script_(std::move(script)) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~FakeCity() override {
    // Streams still open (a replicator not stopped) are cancelled.
    if (server_ != nullptr) {
      server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
    }
  }

  bool ok() const { return server_ != nullptr && port_ > 0; }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

  grpc::Status Push(grpc::ServerContext* /*context*/,
                    PushStream* stream) override {
    int index;
    {
      absl::MutexLock l(&mu_);
      index = ++streams_;
    }
    CityStream city_stream(this, index, stream);
    return script_(city_stream);
  }

  void Record(int stream, const v1::PushRequest& request) {
    absl::MutexLock l(&mu_);
    received_.push_back({stream, absl::Now(), request});
    cv_.SignalAll();
  }

  // Waits until `done(received)` holds; false if it still does not after
  // `timeout`.
  bool WaitUntil(const std::function<bool(const std::vector<Received>&)>& done,
                 absl::Duration timeout) const {
    const absl::Time deadline = absl::Now() + timeout;
    absl::MutexLock l(&mu_);
    while (!done(received_)) {
      if (cv_.WaitWithDeadline(&mu_, deadline)) return done(received_);
    }
    return true;
  }

  std::vector<Received> received() const {
    absl::MutexLock l(&mu_);
    return received_;
  }
  int streams() const {
    absl::MutexLock l(&mu_);
    return streams_;
  }

 private:
  const Script script_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  mutable absl::Mutex mu_;
  mutable absl::CondVar cv_;
  int streams_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<Received> received_ ABSL_GUARDED_BY(mu_);
};

bool CityStream::Read(v1::PushRequest* request) {
  if (!stream_->Read(request)) return false;
  city_->Record(index_, *request);
  return true;
}

v1::PushResponse CursorReply(const storage::Head& cursor) {
  v1::PushResponse r;
  r.mutable_cursor()->set_sequence(cursor.sequence);
  r.mutable_cursor()->set_hash(cursor.hash);
  return r;
}

v1::PushResponse AckReply(uint64_t sequence, const std::string& hash) {
  v1::PushResponse r;
  r.mutable_ack()->set_sequence(sequence);
  r.mutable_ack()->set_hash(hash);
  return r;
}

// A well-behaved city holding `cursor`: acknowledges every batch with its
// last event and every heartbeat with what it holds, until the county
// half-closes or the stream is cancelled.
Script AckEverything(storage::Head cursor) {
  return [cursor](CityStream& s) {
    v1::PushRequest request;
    if (!s.Read(&request)) return grpc::Status::OK;
    s.Write(CursorReply(cursor));
    storage::Head held = cursor;
    while (s.Read(&request)) {
      if (request.has_batch() && request.batch().events_size() > 0) {
        const v1::StoredEvent& last =
            request.batch().events(request.batch().events_size() - 1);
        held = {last.sequence(), last.hash()};
        s.Write(AckReply(held.sequence, held.hash));
      } else if (request.has_heartbeat()) {
        s.Write(AckReply(held.sequence, held.hash));
      }
    }
    return grpc::Status::OK;
  };
}

// A city that accepts the Hello, reads one more message (the first batch)
// and ends the stream with UNAVAILABLE without acknowledging anything.
Script FailAfterFirstBatch(storage::Head cursor) {
  return [cursor](CityStream& s) {
    v1::PushRequest request;
    if (s.Read(&request)) {
      s.Write(CursorReply(cursor));
      s.Read(&request);
    }
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "city refuses batches");
  };
}

// A city that ends every stream with UNAVAILABLE right after the Hello.
Script FailAtHello() {
  return [](CityStream& s) {
    v1::PushRequest request;
    s.Read(&request);
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "city is busy");
  };
}

std::vector<v1::EventBatch> Batches(const std::vector<Received>& received) {
  std::vector<v1::EventBatch> out;
  for (const Received& r : received) {
    if (r.request.has_batch()) out.push_back(r.request.batch());
  }
  return out;
}

std::vector<absl::Time> HelloTimes(const std::vector<Received>& received) {
  std::vector<absl::Time> out;
  for (const Received& r : received) {
    if (r.request.has_hello()) out.push_back(r.at);
  }
  return out;
}

bool CarriesEvent(const v1::PushRequest& request, uint64_t sequence) {
  if (!request.has_batch()) return false;
  for (const v1::StoredEvent& e : request.batch().events()) {
    if (e.sequence() == sequence) return true;
  }
  return false;
}

// True once the city has read a batch holding event `sequence`.
bool SentUpTo(const std::vector<Received>& received, uint64_t sequence) {
  for (const Received& r : received) {
    if (CarriesEvent(r.request, sequence)) return true;
  }
  return false;
}

// Polls `done` (cheap: a status read) until it holds or `timeout` passes.
bool Eventually(const std::function<bool()>& done, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

class ReplicatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::EventLogOptions options;
    options.node_id = kNodeId;
    auto log = storage::EventLog::Open(dir_.path(), std::move(options));
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
  }

  // Appends `n` UnitRegistered events, at most 500 per append.
  void AppendEvents(int n) {
    while (n > 0) {
      storage::AppendRequest request;
      request.command_id = absl::StrCat("cmd-", ++commands_);
      request.actor = "clerk:test@371302";
      for (int i = 0; i < n && i < 500; ++i) {
        v1::UnitRegistered unit;
        unit.set_unit_id(absl::StrCat(kNodeId, "-U", ++units_));
        unit.set_name("兰山区机关单位");
        unit.set_member_count(42);
        request.events.push_back({absl::StrCat("unit/", unit.unit_id()),
                                  events::TypeOf<v1::UnitRegistered>(),
                                  unit.SerializeAsString()});
      }
      n -= static_cast<int>(request.events.size());
      auto result = log_->Append(request);
      ASSERT_TRUE(result.ok()) << result.status();
    }
  }

  // The log's position at `sequence`, as a city holding it would answer.
  storage::Head HeadAt(uint64_t sequence) {
    if (sequence == 0) return {0, std::string(storage::kHashBytes, '\0')};
    auto e = log_->ReadOne(sequence);
    EXPECT_TRUE(e.ok()) << e.status();
    return {sequence, e.ok() ? e->hash : ""};
  }

  // Short backoffs, so that a redial the test must not see would come fast.
  ReplicatorOptions Options(const FakeCity& city) {
    ReplicatorOptions o;
    o.node_id = kNodeId;
    o.city = city.address();
    o.credentials = grpc::InsecureChannelCredentials();
    o.min_backoff = absl::Milliseconds(10);
    o.max_backoff = absl::Milliseconds(50);
    return o;
  }

  // The city answers Hello with `cursor`, which this log cannot continue:
  // the replicator must report it and stop for good.
  void ExpectDivergence(const storage::Head& cursor,
                        const std::string& county_hash,
                        const std::string& detail) {
    FakeCity city(AckEverything(cursor));
    ASSERT_TRUE(city.ok());
    Replicator replicator(log_.get(), Options(city));
    replicator.Start();
    ASSERT_TRUE(Eventually(
        [&] {
          return replicator.GetStatus().state == ReplicatorState::kDiverged;
        },
        absl::Seconds(10)))
        << "state " << ReplicatorStateName(replicator.GetStatus().state);
    EXPECT_NE(replicator.GetStatus().detail.find(detail), std::string::npos)
        << replicator.GetStatus().detail;

    // A redial would come within max_backoff (50 ms); give it 1 s.
    absl::SleepFor(absl::Seconds(1));
    EXPECT_EQ(city.streams(), 1);
    const std::vector<Received> received = city.received();
    ASSERT_EQ(received.size(), 2u);
    EXPECT_TRUE(received[0].request.has_hello());
    ASSERT_TRUE(received[1].request.has_divergence())
        << received[1].request.DebugString();
    const v1::Divergence& d = received[1].request.divergence();
    EXPECT_EQ(d.sequence(), cursor.sequence);
    EXPECT_EQ(d.county_hash(), county_hash);
    EXPECT_EQ(d.city_hash(), cursor.hash);
    EXPECT_FALSE(d.detail().empty());
    EXPECT_TRUE(Batches(received).empty());

    replicator.Stop();
    EXPECT_EQ(replicator.GetStatus().state, ReplicatorState::kDiverged);
  }

  // Streams events 701..2,500 once each, in contiguous batches within both
  // limits; `bytes_bind` picks which limit must end the batches.
  void ExpectResumeWithinLimits(bool bytes_bind) {
    AppendEvents(2500);
    FakeCity city(AckEverything(HeadAt(700)));
    ASSERT_TRUE(city.ok());
    ReplicatorOptions options = Options(city);
    options.max_batch_events = 300;
    options.max_batch_bytes = bytes_bind ? 20 * 1024 : 1 << 20;
    Replicator replicator(log_.get(), options);
    replicator.Start();
    ASSERT_TRUE(city.WaitUntil(
        [](const std::vector<Received>& r) { return SentUpTo(r, 2500); },
        absl::Seconds(60)))
        << "event 2500 did not reach the city within 60 s";
    replicator.Stop();

    const std::vector<Received> received = city.received();
    EXPECT_EQ(city.streams(), 1);
    const std::vector<v1::EventBatch> batches = Batches(received);
    ASSERT_FALSE(batches.empty());
    ASSERT_GT(batches[0].events_size(), 0);
    EXPECT_EQ(batches[0].events(0).sequence(), 701u);
    auto expected = log_->Read(701, {10000, 1 << 30});
    ASSERT_TRUE(expected.ok()) << expected.status();
    ASSERT_EQ(expected->size(), 1800u);

    uint64_t next = 701;
    for (size_t b = 0; b < batches.size(); ++b) {
      const v1::EventBatch& batch = batches[b];
      ASSERT_GT(batch.events_size(), 0) << "batch " << b;
      size_t bytes = 0;
      for (const v1::StoredEvent& e : batch.events()) {
        // Contiguous, each event exactly once, exact stored bytes.
        ASSERT_EQ(e.sequence(), next) << "batch " << b;
        const storage::StoredEvent& want = (*expected)[next - 701];
        EXPECT_EQ(e.envelope(), want.envelope) << "event " << next;
        EXPECT_EQ(e.hash(), want.hash) << "event " << next;
        bytes += e.envelope().size();
        ++next;
      }
      EXPECT_LE(static_cast<size_t>(batch.events_size()),
                options.max_batch_events)
          << "batch " << b;
      EXPECT_LE(bytes, options.max_batch_bytes) << "batch " << b;
      if (b + 1 == batches.size()) continue;
      // Every batch but the last is full by the limit that binds.
      if (bytes_bind) {
        EXPECT_LT(static_cast<size_t>(batch.events_size()),
                  options.max_batch_events)
            << "batch " << b;
        EXPECT_GT(bytes + (*expected)[next - 701].envelope.size(),
                  options.max_batch_bytes)
            << "batch " << b << " stops short of the byte limit";
      } else {
        EXPECT_EQ(static_cast<size_t>(batch.events_size()),
                  options.max_batch_events)
            << "batch " << b;
      }
    }
    EXPECT_EQ(next, 2501u) << "the last event sent is not 2500";
  }

  testutil::TempDir dir_{"replicator-test"};
  std::unique_ptr<storage::EventLog> log_;
  int commands_ = 0;
  int units_ = 0;
};

TEST_F(ReplicatorTest, CityHashDiffersAtCursorIsDivergence) {
  AppendEvents(10);
  const storage::Head ours = HeadAt(5);
  const storage::Head city{5, std::string(storage::kHashBytes, '\x5a')};
  ASSERT_NE(city.hash, ours.hash);
  ExpectDivergence(city, ours.hash, "at sequence 5");
}

TEST_F(ReplicatorTest, CityAheadOfThisLogIsDivergence) {
  AppendEvents(10);
  const storage::Head city{11, std::string(storage::kHashBytes, '\x5a')};
  // This log has no event 11, hence no hash of its own to report.
  ExpectDivergence(city, "", "the city holds 11 events");
}

TEST_F(ReplicatorTest, ResumesFromCursorInBatchesOfAtMostMaxEvents) {
  ExpectResumeWithinLimits(/*bytes_bind=*/false);
}

TEST_F(ReplicatorTest, ResumesFromCursorInBatchesOfAtMostMaxBytes) {
  ExpectResumeWithinLimits(/*bytes_bind=*/true);
}

TEST_F(ReplicatorTest, IdleReplicatorWakesOnAppendNotOnHeartbeat) {
  AppendEvents(5);
  FakeCity city(AckEverything(HeadAt(0)));
  ASSERT_TRUE(city.ok());
  ReplicatorOptions options = Options(city);
  // A loop that polls on the heartbeat interval would take a minute.
  options.heartbeat_interval = absl::Seconds(60);
  Replicator replicator(log_.get(), options);
  replicator.Start();
  ASSERT_TRUE(city.WaitUntil(
      [](const std::vector<Received>& r) { return SentUpTo(r, 5); },
      absl::Seconds(10)))
      << "the first 5 events did not reach the city within 10 s";
  // Caught up: let the replicator settle into its wait for appends.
  absl::SleepFor(absl::Milliseconds(300));

  AppendEvents(1);
  const absl::Time appended = absl::Now();
  const bool arrived = city.WaitUntil(
      [](const std::vector<Received>& r) { return SentUpTo(r, 6); },
      absl::Seconds(10));
  absl::Time arrived_at = absl::InfiniteFuture();
  for (const Received& r : city.received()) {
    if (CarriesEvent(r.request, 6)) arrived_at = r.at;
  }
  EXPECT_TRUE(arrived) << "an event appended to an idle log did not reach "
                          "the city within 10 s: the replicator does not "
                          "wake on append";
  EXPECT_LT(arrived_at - appended, absl::Seconds(2))
      << "the appended event took " << (arrived_at - appended);
  EXPECT_EQ(city.streams(), 1);
  replicator.Stop();
}

TEST_F(ReplicatorTest, BackoffGrowsWhileTheCityAcknowledgesNothing) {
  AppendEvents(10);
  FakeCity city(FailAfterFirstBatch(HeadAt(0)));
  ASSERT_TRUE(city.ok());
  ReplicatorOptions options = Options(city);
  options.min_backoff = absl::Milliseconds(50);
  options.max_backoff = absl::Milliseconds(400);
  // After its batch the replicator waits in WaitForAppend, which the city
  // ending the stream does not interrupt; a short heartbeat interval makes
  // it notice the end at once, so the gaps measure the backoff.
  options.heartbeat_interval = absl::Milliseconds(10);
  Replicator replicator(log_.get(), options);
  replicator.Start();
  constexpr int kHellos = 8;
  ASSERT_TRUE(city.WaitUntil(
      [](const std::vector<Received>& r) {
        return HelloTimes(r).size() >= kHellos;
      },
      absl::Seconds(30)))
      << "only " << HelloTimes(city.received()).size() << " dials within 30 s";
  replicator.Stop();

  const std::vector<Received> received = city.received();
  // Every stream was accepted (Cursor) and got its batch: the city refused
  // after answering, not before.
  for (int stream = 1; stream < kHellos; ++stream) {
    bool batch = false;
    for (const Received& r : received) {
      batch |= r.stream == stream && r.request.has_batch();
    }
    EXPECT_TRUE(batch) << "stream " << stream << " sent no batch";
  }
  // Gap i follows failed attempt i: a sleep in [cap/2, cap] with
  // cap = min(min_backoff * 2^i, max_backoff), plus the stream's own time.
  const std::vector<absl::Time> hellos = HelloTimes(received);
  for (int i = 0; i + 1 < kHellos; ++i) {
    const absl::Duration gap = hellos[i + 1] - hellos[i];
    const absl::Duration cap =
        std::min(options.min_backoff * (int64_t{1} << i), options.max_backoff);
    EXPECT_GE(gap, cap / 2) << "gap " << i << " is " << gap
                            << ": the backoff was reset although the city "
                               "acknowledged nothing";
    EXPECT_LE(gap, options.max_backoff + absl::Seconds(1))
        << "gap " << i << " is " << gap << ": the backoff is not capped";
  }
}

TEST_F(ReplicatorTest, StopReturnsPromptlyDuringBackoff) {
  FakeCity city(FailAtHello());
  ASSERT_TRUE(city.ok());
  ReplicatorOptions options = Options(city);
  options.min_backoff = absl::Seconds(60);
  options.max_backoff = absl::Seconds(60);
  Replicator replicator(log_.get(), options);
  replicator.Start();
  // The stream's failure is recorded just before the backoff sleep.
  ASSERT_TRUE(Eventually(
      [&] {
        const ReplicatorStatus s = replicator.GetStatus();
        return city.streams() == 1 && s.state == ReplicatorState::kConnecting &&
               !s.detail.empty();
      },
      absl::Seconds(10)))
      << "the first stream did not fail within 10 s";
  // The code by name, as the log line prints it (not gRPC's number, 14).
  EXPECT_EQ(replicator.GetStatus().detail, "UNAVAILABLE: city is busy");
  absl::SleepFor(absl::Milliseconds(200));  // into the 30-60 s sleep

  const absl::Time start = absl::Now();
  replicator.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_EQ(city.streams(), 1);
  EXPECT_EQ(replicator.GetStatus().state, ReplicatorState::kStopped);
}

TEST_F(ReplicatorTest, StopReturnsPromptlyWhileStreamingIdle) {
  AppendEvents(5);
  FakeCity city(AckEverything(HeadAt(0)));
  ASSERT_TRUE(city.ok());
  // Asleep in WaitForAppend for up to a minute: Stop wakes it.
  ReplicatorOptions options = Options(city);
  options.heartbeat_interval = absl::Seconds(60);
  Replicator replicator(log_.get(), options);
  replicator.Start();
  ASSERT_TRUE(city.WaitUntil(
      [](const std::vector<Received>& r) { return SentUpTo(r, 5); },
      absl::Seconds(10)))
      << "the events did not reach the city within 10 s";
  ASSERT_TRUE(Eventually(
      [&] {
        return replicator.GetStatus().state == ReplicatorState::kStreaming;
      },
      absl::Seconds(10)));
  absl::SleepFor(absl::Milliseconds(300));  // idle, waiting for appends

  const absl::Time start = absl::Now();
  replicator.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_EQ(replicator.GetStatus().state, ReplicatorState::kStopped);
}

TEST_F(ReplicatorTest, CityEndingAnIdleStreamIsNoticedAtOnce) {
  AppendEvents(5);
  // First stream: take the 5 events, let the replicator idle, then end the
  // stream (as a city shutting down does). Later streams: a normal city.
  std::atomic<int> streams{0};
  const Script normal = AckEverything(HeadAt(0));
  std::atomic<int64_t> ended_us{0};
  FakeCity city([&](CityStream& s) {
    if (++streams > 1) return normal(s);
    v1::PushRequest request;
    if (!s.Read(&request)) return grpc::Status::OK;
    s.Write(CursorReply(HeadAt(0)));
    while (s.Read(&request)) {
      if (!request.has_batch() || request.batch().events_size() == 0) continue;
      const v1::StoredEvent& last =
          request.batch().events(request.batch().events_size() - 1);
      s.Write(AckReply(last.sequence(), last.hash()));
      if (last.sequence() == 5) break;
    }
    absl::SleepFor(absl::Milliseconds(300));  // the county is idle now
    ended_us = absl::ToUnixMicros(absl::Now());
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "city shutting down");
  });
  ASSERT_TRUE(city.ok());
  ReplicatorOptions options = Options(city);
  // Without a wake-up the end would be seen at the next heartbeat only.
  options.heartbeat_interval = absl::Seconds(60);
  Replicator replicator(log_.get(), options);
  replicator.Start();
  ASSERT_TRUE(city.WaitUntil(
      [](const std::vector<Received>& r) { return HelloTimes(r).size() >= 2; },
      absl::Seconds(10)))
      << "the replicator did not redial within 10 s of the city ending its "
         "idle stream";
  const absl::Time redialled = HelloTimes(city.received())[1];
  EXPECT_LT(redialled - absl::FromUnixMicros(ended_us.load()),
            absl::Seconds(2));
  replicator.Stop();
}

// Signing: the key history goes in every Hello; the newest signed head
// goes once, with the first message whose events reach its sequence.
TEST_F(ReplicatorTest, SendsItsKeysInHelloAndEachSignedHeadOnceWithItsEvents) {
  AppendEvents(1200);  // two batches: 1..1000 and 1001..1200
  v1::KeyHistory keys;
  keys.add_keys()->set_signer(kNodeId);
  absl::Mutex mu;
  v1::SignedHead head;
  head.set_node_id(kNodeId);
  head.set_sequence(1100);
  head.set_signature("signature at 1100");
  FakeCity city(AckEverything(HeadAt(0)));
  ASSERT_TRUE(city.ok());
  ReplicatorOptions o = Options(city);
  o.heartbeat_interval = absl::Milliseconds(20);
  o.keys = [keys] { return keys; };
  o.signed_head = [&] {
    absl::MutexLock l(&mu);
    return head;
  };
  Replicator replicator(log_.get(), o);
  replicator.Start();
  auto count_signed = [](const std::vector<Received>& received,
                         const std::string& signature) {
    int n = 0;
    for (const Received& r : received) {
      if ((r.request.has_batch() &&
           r.request.batch().signed_head().signature() == signature) ||
          (r.request.has_heartbeat() &&
           r.request.heartbeat().signed_head().signature() == signature)) {
        ++n;
      }
    }
    return n;
  };
  ASSERT_TRUE(city.WaitUntil(
      [](const std::vector<Received>& r) { return SentUpTo(r, 1200); },
      absl::Seconds(10)));
  {
    absl::MutexLock l(&mu);
    head.set_sequence(1200);
    head.set_signature("signature at 1200");
  }
  ASSERT_TRUE(city.WaitUntil(
      [&](const std::vector<Received>& r) {
        return count_signed(r, "signature at 1200") > 0;
      },
      absl::Seconds(10)));
  absl::SleepFor(absl::Milliseconds(200));  // several more heartbeats
  replicator.Stop();

  const std::vector<Received> received = city.received();
  ASSERT_TRUE(received[0].request.has_hello());
  EXPECT_EQ(received[0].request.hello().keys().keys_size(), 1);
  const std::vector<v1::EventBatch> batches = Batches(received);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_FALSE(batches[0].has_signed_head());  // 1100 is not in 1..1000
  EXPECT_EQ(batches[1].signed_head().sequence(), 1100u);
  EXPECT_EQ(count_signed(received, "signature at 1100"), 1);
  EXPECT_EQ(count_signed(received, "signature at 1200"), 1);
}

}  // namespace
}  // namespace reporting::county
