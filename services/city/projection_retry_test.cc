// A failed read-model write never skips (issue 21, point 5): the store's
// writes fail at random moments in the middle of live projection, and once
// for a long outage, while node logs keep growing; afterwards every row of
// the live store (state, listings, figures, checkpoints) equals a rebuild
// from scratch, the outage was reported by Health() while it lasted, and
// its errors were logged at a bounded rate.
#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "services/city/projection_runner.h"
#include "services/city/testing/node_logs.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"

namespace reporting::city {
namespace {

const std::vector<std::string> kNodes = {"371302", "371311", "371312"};

// Which writes fail: the next `fail_next` ones, and every one while `fail`.
struct Faults {
  std::atomic<int> fail_next{0};
  std::atomic<bool> fail{false};
  std::atomic<uint64_t> injected{0};

  bool Take() {
    if (fail.load()) return true;
    int n = fail_next.load();
    while (n > 0 && !fail_next.compare_exchange_weak(n, n - 1)) {
    }
    return n > 0;
  }
};

// A read-model store whose Apply fails as `faults` say, before anything is
// written (as RocksDB refuses a write on a full disk); the rest delegates.
class FaultyStore final : public storage::ReadModelStore {
 public:
  FaultyStore(std::unique_ptr<storage::ReadModelStore> inner, Faults* faults)
      : inner_(std::move(inner)), faults_(faults) {}

  absl::Status Apply(const WriteSet& writes) override {
    if (faults_->Take()) {
      faults_->injected.fetch_add(1);
      return absl::ResourceExhaustedError(
          "IO error: No space left on device (injected)");
    }
    return inner_->Apply(writes);
  }
  absl::Status BulkLoad(std::vector<Put>&& puts) override {
    return inner_->BulkLoad(std::move(puts));
  }
  absl::Status BulkLoadRuns(std::vector<std::vector<Put>>&& runs) override {
    return inner_->BulkLoadRuns(std::move(runs));
  }
  std::unique_ptr<View> NewView() const override { return inner_->NewView(); }
  absl::StatusOr<bool> Get(Family family, absl::string_view key,
                           std::string* value) const override {
    return inner_->Get(family, key, value);
  }
  absl::Status Scan(Family family, absl::string_view prefix,
                    absl::string_view start,
                    const Visitor& visit) const override {
    return inner_->Scan(family, prefix, start, visit);
  }
  absl::Status Checkpoint(const std::string& dir) const override {
    return inner_->Checkpoint(dir);
  }
  absl::StatusOr<storage::DiskUsage> GetDiskUsage() const override {
    return inner_->GetDiskUsage();
  }
  absl::Status Close() override { return inner_->Close(); }

 private:
  std::unique_ptr<storage::ReadModelStore> inner_;
  Faults* faults_;
};

// The default logger's lines, captured.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  int Count(absl::string_view text) {
    spdlog::default_logger()->flush();
    int n = 0;
    for (absl::string_view line : absl::StrSplit(out_.str(), '\n')) {
      if (absl::StrContains(line, text)) ++n;
    }
    return n;
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream out_;
};

bool WaitAllProjected(const ProjectionRunner& runner,
                      const fixtures::NodeLogs& logs) {
  for (const auto& [id, log] : logs.logs) {
    if (!runner.WaitProjected(id, log->GetHead().sequence, absl::Seconds(30))) {
      return false;
    }
  }
  return true;
}

TEST(ProjectionRunner, AFailedWriteIsRetriedAndNothingIsSkipped) {
  CapturedLog log;
  fixtures::NodeLogs logs(kNodes);
  logs.Grow(200);
  Faults faults;
  testutil::TempDir dir;
  RunnerOptions o;
  o.dir = dir.Sub("read_models");
  o.logs = [&] { return logs.Map(); };
  o.progress = [](const RebuildProgress&) {};
  o.open_store = [&faults](const std::string& d)
      -> absl::StatusOr<std::unique_ptr<storage::ReadModelStore>> {
    auto store = storage::ReadModelStore::Open(d);
    if (!store.ok()) return store.status();
    return std::unique_ptr<storage::ReadModelStore>(
        new FaultyStore(std::move(*store), &faults));
  };
  o.retry_initial = absl::Milliseconds(2);
  o.retry_max = absl::Milliseconds(20);
  o.log_interval = absl::Seconds(1);
  auto runner = ProjectionRunner::Open(o);
  ASSERT_TRUE(runner.ok()) << runner.status();
  (*runner)->Start();
  ASSERT_TRUE(WaitAllProjected(**runner, logs));

  // Short failures in the middle of live projection: the next few writes
  // fail, whichever passes they belong to, while the logs grow.
  const uint64_t seed = std::random_device{}();
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 25; ++round) {
    faults.fail_next.fetch_add(1 + static_cast<int>(rng() % 4));
    logs.Grow(40);
    (*runner)->Notify();
    absl::SleepFor(absl::Milliseconds(rng() % 30));
  }
  // Until every failure asked for has hit a write.
  for (int i = 0; i < 100 && faults.fail_next.load() > 0; ++i) {
    logs.Grow(2);
    (*runner)->Notify();
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(faults.fail_next.load(), 0);
  EXPECT_TRUE(WaitAllProjected(**runner, logs));
  const uint64_t short_faults = faults.injected.load();

  // A long outage (a full disk for 1.5 s) while events keep arriving:
  // reported while it lasts, logged at a bounded rate.
  const int lines_before = log.Count("projection pass failed");
  faults.fail.store(true);
  logs.Grow(100);
  (*runner)->Notify();
  const absl::Time until = absl::Now() + absl::Milliseconds(1500);
  bool reported = false;
  while (absl::Now() < until) {
    const ProjectionHealth h = (*runner)->Health();
    if (!h.write_error.empty()) {
      reported = absl::StrContains(h.write_error, "No space left") &&
                 h.write_failing_since_us > 0;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(reported) << "Health() did not report the failing writes";
  logs.Grow(50);
  faults.fail.store(false);
  (*runner)->Notify();
  EXPECT_TRUE(WaitAllProjected(**runner, logs));
  const uint64_t outage_faults = faults.injected.load() - short_faults;
  const int outage_lines = log.Count("projection pass failed") - lines_before;
  (*runner)->Stop();

  const ProjectionHealth h = (*runner)->Health();
  EXPECT_TRUE(h.write_error.empty()) << h.write_error;
  EXPECT_EQ(h.write_failing_since_us, 0);
  EXPECT_EQ(h.write_failures, faults.injected.load());
  // Retried every 2..20 ms for 1.5 s, logged once a second at most.
  EXPECT_GE(outage_faults, 30u);
  EXPECT_LE(outage_lines, 3) << outage_faults << " failures";

  auto store = (*runner)->Store();
  ASSERT_TRUE(store.ok());
  const fixtures::StoreDump live = fixtures::Dump(**store);
  const fixtures::StoreDump scratch =
      fixtures::FreshRebuild(logs.Map(), dir.Sub("fresh"));
  size_t missing_or_different = 0, extra = 0;
  for (const auto& [key, value] : scratch) {
    auto it = live.find(key);
    if (it == live.end() || it->second != value) ++missing_or_different;
  }
  for (const auto& [key, value] : live) extra += scratch.count(key) == 0;
  EXPECT_EQ(missing_or_different, 0u) << "of " << scratch.size() << " rows";
  EXPECT_EQ(extra, 0u);
  std::printf(
      "%llu write failures injected (%llu in a 1.5 s outage, logged in %d "
      "lines); %zu rows equal a rebuild from scratch\n",
      static_cast<unsigned long long>(faults.injected.load()),
      static_cast<unsigned long long>(outage_faults), outage_lines,
      scratch.size());
  EXPECT_GE(short_faults, 25u);
}

}  // namespace
}  // namespace reporting::city
