// BenchNode: the county node that command_bench measures: a real EventLog
// (WAL sync on) in a directory, CommandService, CommandStreamService and
// ClerkService as county-node serves them, and a no-op echo service (unary
// and bidi streaming, same message types as RegisterUnit and
// CommandStreamService.Stream)
// as the baseline, on a loopback port without TLS.
//
// ForkBenchNode runs it in a child process, so that the server's CPU time
// (utime + stime of /proc/<pid>/stat) is the server's alone, without the
// benchmark's clients. The child must be forked before the parent makes
// any gRPC object (gRPC does not survive a fork with live threads).
//
// Thread safety: CpuSeconds may be called from any thread.
#ifndef REPORTING_TESTS_BENCH_BENCH_NODE_H_
#define REPORTING_TESTS_BENCH_BENCH_NODE_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server.h"
#include "services/county/clerk_service.h"
#include "services/county/command_service.h"
#include "services/county/command_stream.h"
#include "storage/event_log.h"

namespace reporting::bench {

inline constexpr char kBenchNode[] = "371302";
inline constexpr char kEchoMethod[] = "/reporting.bench.Echo/Echo";
inline constexpr char kEchoStreamMethod[] = "/reporting.bench.Echo/Stream";

// The node in this process (command_bench --direct calls its handlers).
class BenchNode {
 public:
  // Opens the log in `dir` and serves on 127.0.0.1, a free port.
  static absl::StatusOr<std::unique_ptr<BenchNode>> Start(
      const std::string& dir);
  ~BenchNode();

  int port() const { return port_; }
  const county::CommandServiceImpl& commands() const { return *commands_; }

 private:
  BenchNode() = default;
  std::unique_ptr<storage::EventLog> log_;
  std::unique_ptr<county::CommandServiceImpl> commands_;
  std::unique_ptr<county::CommandStreamServiceImpl> stream_;
  std::unique_ptr<county::ClerkServiceImpl> clerk_;
  std::unique_ptr<grpc::Service> echo_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

// A BenchNode in a child process, stopped (and waited for) on destruction.
class ForkedBenchNode {
 public:
  ~ForkedBenchNode();
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

 private:
  friend absl::StatusOr<std::unique_ptr<ForkedBenchNode>> ForkBenchNode(
      const std::string& dir);
  pid_t pid_ = -1;
  int port_ = 0;
  int stop_fd_ = -1;  // closing it tells the child to stop
};

absl::StatusOr<std::unique_ptr<ForkedBenchNode>> ForkBenchNode(
    const std::string& dir);

// CPU time (user + system) the process has used so far, in seconds, from
// /proc/<pid>/stat; -1 when it cannot be read.
double ProcessCpuSeconds(pid_t pid);

}  // namespace reporting::bench

#endif  // REPORTING_TESTS_BENCH_BENCH_NODE_H_
