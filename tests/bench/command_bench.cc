// command_bench: durable single-event commands through gRPC against a no-op
// echo RPC on the same server, in the same run, with the server's CPU time
// per call.
//
//   command_bench [--quick] [--rounds=N] [--seconds=S] [--clients=N]
//                 [--stream] [--in_flight=N] [--system_only] [--direct]
//
// One county node (bench_node.h) in a child process of its own: a real
// EventLog (WAL sync on) in a temp dir, CommandService + ClerkService, and
// a test-only echo service on the same gRPC server. For 1, 16 and 64
// concurrent clients (each a thread; clients spread over up to 8
// connections), system and baseline alternate for N rounds (default 5) of
// S seconds (default 2); the medians are reported:
//
//   bench: NAME system=X/s baseline=Y/s ratio=R server_cpu_us=A/B
//
// system: RegisterUnit, each call a new unit id and command id: the full
// command path (meta check, idempotency lookup, read node and unit streams,
// decide, append one event with expected versions, fsync shared by group
// commit). baseline: the echo with the same messages, answering a fixed
// CommandResult. server_cpu_us: the server process's CPU time (utime +
// stime from /proc/<pid>/stat) per call answered, in microseconds, for
// system (A) and baseline (B), medians of the rounds: what a call costs the
// server, however busy the machine is.
//
// Unary by default: each client makes blocking unary calls, one at a time
// (NAME command_register_unit_clients_C). --stream: each client sends its
// commands on one CommandStreamService.Stream and keeps --in_flight=N (default
// 1) of them unanswered, writing the next as each answer arrives; the
// baseline is an echo stream the same way (NAME
// command_register_unit_stream_in_flight_N_clients_C).
// --quick (ctest) runs one short round. Profiling aids: --clients=N runs
// one level; --system_only skips the baseline; --direct calls
// CommandHandlers in this process without gRPC (the command path's own
// ceiling; server CPU is then this whole process's).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/impl/codegen/client_unary_call.h"
#include "grpcpp/impl/codegen/rpc_method.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/sync_stream.h"
#include "reporting/v1/command.grpc.pb.h"
#include "reporting/v1/command_stream.grpc.pb.h"
#include "spdlog/spdlog.h"
#include "tests/bench/bench_node.h"
#include "tests/testutil/temp_dir.h"

namespace reporting {
namespace {

using bench::kBenchNode;
using Clock = std::chrono::steady_clock;
using CommandStream = grpc::ClientReaderWriter<v1::CommandStreamRequest,
                                               v1::CommandStreamResponse>;

struct Config {
  bool quick = false;
  int rounds = 5;
  double seconds = 2.0;
  int clients = 0;           // 0: 1, 16 and 64
  bool stream = false;       // CommandStreamService.Stream, not unary
  int in_flight = 1;         // unanswered commands per stream
  bool system_only = false;  // for profiling the command path alone
  bool direct = false;       // system_only, without gRPC (profiling)
};

// One level's round: calls answered per second, server CPU per call.
struct Figure {
  double per_second = 0;
  double cpu_us = 0;
};

v1::RegisterUnitRequest UnitRequest(uint64_t n) {
  v1::RegisterUnitRequest request;
  request.mutable_meta()->set_command_id(absl::StrCat("bench-", n));
  request.mutable_meta()->set_actor("bench:command_bench");
  char id[32];
  std::snprintf(id, sizeof(id), "%s-U%08llu", kBenchNode,
                static_cast<unsigned long long>(n));
  v1::UnitRegistered* unit = request.mutable_body();
  unit->set_unit_id(id);
  unit->set_name("兰山区人民政府办公室机关党委");
  unit->set_batch(v1::BATCH_FIRST);
  unit->set_member_count(42);
  unit->set_category("机关");
  return request;
}

class Bench {
 public:
  explicit Bench(const Config& config) : config_(config) {}

  // Forks the server first (before this process makes any gRPC object),
  // or, for --direct, starts it here.
  bool Start() {
    if (config_.direct) {
      auto node = bench::BenchNode::Start(dir_.Sub("log"));
      if (!node.ok()) return Fail("start", node.status().ToString());
      local_ = std::move(*node);
      server_pid_ = getpid();
      port_ = local_->port();
    } else {
      auto node = bench::ForkBenchNode(dir_.Sub("log"));
      if (!node.ok()) return Fail("start", node.status().ToString());
      forked_ = std::move(*node);
      server_pid_ = forked_->pid();
      port_ = forked_->port();
    }
    target_ = absl::StrCat("127.0.0.1:", port_);
    // The node registers itself first, as a real node does.
    auto stub = v1::CommandService::NewStub(Channel(0));
    v1::RegisterNodeRequest node;
    node.mutable_meta()->set_command_id("bench-node");
    node.mutable_meta()->set_actor("bench:command_bench");
    node.mutable_body()->set_node_id(kBenchNode);
    node.mutable_body()->set_name("兰山区");
    node.mutable_body()->set_kind(v1::NODE_KIND_DISTRICT);
    v1::CommandResult result;
    grpc::ClientContext ctx;
    ctx.set_wait_for_ready(true);
    grpc::Status s = stub->RegisterNode(&ctx, node, &result);
    if (!s.ok()) return Fail("RegisterNode", s.error_message());
    return true;
  }

  void Stop() {
    local_.reset();
    forked_.reset();
  }

  uint64_t failures() const { return failed_.load(); }

  // `clients` threads for config_.seconds.
  Figure Run(bool system, int clients) {
    const int connections = std::min(clients, 8);
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    for (int i = 0; i < connections; ++i) channels.push_back(Channel(i + 1));
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> done{0};
    std::vector<std::thread> threads;
    const double cpu_before = bench::ProcessCpuSeconds(server_pid_);
    const auto start = Clock::now();
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        auto channel = channels[c % connections];
        const uint64_t n = config_.stream ? Stream(system, channel, stop)
                                          : Unary(system, channel, stop);
        done.fetch_add(n);
      });
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(static_cast<int>(config_.seconds * 1000)));
    stop = true;
    for (auto& t : threads) t.join();
    const double elapsed =
        std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu = bench::ProcessCpuSeconds(server_pid_) - cpu_before;
    Figure f;
    f.per_second = static_cast<double>(done.load()) / elapsed;
    f.cpu_us =
        done.load() > 0 ? cpu * 1e6 / static_cast<double>(done.load()) : 0;
    return f;
  }

 private:
  static bool Fail(const char* what, const std::string& why) {
    std::fprintf(stderr, "%s: %s\n", what, why.c_str());
    return false;
  }

  void Failed(const std::string& why) {
    if (failed_.fetch_add(1) < 3) {
      std::fprintf(stderr, "call failed: %s\n", why.c_str());
    }
  }

  // Blocking unary calls, one at a time, until `stop`; the answered count.
  uint64_t Unary(bool system, const std::shared_ptr<grpc::Channel>& channel,
                 const std::atomic<bool>& stop) {
    auto stub = v1::CommandService::NewStub(channel);
    const grpc::internal::RpcMethod echo(
        bench::kEchoMethod, grpc::internal::RpcMethod::NORMAL_RPC, channel);
    uint64_t answered = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      v1::RegisterUnitRequest request = UnitRequest(next_unit_.fetch_add(1));
      v1::CommandResult result;
      grpc::ClientContext ctx;
      grpc::Status s =
          config_.direct ? county::AwaitCommand([&](county::CommandDone done) {
            local_->commands().handlers().RegisterUnit(&request, &result,
                                                       std::move(done));
          })
          : system       ? stub->RegisterUnit(&ctx, request, &result)
                   : grpc::internal::BlockingUnaryCall(channel.get(), echo,
                                                       &ctx, request, &result);
      if (s.ok()) {
        ++answered;
      } else {
        Failed(s.error_message());
      }
    }
    return answered;
  }

  // One stream with config_.in_flight commands unanswered, until `stop`;
  // the answered count.
  uint64_t Stream(bool system, const std::shared_ptr<grpc::Channel>& channel,
                  const std::atomic<bool>& stop) {
    grpc::ClientContext ctx;
    const grpc::internal::RpcMethod echo(
        bench::kEchoStreamMethod, grpc::internal::RpcMethod::BIDI_STREAMING);
    std::unique_ptr<CommandStream> stream(
        system
            ? v1::CommandStreamService::NewStub(channel)->Stream(&ctx).release()
            : grpc::internal::ClientReaderWriterFactory<
                  v1::CommandStreamRequest,
                  v1::CommandStreamResponse>::Create(channel.get(), echo,
                                                     &ctx));
    const uint64_t window = static_cast<uint64_t>(config_.in_flight);
    uint64_t sent = 0, answered = 0, accepted = 0;
    v1::CommandStreamRequest request;
    v1::CommandStreamResponse answer;
    auto count = [&] {
      ++answered;
      if (answer.code() == 0) {
        ++accepted;
      } else {
        Failed(answer.message());
      }
    };
    bool open = true;
    while (open && !stop.load(std::memory_order_relaxed)) {
      while (open && sent - answered < window) {
        *request.mutable_register_unit() = UnitRequest(next_unit_.fetch_add(1));
        open = stream->Write(request);
        ++sent;
      }
      if (!open || !stream->Read(&answer)) break;
      count();
    }
    stream->WritesDone();
    while (stream->Read(&answer)) count();
    grpc::Status s = stream->Finish();
    if (!s.ok()) Failed(s.error_message());
    return accepted;
  }

  // A channel of its own (a separate connection) per index.
  std::shared_ptr<grpc::Channel> Channel(int index) {
    grpc::ChannelArguments args;
    args.SetInt("reporting.bench.connection", index);
    return grpc::CreateCustomChannel(target_,
                                     grpc::InsecureChannelCredentials(), args);
  }

  const Config config_;
  testutil::TempDir dir_{"command-bench"};
  std::unique_ptr<bench::BenchNode> local_;         // --direct
  std::unique_ptr<bench::ForkedBenchNode> forked_;  // otherwise
  pid_t server_pid_ = 0;
  int port_ = 0;
  std::string target_;
  std::atomic<uint64_t> next_unit_{1};
  std::atomic<uint64_t> failed_{0};
};

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

bool ParseArgs(int argc, char** argv, Config* config) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      config->quick = true;
      config->rounds = 1;
      config->seconds = 0.3;
    } else if (arg.rfind("--rounds=", 0) == 0) {
      config->rounds = std::max(1, std::atoi(arg.c_str() + 9));
    } else if (arg.rfind("--seconds=", 0) == 0) {
      config->seconds = std::atof(arg.c_str() + 10);
    } else if (arg.rfind("--clients=", 0) == 0) {
      config->clients = std::max(1, std::atoi(arg.c_str() + 10));
    } else if (arg == "--stream") {
      config->stream = true;
    } else if (arg.rfind("--in_flight=", 0) == 0) {
      config->in_flight = std::max(1, std::atoi(arg.c_str() + 12));
    } else if (arg == "--direct") {
      config->direct = true;
      config->system_only = true;
    } else if (arg == "--system_only") {
      config->system_only = true;
    } else {
      return false;
    }
  }
  return !(config->direct && config->stream);
}

int Main(int argc, char** argv) {
  Config config;
  if (!ParseArgs(argc, argv, &config)) {
    std::fprintf(stderr,
                 "usage: command_bench [--quick] [--rounds=N] [--seconds=S] "
                 "[--clients=N] [--stream] [--in_flight=N] [--system_only] "
                 "[--direct (not with --stream)]\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  Bench bench(config);
  if (!bench.Start()) return 1;
  std::vector<int> levels = {1, 16, 64};
  if (config.clients > 0) levels = {config.clients};
  const std::string mode =
      config.stream ? absl::StrCat("stream_in_flight_", config.in_flight, "_")
                    : "";
  for (int clients : levels) {
    std::vector<double> system, baseline, system_cpu, baseline_cpu;
    for (int round = 0; round < config.rounds; ++round) {
      const Figure s = bench.Run(true, clients);
      system.push_back(s.per_second);
      system_cpu.push_back(s.cpu_us);
      if (config.system_only) continue;
      const Figure b = bench.Run(false, clients);
      baseline.push_back(b.per_second);
      baseline_cpu.push_back(b.cpu_us);
    }
    const double s = Median(system);
    const double b = Median(baseline);
    std::printf(
        "bench: command_register_unit_%sclients_%d system=%.0f/s "
        "baseline=%.0f/s ratio=%.2f server_cpu_us=%.1f/%.1f\n",
        mode.c_str(), clients, s, b, b > 0 ? s / b : 0.0, Median(system_cpu),
        Median(baseline_cpu));
    std::fflush(stdout);
  }
  bench.Stop();
  if (bench.failures() > 0) {
    std::fprintf(stderr, "%llu calls failed\n",
                 static_cast<unsigned long long>(bench.failures()));
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace reporting

int main(int argc, char** argv) {
  // absl's lock-order (deadlock) detection is on in Debian's build of
  // absl and takes a global lock on every mutex acquisition (~4% of the
  // CPU of a command, perf); tests keep it, the production binaries and
  // benchmarks turn it off (in the forked server too: it inherits this).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return reporting::Main(argc, argv);
}
