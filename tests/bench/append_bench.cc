// append_bench: EventLog::Append against a bare RocksDB WriteBatch loop that
// writes the same keys and values to the same column families with the same
// sync setting (the baseline is what the log costs at the very least).
//
//   append_bench [--quick] [--rounds=N] [--dir=PATH] [--only=SUBSTRING]
//                [--verbose]
//
// For every scenario, system and baseline alternate for N rounds (default
// 7), each round on fresh databases; the medians are reported, one line per
// result. In the batch scenarios they alternate append by append within a
// round (each timed on its own), so both see the same load of a shared
// machine; the concurrent scenarios alternate whole runs.
//
//   bench: NAME system=X/s baseline=Y/s ratio=R      (events per second)
//
// Scenarios: batches of 1, 100 and 1000 events per append with sync on and
// off; then 1, 8 and 64 concurrent appenders of single events with sync on
// (baseline: the same number of threads each doing Write(sync=true)), and
// the 64-vs-1 scaling of the log itself. Then index_cost_PART_batchN: the
// bare append without one index put (system) against the bare append with
// every put (baseline), unsynced, and the microseconds per event the put
// costs. Then lazy_type_index_batchN: EventLog::Append as it is (type_index
// written lazily, by the first ReadByType) against EventLog::Append
// writing type_index with the events as before (the old code path,
// storage::testing::EagerTypeIndexForTesting), unsynced, interleaved append
// by append, and the microseconds per event saved. --quick runs tiny
// sizes for ctest.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "proto/event_types.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"
#include "spdlog/spdlog.h"
#include "storage/bare_append.h"
#include "storage/envelope.h"
#include "storage/event_log.h"
#include "storage/event_log_testing.h"
#include "storage/hash_chain.h"
#include "storage/keys.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

using Clock = std::chrono::steady_clock;

struct Config {
  bool quick = false;
  int rounds = 7;
  std::string dir;       // empty: a temp dir
  std::string only;      // run only scenarios whose name contains this
  bool verbose = false;  // every round's figures to stderr
};

const std::string& Payload() {
  static const std::string* p = [] {
    v1::UnitRegistered u;
    u.set_unit_id("371302-U0042");
    u.set_name("兰山区人民政府办公室机关党委");
    u.set_batch(v1::BATCH_FIRST);
    u.set_member_count(42);
    u.set_category("机关");
    return new std::string(u.SerializeAsString());
  }();
  return *p;
}

std::string StreamOf(uint64_t i) {
  return absl::StrCat("unit/371302-U", i % 1000);
}

// The stored value of an event like the log's: same fields and sizes, and
// like the log's, a fresh event id, prev_hash and hash per event (random
// bytes do not compress; one repeated value would make the baseline's
// table files smaller than the log's and its disk less busy).
std::string EventValueLike(uint64_t i, const std::string& prev_hash) {
  v1::EventEnvelope env;
  env.set_node_id("371302");
  env.set_sequence(123456 + i);
  env.set_stream_id(StreamOf(i));
  env.set_stream_version(17);
  env.set_event_id(NewEventId());
  env.set_event_type(events::TypeOf<v1::UnitRegistered>());
  env.set_recorded_at_us(1700000000000000);
  env.set_actor("bench:append");
  env.set_command_id("bench-0-0000000");
  env.set_payload(Payload());
  env.set_prev_hash(prev_hash);
  env.ByteSizeLong();
  const std::string envelope = SerializeEnvelope(env);
  return keys::EventValue(ChainHash(prev_hash, envelope), envelope);
}

// ---------------------------------------------------------------- system --

std::unique_ptr<EventLog> OpenLog(const std::string& dir, bool sync) {
  EventLogOptions o;
  o.node_id = "371302";
  o.sync = sync;
  auto log = EventLog::Open(dir, std::move(o));
  if (!log.ok()) {
    std::fprintf(stderr, "append_bench: %s\n", log.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*log);
}

void MustAppend(EventLog* log, const AppendRequest& r) {
  auto result = log->Append(r);
  if (!result.ok()) {
    std::fprintf(stderr, "append_bench: %s\n",
                 result.status().ToString().c_str());
    std::exit(1);
  }
}

// The request digest every append carries (the county sends the SHA-256
// of each request; the log stores it with the command id). Prepared once:
// computing it is the caller's cost, not the log's.
const std::string& Digest() {
  static const std::string* d =
      new std::string(ChainHash(ZeroHash(), "append_bench request"));
  return *d;
}

AppendRequest MakeRequest(int thread, uint64_t i, size_t batch) {
  AppendRequest r;
  r.command_id = absl::StrCat("bench-", thread, "-", i);
  r.actor = "bench:append";
  r.request_digest = Digest();
  for (size_t e = 0; e < batch; ++e) {
    r.events.push_back(NewEvent{StreamOf(i * batch + e + thread * 7919),
                                events::TypeOf<v1::UnitRegistered>(),
                                Payload()});
  }
  return r;
}

// Events per second of `threads` appenders of single events for `seconds`.
double SystemConcurrent(const std::string& dir, int threads, double seconds) {
  std::unique_ptr<EventLog> log = OpenLog(dir, true);
  std::atomic<uint64_t> total{0};
  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(seconds));
  const auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      uint64_t n = 0;
      while (Clock::now() < deadline)
        MustAppend(log.get(), MakeRequest(t, n++, 1));
      total += n;
    });
  }
  for (std::thread& t : pool) t.join();
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(total.load()) / s;
}

// The same with AppendAsync, as a server uses it: `appenders` appenders,
// each with one append in flight, sending its next one from the callback
// that acknowledges the last (no thread per appender).
double SystemAsyncConcurrent(const std::string& dir, int appenders,
                             double seconds) {
  std::unique_ptr<EventLog> log = OpenLog(dir, true);
  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(seconds));
  absl::Mutex mu;
  uint64_t total = 0;
  int running = appenders;
  std::function<void(int, uint64_t)> send = [&](int t, uint64_t n) {
    log->AppendAsync(MakeRequest(t, n, 1),
                     [&, t, n](absl::StatusOr<AppendResult> result) {
                       if (!result.ok()) {
                         std::fprintf(stderr, "append_bench: %s\n",
                                      result.status().ToString().c_str());
                         std::exit(1);
                       }
                       if (Clock::now() < deadline) return send(t, n + 1);
                       absl::MutexLock l(&mu);
                       total += n + 1;
                       --running;
                     });
  };
  const auto start = Clock::now();
  for (int t = 0; t < appenders; ++t) send(t, 0);
  {
    absl::MutexLock l(&mu);
    mu.Await(absl::Condition(
        +[](int* r) { return *r == 0; }, &running));
  }
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  log.reset();  // the last callback may still be returning: wait for it
  return static_cast<double>(total) / s;
}

// -------------------------------------------------------------- baseline --

// The same puts the log makes for one append (storage::BareAppendLoop,
// kAppendParts), values prepared up front.
class BaselineWriter {
 public:
  explicit BaselineWriter(const std::string& dir) {
    auto loop = BareAppendLoop::Open(dir);
    if (!loop.ok()) {
      std::fprintf(stderr, "append_bench: %s\n",
                   loop.status().ToString().c_str());
      std::exit(1);
    }
    loop_ = std::move(*loop);
    // Prepared up front: 4096 distinct values (1 MiB), used in turn.
    std::string prev = ZeroHash();
    for (uint64_t i = 0; i < 4096; ++i) {
      values_.push_back(EventValueLike(i, prev));
      prev = values_.back().substr(0, kHashBytes);
    }
    type_ = events::TypeOf<v1::UnitRegistered>();
  }

  void Append(int thread, uint64_t i, size_t batch, bool sync,
              std::atomic<uint64_t>* seq,
              const BareParts& parts = kAppendParts) {
    const uint64_t first = seq->fetch_add(batch) + 1;
    std::vector<BareEvent> events(batch);
    for (size_t e = 0; e < batch; ++e) {
      events[e].stream = StreamOf(i * batch + e + thread * 7919);
      events[e].value = values_[(first + e) % values_.size()];
    }
    absl::Status st = loop_->Write(first, events, type_, 1700000000000000,
                                   absl::StrCat("bench-", thread, "-", i),
                                   Digest(), sync, parts);
    if (!st.ok()) {
      std::fprintf(stderr, "append_bench: %s\n", st.ToString().c_str());
      std::exit(1);
    }
  }

 private:
  std::unique_ptr<BareAppendLoop> loop_;
  std::vector<std::string> values_;
  std::string type_;
};

double BaselineConcurrent(const std::string& dir, int threads, double seconds) {
  BaselineWriter w(dir);
  std::atomic<uint64_t> seq{0};
  std::atomic<uint64_t> total{0};
  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(seconds));
  const auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      uint64_t n = 0;
      while (Clock::now() < deadline) w.Append(t, n++, 1, true, &seq);
      total += n;
    });
  }
  for (std::thread& t : pool) t.join();
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(total.load()) / s;
}

// One round of a batch scenario on fresh databases: `appends` appends of
// `batch` events to the log and the same puts to the bare DB, interleaved
// append by append (alternating which goes first) and timed separately, so
// both meet the same moment-to-moment load of this shared machine. Returns
// events per second of {system, baseline}.
std::pair<double, double> BatchRound(const std::string& dir, size_t batch,
                                     uint64_t appends, bool sync) {
  std::unique_ptr<EventLog> log = OpenLog(dir + "-sys", sync);
  BaselineWriter base(dir + "-base");
  std::vector<AppendRequest> requests;
  for (uint64_t i = 0; i < appends; ++i) {
    requests.push_back(MakeRequest(0, i, batch));
  }
  std::atomic<uint64_t> seq{0};
  Clock::duration sys_time{}, base_time{};
  for (uint64_t i = 0; i < appends; ++i) {
    for (int turn = 0; turn < 2; ++turn) {
      const bool system_turn = (turn == 0) == (i % 2 == 0);
      const auto start = Clock::now();
      if (system_turn) {
        MustAppend(log.get(), requests[i]);
        sys_time += Clock::now() - start;
      } else {
        base.Append(0, i, batch, sync, &seq);
        base_time += Clock::now() - start;
      }
    }
  }
  const double events = static_cast<double>(appends * batch);
  return {events / std::chrono::duration<double>(sys_time).count(),
          events / std::chrono::duration<double>(base_time).count()};
}

// One round of an index_cost scenario: the bare append with every put
// (baseline) against the same without the index puts `without` leaves out,
// on fresh databases, interleaved append by append like BatchRound.
// Returns events per second of {without the index, with every put}.
std::pair<double, double> IndexCostRound(const std::string& dir, size_t batch,
                                         uint64_t appends,
                                         const BareParts& without) {
  BaselineWriter lean(dir + "-sys");
  BaselineWriter full(dir + "-base");
  std::atomic<uint64_t> lean_seq{0}, full_seq{0};
  Clock::duration lean_time{}, full_time{};
  for (uint64_t i = 0; i < appends; ++i) {
    for (int turn = 0; turn < 2; ++turn) {
      const bool lean_turn = (turn == 0) == (i % 2 == 0);
      const auto start = Clock::now();
      if (lean_turn) {
        lean.Append(0, i, batch, false, &lean_seq, without);
        lean_time += Clock::now() - start;
      } else {
        full.Append(0, i, batch, false, &full_seq, BareParts());
        full_time += Clock::now() - start;
      }
    }
  }
  const double events = static_cast<double>(appends * batch);
  return {events / std::chrono::duration<double>(lean_time).count(),
          events / std::chrono::duration<double>(full_time).count()};
}

// One round of a lazy_type_index scenario: the log as it is (system)
// against the log writing type_index with its events as every version
// before did (baseline), unsynced, on fresh databases, interleaved append
// by append like BatchRound. Returns events per second of {system,
// baseline}, and in *catch_up_us the microseconds per event the system
// log's first ReadByType then took to index them all (what the appends
// no longer pay, paid once by a reader).
std::pair<double, double> LazyTypeIndexRound(const std::string& dir,
                                             size_t batch, uint64_t appends,
                                             double* catch_up_us) {
  std::unique_ptr<EventLog> eager;
  {
    testing::EagerTypeIndexForTesting old_code_path;
    eager = OpenLog(dir + "-base", false);
  }
  std::unique_ptr<EventLog> lazy = OpenLog(dir + "-sys", false);
  std::vector<AppendRequest> requests;
  for (uint64_t i = 0; i < appends; ++i) {
    requests.push_back(MakeRequest(0, i, batch));
  }
  Clock::duration lazy_time{}, eager_time{};
  for (uint64_t i = 0; i < appends; ++i) {
    for (int turn = 0; turn < 2; ++turn) {
      const bool lazy_turn = (turn == 0) == (i % 2 == 0);
      const auto start = Clock::now();
      if (lazy_turn) {
        MustAppend(lazy.get(), requests[i]);
        lazy_time += Clock::now() - start;
      } else {
        MustAppend(eager.get(), requests[i]);
        eager_time += Clock::now() - start;
      }
    }
  }
  const double events = static_cast<double>(appends * batch);
  const auto start = Clock::now();
  auto read = lazy->ReadByType(
      events::TypeOf<v1::UnitRegistered>(), std::numeric_limits<int64_t>::min(),
      std::numeric_limits<int64_t>::max(), 0, ReadLimits{1, 1 << 20});
  *catch_up_us =
      std::chrono::duration<double, std::micro>(Clock::now() - start).count() /
      events;
  if (!read.ok() || read->size() != 1) {
    std::fprintf(stderr, "append_bench: read by type: %s\n",
                 read.status().ToString().c_str());
    std::exit(1);
  }
  return {events / std::chrono::duration<double>(lazy_time).count(),
          events / std::chrono::duration<double>(eager_time).count()};
}

// ---------------------------------------------------------------- driver --

void RemoveAll(const std::string& dir) {
  const std::string rm = absl::StrCat("rm -rf '", dir, "'");
  if (std::system(rm.c_str()) != 0) std::exit(1);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void Print(const std::string& name, double system, double baseline) {
  std::printf("bench: %s system=%.0f/s baseline=%.0f/s ratio=%.2f\n",
              name.c_str(), system, baseline, system / baseline);
  std::fflush(stdout);
}

// Concurrent scenarios: alternates whole system and baseline runs for
// cfg.rounds rounds (threads cannot interleave append by append), each on
// a fresh directory; returns the medians.
template <typename SystemFn, typename BaselineFn>
std::pair<double, double> Compare(const Config& cfg, const std::string& root,
                                  const std::string& name, SystemFn system,
                                  BaselineFn baseline) {
  std::vector<double> sys, base;
  for (int r = 0; r < cfg.rounds; ++r) {
    const std::string s_dir = absl::StrCat(root, "/", name, "-sys-", r);
    const std::string b_dir = absl::StrCat(root, "/", name, "-base-", r);
    // Alternate which goes first, so neither always meets a warmer cache.
    if (r % 2 == 0) {
      sys.push_back(system(s_dir));
      base.push_back(baseline(b_dir));
    } else {
      base.push_back(baseline(b_dir));
      sys.push_back(system(s_dir));
    }
    RemoveAll(s_dir);
    RemoveAll(b_dir);
  }
  if (cfg.verbose) {
    for (int r = 0; r < cfg.rounds; ++r) {
      std::fprintf(stderr, "  %s round %d: system=%.0f/s baseline=%.0f/s\n",
                   name.c_str(), r, sys[r], base[r]);
    }
  }
  return {Median(sys), Median(base)};
}

int Main(int argc, char** argv) {
  Config cfg;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      cfg.quick = true;
      cfg.rounds = 1;
    } else if (std::strncmp(argv[i], "--rounds=", 9) == 0) {
      cfg.rounds = std::max(1, std::atoi(argv[i] + 9));
    } else if (std::strcmp(argv[i], "--verbose") == 0) {
      cfg.verbose = true;
    } else if (std::strncmp(argv[i], "--only=", 7) == 0) {
      cfg.only = argv[i] + 7;
    } else if (std::strncmp(argv[i], "--dir=", 6) == 0) {
      cfg.dir = argv[i] + 6;
    } else {
      std::fprintf(stderr,
                   "usage: append_bench [--quick] [--rounds=N] [--dir=PATH] "
                   "[--only=SUBSTRING] [--verbose]\n");
      return 1;
    }
  }
  spdlog::set_level(spdlog::level::err);  // no open/close chatter per round
  testutil::TempDir tmp("append-bench");
  const std::string root = cfg.dir.empty() ? tmp.path() : cfg.dir;

  // Events per round, sized so each round takes roughly 0.3-1 s.
  struct Batch {
    size_t size;
    bool sync;
    uint64_t appends;
  };
  const std::vector<Batch> batches = {
      {1, true, cfg.quick ? 20u : 600u},
      {100, true, cfg.quick ? 4u : 200u},
      {1000, true, cfg.quick ? 2u : 40u},
      {1, false, cfg.quick ? 200u : 30000u},
      {100, false, cfg.quick ? 4u : 500u},
      {1000, false, cfg.quick ? 2u : 60u},
  };
  for (const Batch& b : batches) {
    const std::string name =
        absl::StrCat("batch", b.size, b.sync ? "_sync" : "_nosync");
    if (name.find(cfg.only) == std::string::npos) continue;
    std::vector<double> sys, base;
    for (int r = 0; r < cfg.rounds; ++r) {
      const std::string dir = absl::StrCat(root, "/", name, "-", r);
      auto [s, b2] = BatchRound(dir, b.size, b.appends, b.sync);
      sys.push_back(s);
      base.push_back(b2);
      if (cfg.verbose) {
        std::fprintf(stderr, "  %s round %d: system=%.0f/s baseline=%.0f/s\n",
                     name.c_str(), r, s, b2);
      }
      RemoveAll(dir + "-sys");
      RemoveAll(dir + "-base");
    }
    const double sys_median = Median(sys), base_median = Median(base);
    Print(name, sys_median, base_median);
  }

  // What each index put costs an append: the bare append without it
  // against the bare append with every put, unsynced (the memtable inserts
  // are CPU; a sync would hide them). Per event, the difference of the two
  // medians' times.
  struct Part {
    const char* name;
    BareParts without;
  };
  const std::vector<Part> parts = {
      {"stream_index", {false, true, true}},
      {"type_index", {true, false, true}},
      {"command", {true, true, false}},
  };
  for (size_t batch : {size_t{1}, size_t{100}}) {
    for (const Part& part : parts) {
      const std::string name =
          absl::StrCat("index_cost_", part.name, "_batch", batch);
      if (name.find(cfg.only) == std::string::npos) continue;
      const uint64_t appends = cfg.quick ? 20u : (batch == 1 ? 30000u : 500u);
      std::vector<double> lean, full;
      for (int r = 0; r < cfg.rounds; ++r) {
        const std::string dir = absl::StrCat(root, "/", name, "-", r);
        auto [l, f] = IndexCostRound(dir, batch, appends, part.without);
        lean.push_back(l);
        full.push_back(f);
        RemoveAll(dir + "-sys");
        RemoveAll(dir + "-base");
      }
      const double lean_median = Median(lean), full_median = Median(full);
      Print(name, lean_median, full_median);
      std::printf(
          "index_cost: %s costs %.2f us per event in %zu-event "
          "appends (bare append %.2f us per event with it)\n",
          part.name, 1e6 / full_median - 1e6 / lean_median, batch,
          1e6 / full_median);
    }
  }

  // What writing type_index lazily saves an append: the log against the
  // log with the old eager write, unsynced (a sync would hide the CPU).
  for (size_t batch : {size_t{1}, size_t{100}}) {
    const std::string name = absl::StrCat("lazy_type_index_batch", batch);
    if (name.find(cfg.only) == std::string::npos) continue;
    const uint64_t appends = cfg.quick ? 20u : (batch == 1 ? 30000u : 500u);
    std::vector<double> lazy, eager, catch_up;
    for (int r = 0; r < cfg.rounds; ++r) {
      const std::string dir = absl::StrCat(root, "/", name, "-", r);
      double us = 0;
      auto [l, e] = LazyTypeIndexRound(dir, batch, appends, &us);
      lazy.push_back(l);
      eager.push_back(e);
      catch_up.push_back(us);
      if (cfg.verbose) {
        std::fprintf(stderr, "  %s round %d: system=%.0f/s baseline=%.0f/s\n",
                     name.c_str(), r, l, e);
      }
      RemoveAll(dir + "-sys");
      RemoveAll(dir + "-base");
    }
    const double lazy_median = Median(lazy), eager_median = Median(eager);
    Print(name, lazy_median, eager_median);
    std::printf(
        "lazy_type_index: saves %.2f us per event in %zu-event appends "
        "(%.2f us per event with the eager type_index write); the first "
        "ReadByType then indexes them at %.2f us per event\n",
        1e6 / eager_median - 1e6 / lazy_median, batch, 1e6 / eager_median,
        Median(catch_up));
  }

  const double seconds = cfg.quick ? 0.1 : 1.5;
  double single = 0, many = 0;
  for (int threads : {1, 8, 64}) {
    const std::string name = absl::StrCat("concurrent", threads, "_sync");
    if (name.find(cfg.only) == std::string::npos) continue;
    auto [sys, base] = Compare(
        cfg, root, name,
        [&](const std::string& d) {
          return SystemConcurrent(d, threads, seconds);
        },
        [&](const std::string& d) {
          return BaselineConcurrent(d, threads, seconds);
        });
    Print(name, sys, base);
    if (threads == 1) single = sys;
    if (threads == 64) many = sys;
  }
  // The log against itself: 64 durable appenders over one (target >= 15).
  if (single > 0 && many > 0) Print("scaling_64_over_1_sync", many, single);

  // 64 appenders through AppendAsync (one append in flight each), against
  // the same 64-thread RocksDB baseline.
  const std::string async_name = "concurrent64_async_sync";
  if (async_name.find(cfg.only) != std::string::npos) {
    auto [sys, base] = Compare(
        cfg, root, async_name,
        [&](const std::string& d) {
          return SystemAsyncConcurrent(d, 64, seconds);
        },
        [&](const std::string& d) {
          return BaselineConcurrent(d, 64, seconds);
        });
    Print(async_name, sys, base);
    if (single > 0) Print("scaling_64_async_over_1_sync", sys, single);
  }
  return 0;
}

}  // namespace
}  // namespace reporting::storage

int main(int argc, char** argv) {
  // absl's lock-order (deadlock) detection is on in Debian's build of
  // absl and takes a global lock on every mutex acquisition (~4% of the
  // CPU of a command, perf); tests keep it, the production binaries and
  // benchmarks turn it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return reporting::storage::Main(argc, argv);
}
