// replication_bench: replication end to end, against raw gRPC streaming.
//
//   replication_bench [--quick] [--events=N] [--rounds=R] [--lag_seconds=S]
//                     [--dir=PATH] [--city_sync=false] [--city_storage_only]
//                     [--system_only]
//
// 1. Catch-up: a county log of N pre-written events (default 1,000,000) is
//    pushed to the city by the real parts, in this process: the county's
//    Replicator (RocksDB reads, batches of 1000 events / 1 MiB, pipelined)
//    over gRPC on loopback to the city's ReplicationService (checks, hash
//    chain, durable synced write of batch + cursor). Timed from Start() to
//    the city copy's durable head reaching N.
//    Baseline: the same batches (the same bytes in the same PushRequest
//    framing, serialized in memory beforehand) streamed with the same
//    window to a bare durable receiver that writes each batch's events in
//    one RocksDB WriteBatch with a WAL sync (storage::BareAppendLoop: the
//    puts of an append, no checks, no chain, no cursor) before it
//    acknowledges the batch (issue 24; until then the sink kept nothing).
//    System and baseline alternate for R rounds (default 3); medians are
//    reported:
//      bench: replication_catchup_N system=X/s baseline=Y/s ratio=R
// 2. Lag: 12 counties (EventLogs with sync, each with its Replicator) append
//    single-event commands at a steady 100/s each for S seconds (default
//    10) into one city; for every event, the time from its append being
//    acknowledged at the county to its being durable in the city's copy:
//      bench: replication_lag p50=Ams p99=Bms max=Cms events=N
// --quick runs tiny sizes (ctest smoke run). --dir keeps the pre-written
// county log between runs (it is written only when missing).
// --city_storage_only runs only the city-storage breakdown, R times (for
// profiling the copy's write path); --system_only only the system runs.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "reporting/v1/replication.grpc.pb.h"
#include "services/city/node_copies.h"
#include "services/city/replication_service.h"
#include "services/common/server.h"
#include "services/county/replicator.h"
#include "spdlog/spdlog.h"
#include "storage/bare_append.h"
#include "storage/event_log.h"
#include "tests/testutil/temp_dir.h"

namespace reporting {
namespace {

using Clock = std::chrono::steady_clock;

struct Config {
  bool quick = false;
  uint64_t events = 1000000;
  int rounds = 3;
  int lag_seconds = 10;
  std::string dir;
  // Diagnostic only: the city's copy without WAL sync (shows what the
  // syncs cost; the reported figures use sync).
  bool city_sync = true;
  // Profiling aids: run only the city-storage breakdown (no gRPC), or
  // only the system (no baseline); R rounds, no lag run.
  bool city_storage_only = false;
  bool system_only = false;
};

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// CPU time of the whole process (every thread: gRPC, RocksDB's background
// flushes and compactions, both ends), user + system, in seconds.
double CpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// A run's throughput and the CPU it used per event. On a machine whose
// cores are all busy, CPU per event is the figure that decides throughput.
struct Rate {
  double per_s = 0;
  double cpu_us = 0;  // process CPU microseconds per event
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

storage::AppendRequest UnitCommand(const std::string& node, uint64_t n,
                                   int events) {
  storage::AppendRequest r;
  r.command_id = absl::StrCat("cmd-", n);
  r.actor = "clerk:bench@" + node;
  for (int i = 0; i < events; ++i) {
    v1::UnitRegistered u;
    const std::string unit = absl::StrCat(node, "-U", n * events + i);
    u.set_unit_id(unit);
    u.set_name("兰山区人民政府办公室机关党委");
    u.set_batch(v1::BATCH_FIRST);
    u.set_member_count(42);
    u.set_category("机关");
    r.events.push_back({"unit/" + unit, events::TypeOf<v1::UnitRegistered>(),
                        u.SerializeAsString()});
  }
  return r;
}

std::unique_ptr<storage::EventLog> MustOpen(const std::string& dir,
                                            const std::string& node,
                                            bool sync) {
  storage::EventLogOptions o;
  o.node_id = node;
  o.sync = sync;
  auto log = storage::EventLog::Open(dir, o);
  if (!log.ok()) {
    std::fprintf(stderr, "open %s: %s\n", dir.c_str(),
                 log.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*log);
}

// An in-process city: NodeCopies + ReplicationService on a loopback port.
class CityServer {
 public:
  explicit CityServer(const std::string& data_dir, bool sync = true)
      : copies_(data_dir, sync), service_(&copies_, Options()) {
    services::ServerOptions o;
    o.services = {&service_};
    o.max_receive_message_bytes = 16 << 20;
    auto started = services::StartServer(o);
    if (!started.ok()) std::exit(1);
    started_ = std::move(*started);
  }
  ~CityServer() {
    services::StopServer(*started_.server, absl::Seconds(1));
    copies_.Close().IgnoreError();
  }
  std::string address() const {
    return absl::StrCat("127.0.0.1:", started_.port);
  }
  storage::EventLog* copy(const std::string& node) {
    return *copies_.Get(node);
  }

 private:
  static city::ReplicationServiceOptions Options() {
    city::ReplicationServiceOptions o;
    o.identity_from_certificate = false;
    return o;
  }
  city::NodeCopies copies_;
  city::ReplicationServiceImpl service_;
  services::StartedServer started_;
};

// The baseline's sink: answers Hello with an empty cursor and every batch
// with an ack of its last sequence; with `durable`, only once the batch is
// written there (one WriteBatch, WAL synced), else storing nothing.
class SinkService final : public v1::ReplicationService::Service {
 public:
  explicit SinkService(storage::BareAppendLoop* durable = nullptr)
      : durable_(durable) {}

  grpc::Status Push(grpc::ServerContext*,
                    grpc::ServerReaderWriter<v1::PushResponse, v1::PushRequest>*
                        stream) override {
    v1::PushRequest request;
    v1::PushResponse response;
    while (stream->Read(&request)) {
      response.Clear();
      if (request.has_hello()) {
        response.mutable_cursor()->set_sequence(0);
      } else if (request.has_batch()) {
        const auto& events = request.batch().events();
        if (durable_ != nullptr && !events.empty()) {
          std::vector<storage::BareEvent> bare(events.size());
          for (int i = 0; i < events.size(); ++i) {
            bare[i].stream = absl::StrCat("unit/", events[i].sequence() % 1000);
            bare[i].value = events[i].envelope();
          }
          absl::Status written = durable_->Write(
              events[0].sequence(), bare, "reporting.v1.UnitRegistered", 0,
              absl::StrCat("batch-", events[0].sequence()), "", /*sync=*/true);
          if (!written.ok()) {
            return grpc::Status(grpc::StatusCode::INTERNAL,
                                std::string(written.message()));
          }
        }
        response.mutable_ack()->set_sequence(
            events.empty() ? 0 : events[events.size() - 1].sequence());
      } else {
        continue;
      }
      if (!stream->Write(response)) break;
    }
    return grpc::Status::OK;
  }

 private:
  storage::BareAppendLoop* const durable_;
};

// Catch-up through the real parts; returns events per second.
Rate RunSystem(const Config& cfg, const std::string& county_dir,
               const std::string& city_dir) {
  std::filesystem::remove_all(city_dir);
  auto county = MustOpen(county_dir, "371302", /*sync=*/true);
  CityServer city(city_dir, cfg.city_sync);
  storage::EventLog* copy = city.copy("371302");
  county::ReplicatorOptions o;
  o.node_id = "371302";
  o.city = city.address();
  o.credentials = grpc::InsecureChannelCredentials();
  county::Replicator replicator(county.get(), o);
  const auto start = Clock::now();
  const double cpu0 = CpuSeconds();
  replicator.Start();
  while (copy->WaitForAppend(cfg.events - 1, absl::Seconds(1),
                             copy->WakeGeneration())
             .sequence < cfg.events) {
  }
  const double secs = Seconds(Clock::now() - start);
  const double cpu = CpuSeconds() - cpu0;
  replicator.Stop();
  // (--dir may hold a longer county log than --events.)
  auto county_event = county->ReadOne(cfg.events);
  auto copy_event = copy->ReadOne(cfg.events);
  if (!county_event.ok() || !copy_event.ok() ||
      copy_event->hash != county_event->hash) {
    std::fprintf(stderr, "catch-up: the copy's head differs\n");
    std::exit(1);
  }
  const double n = static_cast<double>(cfg.events);
  return Rate{n / secs, 1e6 * cpu / n};
}

// The same bytes, pre-framed, with the same window, to the bare durable
// receiver (a fresh database in `bare_dir`).
Rate RunBaseline(const Config& cfg, const std::vector<v1::PushRequest>& batches,
                 const std::string& bare_dir) {
  std::filesystem::remove_all(bare_dir);
  auto bare = storage::BareAppendLoop::Open(bare_dir);
  if (!bare.ok()) {
    std::fprintf(stderr, "baseline: %s\n", bare.status().ToString().c_str());
    std::exit(1);
  }
  SinkService sink(bare->get());
  services::ServerOptions so;
  so.services = {&sink};
  so.max_receive_message_bytes = 16 << 20;
  auto started = services::StartServer(so);
  if (!started.ok()) std::exit(1);
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", started->port),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::ReplicationService::NewStub(channel);
  const size_t window = county::ReplicatorOptions().max_in_flight;
  const auto start = Clock::now();
  const double cpu0 = CpuSeconds();
  grpc::ClientContext ctx;
  auto stream = stub->Push(&ctx);
  absl::Mutex mu;
  absl::CondVar cv;
  uint64_t acked = 0;
  size_t replies = 0;
  size_t sent = 0;  // Hello and batches, each answered once
  std::thread reader([&] {
    v1::PushResponse r;
    while (stream->Read(&r)) {
      absl::MutexLock l(&mu);
      ++replies;
      if (r.has_ack()) acked = r.ack().sequence();
      cv.Signal();
    }
  });
  v1::PushRequest hello;
  hello.mutable_hello()->set_node_id("371302");
  stream->Write(hello);
  sent = 1;
  for (const v1::PushRequest& b : batches) {
    {
      absl::MutexLock l(&mu);
      while (sent - replies >= window) cv.Wait(&mu);
      ++sent;
    }
    stream->Write(b);
  }
  {
    absl::MutexLock l(&mu);
    while (acked < cfg.events) cv.Wait(&mu);
  }
  stream->WritesDone();
  reader.join();
  stream->Finish();
  const double secs = Seconds(Clock::now() - start);
  const double cpu = CpuSeconds() - cpu0;
  services::StopServer(*started->server, absl::Seconds(1));
  const double n = static_cast<double>(cfg.events);
  return Rate{n / secs, 1e6 * cpu / n};
}

// Breakdown, for docs/PERFORMANCE.md: the county side alone (Replicator
// reading RocksDB and streaming to the sink) ...
Rate RunCountySideOnly(const Config& cfg, const std::string& county_dir) {
  auto county = MustOpen(county_dir, "371302", /*sync=*/true);
  SinkService sink;
  services::ServerOptions so;
  so.services = {&sink};
  so.max_receive_message_bytes = 16 << 20;
  auto started = services::StartServer(so);
  if (!started.ok()) std::exit(1);
  county::ReplicatorOptions o;
  o.node_id = "371302";
  o.city = absl::StrCat("127.0.0.1:", started->port);
  o.credentials = grpc::InsecureChannelCredentials();
  county::Replicator replicator(county.get(), o);
  const auto start = Clock::now();
  const double cpu0 = CpuSeconds();
  replicator.Start();
  while (replicator.GetStatus().acked_sequence < cfg.events) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const double secs = Seconds(Clock::now() - start);
  const double cpu = CpuSeconds() - cpu0;
  replicator.Stop();
  services::StopServer(*started->server, absl::Seconds(1));
  const double n = static_cast<double>(cfg.events);
  return Rate{n / secs, 1e6 * cpu / n};
}

// ... and the city's storage alone (checks, chain, durable writes of the
// same batches, pipelined as the service does: write k+1 while k syncs).
Rate RunCityWriteOnly(const Config& cfg, const std::string& city_dir,
                      const std::vector<v1::PushRequest>& batches) {
  std::filesystem::remove_all(city_dir);
  auto copy = MustOpen(city_dir, "371302", cfg.city_sync);
  std::vector<std::vector<storage::StoredEvent>> input;
  for (const v1::PushRequest& r : batches) {
    auto& events = input.emplace_back();
    for (const v1::StoredEvent& e : r.batch().events()) {
      events.push_back({e.sequence(), e.envelope(), e.hash()});
    }
  }
  const auto start = Clock::now();
  const double cpu0 = CpuSeconds();
  absl::Mutex mu;
  absl::CondVar cv;
  uint64_t written = 0;
  // Syncs whatever has been written while the writer goes on.
  std::thread syncer([&] {
    uint64_t durable = 0;
    while (durable < cfg.events) {
      uint64_t target;
      {
        absl::MutexLock l(&mu);
        while (written <= durable) cv.Wait(&mu);
        target = written;
      }
      if (!copy->AwaitDurable(target).ok()) std::exit(1);
      durable = target;
    }
  });
  for (const auto& events : input) {
    auto h = copy->WriteReplicated(events, 1);
    if (!h.ok()) std::exit(1);
    absl::MutexLock l(&mu);
    written = h->sequence;
    cv.Signal();
  }
  syncer.join();
  const double secs = Seconds(Clock::now() - start);
  const double n = static_cast<double>(cfg.events);
  return Rate{n / secs, 1e6 * (CpuSeconds() - cpu0) / n};
}

// Pre-writes the county log (unless --dir already holds it) and returns the
// same events in the replicator's framing.
std::vector<v1::PushRequest> PrepareCounty(const Config& cfg,
                                           const std::string& county_dir) {
  {
    auto county = MustOpen(county_dir, "371302", /*sync=*/false);
    const auto start = Clock::now();
    uint64_t n = 0;
    while (county->GetHead().sequence < cfg.events) {
      const int k = static_cast<int>(
          std::min<uint64_t>(1000, cfg.events - county->GetHead().sequence));
      if (!county->Append(UnitCommand("371302", n++, k)).ok()) std::exit(1);
    }
    std::printf("catch-up: %llu events pre-written in %.1f s\n",
                static_cast<unsigned long long>(cfg.events),
                Seconds(Clock::now() - start));
  }
  // The baseline's input: the same events in the replicator's framing.
  std::vector<v1::PushRequest> batches;
  uint64_t total_bytes = 0;
  {
    auto county = MustOpen(county_dir, "371302", /*sync=*/false);
    county::ReplicatorOptions ro;
    for (uint64_t next = 1; next <= cfg.events;) {
      auto events =
          county->Read(next, {ro.max_batch_events, ro.max_batch_bytes});
      if (!events.ok()) std::exit(1);
      v1::PushRequest& r = batches.emplace_back();
      r.mutable_batch()->set_head_sequence(cfg.events);
      for (storage::StoredEvent& e : *events) {
        v1::StoredEvent* out = r.mutable_batch()->add_events();
        out->set_sequence(e.sequence);
        total_bytes += e.envelope.size();
        out->set_envelope(std::move(e.envelope));
        out->set_hash(std::move(e.hash));
      }
      next = events->back().sequence + 1;
    }
  }
  std::printf("catch-up: %zu batches, %.1f MiB of envelopes\n", batches.size(),
              static_cast<double>(total_bytes) / (1 << 20));
  return batches;
}

// Runs `run` R times; prints each round and the medians.
void Repeat(const Config& cfg, const char* what,
            const std::function<Rate()>& run) {
  std::vector<double> rates, cpu;
  for (int round = 0; round < cfg.rounds; ++round) {
    const Rate r = run();
    rates.push_back(r.per_s);
    cpu.push_back(r.cpu_us);
    std::printf("  round %d: %s %.0f/s (%.2f us CPU/event)\n", round + 1, what,
                r.per_s, r.cpu_us);
  }
  std::printf("bench: replication_%s_%llu median=%.0f/s cpu=%.2fus/event\n",
              what, static_cast<unsigned long long>(cfg.events), Median(rates),
              Median(cpu));
}

void CatchUp(const Config& cfg, const std::string& root) {
  const std::string county_dir = root + "/county";
  const std::vector<v1::PushRequest> batches = PrepareCounty(cfg, county_dir);
  if (cfg.city_storage_only) {
    Repeat(cfg, "city_storage",
           [&] { return RunCityWriteOnly(cfg, root + "/city-only", batches); });
    return;
  }
  if (cfg.system_only) {
    Repeat(cfg, "system",
           [&] { return RunSystem(cfg, county_dir, root + "/city"); });
    return;
  }
  std::vector<double> system, baseline, system_cpu, baseline_cpu;
  for (int round = 0; round < cfg.rounds; ++round) {
    const Rate s = RunSystem(cfg, county_dir, root + "/city");
    const Rate b = RunBaseline(cfg, batches, root + "/bare");
    system.push_back(s.per_s);
    baseline.push_back(b.per_s);
    system_cpu.push_back(s.cpu_us);
    baseline_cpu.push_back(b.cpu_us);
    std::printf(
        "  round %d: system %.0f/s baseline %.0f/s (CPU/event: "
        "system %.2f us, baseline %.2f us)\n",
        round + 1, s.per_s, b.per_s, s.cpu_us, b.cpu_us);
  }
  const Rate county = RunCountySideOnly(cfg, county_dir);
  const Rate city = RunCityWriteOnly(cfg, root + "/city-only", batches);
  std::printf(
      "catch-up breakdown: county side only (Replicator -> sink) "
      "%.0f/s (%.2f us CPU/event), city storage only (checks + "
      "durable writes) %.0f/s (%.2f us CPU/event)\n",
      county.per_s, county.cpu_us, city.per_s, city.cpu_us);
  const double s = Median(system), b = Median(baseline);
  std::printf(
      "bench: replication_catchup_%llu system=%.0f/s baseline=%.0f/s "
      "ratio=%.2f cpu_per_event system=%.2fus baseline=%.2fus\n",
      static_cast<unsigned long long>(cfg.events), s, b, s / b,
      Median(system_cpu), Median(baseline_cpu));
}

void Lag(const Config& cfg, const std::string& root) {
  constexpr int kCounties = 12;
  constexpr int kRate = 100;
  // Fresh logs every run (--dir keeps only the catch-up's county log).
  std::filesystem::remove_all(root + "/lag-city");
  for (int i = 0; i < kCounties; ++i) {
    std::filesystem::remove_all(absl::StrCat(root, "/lag-3713", 10 + i));
  }
  CityServer city(root + "/lag-city");
  struct Node {
    std::string id;
    std::unique_ptr<storage::EventLog> log;
    std::unique_ptr<county::Replicator> replicator;
    absl::Mutex mu;
    std::vector<std::pair<uint64_t, Clock::time_point>> acked;  // seq, time
    std::vector<Clock::time_point> durable;  // by sequence - 1
    std::vector<double> append_ms;           // the county's own Append latency
  };
  std::vector<std::unique_ptr<Node>> nodes;
  for (int i = 0; i < kCounties; ++i) {
    auto n = std::make_unique<Node>();
    n->id = absl::StrCat("3713", 10 + i);
    n->log = MustOpen(absl::StrCat(root, "/lag-", n->id), n->id, true);
    county::ReplicatorOptions o;
    o.node_id = n->id;
    o.city = city.address();
    o.credentials = grpc::InsecureChannelCredentials();
    n->replicator = std::make_unique<county::Replicator>(n->log.get(), o);
    n->replicator->Start();
    nodes.push_back(std::move(n));
  }
  const uint64_t per_node = static_cast<uint64_t>(kRate) * cfg.lag_seconds;
  std::vector<std::thread> threads;
  for (auto& np : nodes) {
    Node* n = np.get();
    // Watcher: when the city's copy becomes durable up to H, every event
    // up to H is durable at that moment.
    storage::EventLog* copy = city.copy(n->id);
    threads.emplace_back([n, copy, per_node] {
      uint64_t seen = 0;
      while (seen < per_node) {
        storage::Head h =
            copy->WaitForAppend(seen, absl::Seconds(1), copy->WakeGeneration());
        const auto now = Clock::now();
        absl::MutexLock l(&n->mu);
        while (seen < h.sequence) {
          n->durable.push_back(now);
          ++seen;
        }
      }
    });
    // Appender: a steady 100 single-event commands per second.
    threads.emplace_back([n, per_node] {
      const auto interval = std::chrono::microseconds(1000000 / kRate);
      auto next = Clock::now();
      for (uint64_t i = 0; i < per_node; ++i) {
        std::this_thread::sleep_until(next);
        next += interval;
        const auto called = Clock::now();
        auto r = n->log->Append(UnitCommand(n->id, i, 1));
        const auto now = Clock::now();
        if (!r.ok()) std::exit(1);
        absl::MutexLock l(&n->mu);
        n->acked.emplace_back(r->last_sequence, now);
        n->append_ms.push_back(1000.0 * Seconds(now - called));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::vector<double> lag_ms, append_ms;
  for (auto& n : nodes) {
    n->replicator->Stop();
    absl::MutexLock l(&n->mu);
    for (const auto& [seq, at] : n->acked) {
      // Durable at the city before the county's ack returned counts as 0.
      lag_ms.push_back(
          std::max(0.0, 1000.0 * Seconds(n->durable[seq - 1] - at)));
    }
    append_ms.insert(append_ms.end(), n->append_ms.begin(), n->append_ms.end());
  }
  std::sort(lag_ms.begin(), lag_ms.end());
  std::sort(append_ms.begin(), append_ms.end());
  auto pct = [](const std::vector<double>& v, double p) {
    return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
  };
  // Context for the lag: a lag of 0 means the city's copy was durable
  // before the county's own Append returned.
  std::printf("lag context: county Append latency p50=%.1fms p99=%.1fms\n",
              pct(append_ms, 0.50), pct(append_ms, 0.99));
  std::printf(
      "bench: replication_lag p50=%.1fms p99=%.1fms max=%.1fms "
      "events=%zu (12 counties x 100 commands/s, %d s)\n",
      pct(lag_ms, 0.50), pct(lag_ms, 0.99), lag_ms.back(), lag_ms.size(),
      cfg.lag_seconds);
}

}  // namespace
}  // namespace reporting

int main(int argc, char** argv) {
  using namespace reporting;
  Config cfg;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      cfg.quick = true;
      cfg.events = 20000;
      cfg.rounds = 1;
      cfg.lag_seconds = 2;
    } else if (a.rfind("--events=", 0) == 0) {
      cfg.events = std::stoull(a.substr(9));
    } else if (a.rfind("--rounds=", 0) == 0) {
      cfg.rounds = std::stoi(a.substr(9));
    } else if (a.rfind("--lag_seconds=", 0) == 0) {
      cfg.lag_seconds = std::stoi(a.substr(14));
    } else if (a == "--city_sync=false") {
      cfg.city_sync = false;
    } else if (a == "--city_storage_only") {
      cfg.city_storage_only = true;
    } else if (a == "--system_only") {
      cfg.system_only = true;
    } else if (a.rfind("--dir=", 0) == 0) {
      cfg.dir = a.substr(6);
    } else {
      std::fprintf(stderr,
                   "usage: replication_bench [--quick] [--events=N] "
                   "[--rounds=R] [--lag_seconds=S] [--dir=PATH]\n");
      return 2;
    }
  }
  // As city-aggregator and county-node do (services/*/main.cc): absl's
  // lock-order detection, on in Debian's absl build, takes a global lock on
  // every mutex acquisition; the products run without it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  spdlog::set_level(spdlog::level::warn);
  testutil::TempDir temp("replication-bench");
  const std::string root = cfg.dir.empty() ? temp.path() : cfg.dir;
  CatchUp(cfg, root);
  if (!cfg.city_storage_only && !cfg.system_only) Lag(cfg, root);
  return 0;
}
