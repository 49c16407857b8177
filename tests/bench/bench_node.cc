#include "tests/bench/bench_node.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/impl/codegen/rpc_method.h"
#include "grpcpp/impl/codegen/rpc_service_method.h"
#include "grpcpp/support/method_handler.h"
#include "grpcpp/support/sync_stream.h"
#include "services/common/server.h"

namespace reporting::bench {
namespace {

void FillEchoResult(v1::CommandResult* result) {
  result->set_first_sequence(1);
  result->set_last_sequence(1);
  v1::StreamVersion* sv = result->add_stream_versions();
  sv->set_stream_id("unit/371302-U00000001");
  sv->set_version(1);
}

// The no-op baseline: same request and response types as RegisterUnit and
// CommandStreamService.Stream, a fixed answer.
class EchoService : public grpc::Service {
 public:
  EchoService() {
    AddMethod(new grpc::internal::RpcServiceMethod(
        kEchoMethod, grpc::internal::RpcMethod::NORMAL_RPC,
        new grpc::internal::RpcMethodHandler<
            EchoService, v1::RegisterUnitRequest, v1::CommandResult>(
            [](EchoService*, grpc::ServerContext*,
               const v1::RegisterUnitRequest*, v1::CommandResult* result) {
              FillEchoResult(result);
              return grpc::Status::OK;
            },
            this)));
    AddMethod(new grpc::internal::RpcServiceMethod(
        kEchoStreamMethod, grpc::internal::RpcMethod::BIDI_STREAMING,
        new grpc::internal::BidiStreamingHandler<
            EchoService, v1::CommandStreamRequest, v1::CommandStreamResponse>(
            [](EchoService*, grpc::ServerContext*,
               grpc::ServerReaderWriter<v1::CommandStreamResponse,
                                        v1::CommandStreamRequest>* stream) {
              v1::CommandStreamRequest request;
              v1::CommandStreamResponse answer;
              FillEchoResult(answer.mutable_result());
              while (stream->Read(&request)) {
                answer.set_command_id(
                    request.register_unit().meta().command_id());
                if (!stream->Write(answer)) break;
              }
              return grpc::Status::OK;
            },
            this)));
  }
};

// The child's life: serve until the parent closes `stop_fd`.
int ServeUntilStopped(const std::string& dir, int port_fd, int stop_fd) {
  absl::StatusOr<std::unique_ptr<BenchNode>> node = BenchNode::Start(dir);
  const int port = node.ok() ? (*node)->port() : 0;
  if (!node.ok()) {
    std::fprintf(stderr, "bench node: %s\n", node.status().ToString().c_str());
  }
  if (write(port_fd, &port, sizeof(port)) != sizeof(port) || port == 0) {
    return 1;
  }
  close(port_fd);
  char byte;
  while (read(stop_fd, &byte, 1) < 0 && errno == EINTR) {
  }
  node->reset();
  return 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<BenchNode>> BenchNode::Start(
    const std::string& dir) {
  std::unique_ptr<BenchNode> node(new BenchNode());
  storage::EventLogOptions options;
  options.node_id = kBenchNode;
  options.sync = true;
  absl::StatusOr<std::unique_ptr<storage::EventLog>> log =
      storage::EventLog::Open(dir, options);
  if (!log.ok()) return log.status();
  node->log_ = std::move(*log);
  county::NodeEnv env{kBenchNode, node->log_.get(),
                      [] { return absl::ToUnixMicros(absl::Now()); }};
  node->commands_ = std::make_unique<county::CommandServiceImpl>(env);
  node->stream_ = std::make_unique<county::CommandStreamServiceImpl>(env);
  node->clerk_ = std::make_unique<county::ClerkServiceImpl>(env);
  node->echo_ = std::make_unique<EchoService>();
  services::ServerOptions server_options;
  server_options.listen = "127.0.0.1:0";
  server_options.services = {node->commands_.get(), node->stream_.get(),
                             node->clerk_.get(), node->echo_.get()};
  // As county-node serves.
  server_options.min_pollers = county::kServerMinPollers;
  server_options.max_pollers = county::kServerMaxPollers;
  absl::StatusOr<services::StartedServer> started =
      services::StartServer(server_options);
  if (!started.ok()) return started.status();
  node->server_ = std::move(started->server);
  node->port_ = started->port;
  return node;
}

BenchNode::~BenchNode() {
  if (server_ != nullptr) services::StopServer(*server_, absl::Seconds(5));
  if (log_ != nullptr) (void)log_->Close();
}

absl::StatusOr<std::unique_ptr<ForkedBenchNode>> ForkBenchNode(
    const std::string& dir) {
  int port_pipe[2], stop_pipe[2];
  if (pipe(port_pipe) != 0 || pipe(stop_pipe) != 0) {
    return absl::InternalError("bench node: pipe failed");
  }
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("bench node: fork failed");
  if (pid == 0) {
    close(port_pipe[0]);
    close(stop_pipe[1]);
    // _exit: the parent's objects (its temporary directory) are its own.
    _exit(ServeUntilStopped(dir, port_pipe[1], stop_pipe[0]));
  }
  close(port_pipe[1]);
  close(stop_pipe[0]);
  std::unique_ptr<ForkedBenchNode> node(new ForkedBenchNode());
  node->pid_ = pid;
  node->stop_fd_ = stop_pipe[1];
  int port = 0;
  const bool got = read(port_pipe[0], &port, sizeof(port)) == sizeof(port);
  close(port_pipe[0]);
  if (!got || port == 0) {
    return absl::InternalError("bench node: the server did not start");
  }
  node->port_ = port;
  return node;
}

ForkedBenchNode::~ForkedBenchNode() {
  if (stop_fd_ >= 0) close(stop_fd_);
  int status = 0;
  if (pid_ > 0) waitpid(pid_, &status, 0);
}

double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  if (!std::getline(in, line)) return -1;
  // Fields after the command name (which may hold spaces): state is field
  // 3, utime 14, stime 15.
  const size_t paren = line.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream fields(line.substr(paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int n = 3; n <= 15 && fields >> field; ++n) {
    if (n == 14) utime = std::stoull(field);
    if (n == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace reporting::bench
