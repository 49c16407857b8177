// command_bench: durable single-event commands through gRPC against a no-op
// unary echo RPC on the same server, in the same run.
//
//   command_bench [--quick] [--rounds=N] [--seconds=S] [--clients=N]
//                 [--system_only] [--direct]
//
// One in-process county node: a real EventLog (WAL sync on) in a temp dir,
// CommandService + ClerkService, and a test-only echo service registered on
// the same gRPC server. For 1, 16 and 64 concurrent clients (each a thread
// making blocking unary calls over loopback TCP; clients spread over up to
// 8 connections), system and baseline alternate for N rounds (default 5) of
// S seconds (default 2); the medians are reported:
//
//   bench: NAME system=X/s baseline=Y/s ratio=R
//
// system: RegisterUnit, each call a new unit id and command id: the full
// command path (meta check, idempotency lookup, read node and unit streams,
// decide, append one event with expected versions, fsync shared by group
// commit). baseline: the echo RPC with the same request message, answering
// a fixed CommandResult. --quick (ctest) runs one short round.
// Profiling aids: --clients=N runs one level; --system_only skips the
// baseline; --direct calls CommandHandlers without gRPC (the command
// path's own ceiling).
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
#include "grpcpp/impl/codegen/rpc_service_method.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/method_handler.h"
#include "reporting/v1/command.grpc.pb.h"
#include "services/common/server.h"
#include "services/county/clerk_service.h"
#include "services/county/command_service.h"
#include "spdlog/spdlog.h"
#include "storage/event_log.h"
#include "tests/testutil/temp_dir.h"

namespace reporting {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kNode[] = "371302";
constexpr char kEchoMethod[] = "/reporting.bench.Echo/Echo";

struct Config {
  bool quick = false;
  int rounds = 5;
  double seconds = 2.0;
  std::string dir;
  int clients = 0;           // 0: 1, 16 and 64
  bool system_only = false;  // for profiling the command path alone
  bool direct = false;       // system_only, without gRPC (profiling)
};

// The no-op baseline: same request and response types as RegisterUnit.
class EchoService : public grpc::Service {
 public:
  EchoService() {
    AddMethod(new grpc::internal::RpcServiceMethod(
        kEchoMethod, grpc::internal::RpcMethod::NORMAL_RPC,
        new grpc::internal::RpcMethodHandler<
            EchoService, v1::RegisterUnitRequest, v1::CommandResult>(
            [](EchoService*, grpc::ServerContext*,
               const v1::RegisterUnitRequest*, v1::CommandResult* result) {
              result->set_first_sequence(1);
              result->set_last_sequence(1);
              v1::StreamVersion* sv = result->add_stream_versions();
              sv->set_stream_id("unit/371302-U00000001");
              sv->set_version(1);
              return grpc::Status::OK;
            },
            this)));
  }
};

v1::RegisterUnitRequest UnitRequest(uint64_t n) {
  v1::RegisterUnitRequest request;
  request.mutable_meta()->set_command_id(absl::StrCat("bench-", n));
  request.mutable_meta()->set_actor("bench:command_bench");
  char id[32];
  std::snprintf(id, sizeof(id), "%s-U%08llu", kNode,
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

  bool Start() {
    storage::EventLogOptions options;
    options.node_id = kNode;
    options.sync = true;
    auto log = storage::EventLog::Open(dir_.Sub("log"), options);
    if (!log.ok()) {
      std::fprintf(stderr, "open log: %s\n", log.status().ToString().c_str());
      return false;
    }
    log_ = std::move(*log);
    county::NodeEnv env{kNode, log_.get(),
                        [] { return absl::ToUnixMicros(absl::Now()); }};
    commands_ = std::make_unique<county::CommandServiceImpl>(env);
    clerk_ = std::make_unique<county::ClerkServiceImpl>(env);
    services::ServerOptions server_options;
    server_options.listen = "127.0.0.1:0";
    server_options.services = {commands_.get(), clerk_.get(), &echo_};
    // As county-node serves.
    server_options.min_pollers = county::kServerMinPollers;
    server_options.max_pollers = county::kServerMaxPollers;
    auto started = services::StartServer(server_options);
    if (!started.ok()) {
      std::fprintf(stderr, "start: %s\n", started.status().ToString().c_str());
      return false;
    }
    server_ = std::move(started->server);
    target_ = absl::StrCat("127.0.0.1:", started->port);
    // The node registers itself first, as a real node does.
    auto stub = v1::CommandService::NewStub(Channel(0));
    v1::RegisterNodeRequest node;
    node.mutable_meta()->set_command_id("bench-node");
    node.mutable_meta()->set_actor("bench:command_bench");
    node.mutable_body()->set_node_id(kNode);
    node.mutable_body()->set_name("兰山区");
    node.mutable_body()->set_kind(v1::NODE_KIND_DISTRICT);
    v1::CommandResult result;
    grpc::ClientContext ctx;
    grpc::Status s = stub->RegisterNode(&ctx, node, &result);
    if (!s.ok()) {
      std::fprintf(stderr, "RegisterNode: %s\n", s.error_message().c_str());
      return false;
    }
    return true;
  }

  void Stop() {
    services::StopServer(*server_, absl::Seconds(5));
    (void)log_->Close();
  }

  // Calls per second of `clients` threads for config_.seconds.
  double Run(bool system, int clients) {
    const int connections = std::min(clients, 8);
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    for (int i = 0; i < connections; ++i) channels.push_back(Channel(i + 1));
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> done{0}, failed{0};
    std::vector<std::thread> threads;
    const auto start = Clock::now();
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        auto channel = channels[c % connections];
        auto stub = v1::CommandService::NewStub(channel);
        const grpc::internal::RpcMethod echo(
            kEchoMethod, grpc::internal::RpcMethod::NORMAL_RPC, channel);
        uint64_t local = 0;
        while (!stop.load(std::memory_order_relaxed)) {
          v1::RegisterUnitRequest request =
              UnitRequest(next_unit_.fetch_add(1));
          v1::CommandResult result;
          grpc::ClientContext ctx;
          grpc::Status s =
              direct_  ? county::AwaitCommand([&](county::CommandDone done) {
                commands_->handlers().RegisterUnit(&request, &result,
                                                    std::move(done));
              })
              : system ? stub->RegisterUnit(&ctx, request, &result)
                       : grpc::internal::BlockingUnaryCall(
                             channel.get(), echo, &ctx, request, &result);
          if (s.ok()) {
            ++local;
          } else if (failed.fetch_add(1) < 3) {
            std::fprintf(stderr, "call failed: %s\n",
                         s.error_message().c_str());
          }
        }
        done.fetch_add(local);
      });
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(static_cast<int>(config_.seconds * 1000)));
    stop = true;
    for (auto& t : threads) t.join();
    const double elapsed =
        std::chrono::duration<double>(Clock::now() - start).count();
    return static_cast<double>(done.load()) / elapsed;
  }

 private:
  // A channel of its own (a separate connection) per index.
  std::shared_ptr<grpc::Channel> Channel(int index) {
    grpc::ChannelArguments args;
    args.SetInt("reporting.bench.connection", index);
    return grpc::CreateCustomChannel(target_,
                                     grpc::InsecureChannelCredentials(), args);
  }

  const Config config_;
  testutil::TempDir dir_{"command-bench"};
  std::unique_ptr<storage::EventLog> log_;
  std::unique_ptr<county::CommandServiceImpl> commands_;
  std::unique_ptr<county::ClerkServiceImpl> clerk_;
  EchoService echo_;
  std::unique_ptr<grpc::Server> server_;
  std::string target_;
  std::atomic<uint64_t> next_unit_{1};

 public:
  // Profiling aid: call the service object without gRPC.
  bool direct_ = false;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int Main(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      config.quick = true;
      config.rounds = 1;
      config.seconds = 0.3;
    } else if (arg.rfind("--rounds=", 0) == 0) {
      config.rounds = std::max(1, std::atoi(arg.c_str() + 9));
    } else if (arg.rfind("--seconds=", 0) == 0) {
      config.seconds = std::atof(arg.c_str() + 10);
    } else if (arg.rfind("--clients=", 0) == 0) {
      config.clients = std::max(1, std::atoi(arg.c_str() + 10));
    } else if (arg == "--direct") {
      config.direct = true;
      config.system_only = true;
    } else if (arg == "--system_only") {
      config.system_only = true;
    } else {
      std::fprintf(stderr,
                   "usage: command_bench [--quick] [--rounds=N] [--seconds=S] "
                   "[--clients=N] [--system_only] [--direct]\n");
      return 2;
    }
  }
  spdlog::set_level(spdlog::level::warn);
  Bench bench(config);
  if (!bench.Start()) return 1;
  bench.direct_ = config.direct;
  std::vector<int> levels = {1, 16, 64};
  if (config.clients > 0) levels = {config.clients};
  for (int clients : levels) {
    std::vector<double> system, baseline;
    for (int round = 0; round < config.rounds; ++round) {
      system.push_back(bench.Run(true, clients));
      if (!config.system_only) baseline.push_back(bench.Run(false, clients));
    }
    const double s = Median(system);
    const double b = baseline.empty() ? 0 : Median(baseline);
    std::printf(
        "bench: command_register_unit_clients_%d system=%.0f/s "
        "baseline=%.0f/s ratio=%.2f\n",
        clients, s, b, b > 0 ? s / b : 0.0);
    std::fflush(stdout);
  }
  bench.Stop();
  return 0;
}

}  // namespace
}  // namespace reporting

int main(int argc, char** argv) {
  // absl's lock-order (deadlock) detection is on in Debian's build of
  // absl and takes a global lock on every mutex acquisition (~4% of the
  // CPU of a command, perf); tests keep it, the production binaries and
  // benchmarks turn it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return reporting::Main(argc, argv);
}
