// CommandStream: one CommandStreamService.Stream call (command_stream.proto),
// on gRPC's callback API. Each message read is one command, run by the same
// handler as its unary RPC (command_kinds.h); the answers are written in the
// order the commands were read, each once its handler's `done` has the outcome
// (durable, or a refusal). So a stream is many unary calls that share one
// HTTP/2 stream and answer in order; nothing about a command differs.
//
// Flow control: a read is started only while fewer than kStreamInFlight
// commands, holding fewer than kStreamInFlightBytes of serialized
// requests, are read and not yet answered on the wire; each written
// answer may start the next read. At most one read and one write are
// outstanding at a time (gRPC's rule for a reactor).
//
// End: after the client half-closes (or the call breaks, or a message does
// not decode) no read is started again; once every command read has been
// answered (or, on a broken call, has had its outcome) the call finishes,
// with OK or the undecodable message's INVALID_ARGUMENT. So no handler's
// `done` can run after the reactor is gone.
//
// Thread safety: gRPC runs the reactions, and the log runs the commands'
// `done`, on their own threads; all state below is guarded by mu_, and no
// handler or gRPC operation is started while mu_ is held.
#ifndef REPORTING_SERVICES_COUNTY_COMMAND_STREAM_H_
#define REPORTING_SERVICES_COUNTY_COMMAND_STREAM_H_

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "reporting/v1/command_stream.grpc.pb.h"
#include "services/common/metrics_interceptor.h"
#include "services/county/command_handlers.h"

namespace reporting::county {

// The limits command_stream.proto documents.
inline constexpr size_t kStreamInFlight = 32;
inline constexpr size_t kStreamInFlightBytes = 1 << 20;
inline constexpr int kMaxCommandStreams = 128;

class CommandStream final
    : public grpc::ServerBidiReactor<v1::CommandStreamRequest,
                                     v1::CommandStreamResponse> {
 public:
  // Starts reading. `open_streams` counts the node's open streams: one
  // more than kMaxCommandStreams ends at once with RESOURCE_EXHAUSTED.
  // Each answer is counted in `commands` (reporting_commands_total, as a
  // unary RPC is; may be null). `handlers`, `open_streams` and `commands`
  // must outlive the call. Deletes itself when the call is done.
  CommandStream(grpc::CallbackServerContext* context,
                const CommandHandlers& handlers, std::atomic<int>* open_streams,
                prometheus::Family<prometheus::Counter>* commands);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone() override;

 private:
  // One command read: its request, and its answer once `answered`.
  struct Pending {
    v1::CommandStreamRequest request;
    v1::CommandStreamResponse response;
    // The command's RPC name, its label in reporting_commands_total;
    // "unknown" for a message that holds no command this node knows.
    const char* command = "unknown";
    size_t bytes = 0;
    bool answered = false;
  };

  // What to do once mu_ is released (gRPC calls are made without mu_).
  struct Next {
    Pending* read = nullptr;                           // StartRead into it
    const v1::CommandStreamResponse* write = nullptr;  // StartWrite it
    bool finish = false;                               // Finish(status)
    grpc::Status status;
  };

  // Runs the command held by `pending` (on this thread); its `done`
  // answers it.
  void Run(Pending* pending);
  void Answer(Pending* pending, const grpc::Status& status);
  // Decides the next read, write and finish.
  Next Step() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Do(const Next& next);

  grpc::CallbackServerContext* const context_;
  const CommandHandlers& handlers_;
  std::atomic<int>* const open_streams_;
  prometheus::Family<prometheus::Counter>* const commands_;

  absl::Mutex mu_;
  // Read, not yet written, in the order read; the front is written next.
  std::deque<std::unique_ptr<Pending>> pending_ ABSL_GUARDED_BY(mu_);
  size_t pending_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  std::unique_ptr<Pending> reading_ ABSL_GUARDED_BY(mu_);  // read outstanding
  bool writing_ ABSL_GUARDED_BY(mu_) = false;     // a write outstanding
  bool read_ended_ ABSL_GUARDED_BY(mu_) = false;  // read nothing more
  bool broken_ ABSL_GUARDED_BY(mu_) = false;      // a write failed
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status end_ ABSL_GUARDED_BY(mu_);  // the call's status
};

// The service: a CommandStream per call, over the same handlers as the
// unary CommandServiceImpl (command_service.h).
class CommandStreamServiceImpl final
    : public v1::CommandStreamService::CallbackService {
 public:
  // `env.log` and `metrics` (may be null: nothing counted) must outlive
  // the service; its commands are counted in metrics' CommandsTotal.
  explicit CommandStreamServiceImpl(NodeEnv env,
                                    prometheus::Registry* metrics = nullptr)
      : handlers_(std::move(env)),
        commands_(metrics == nullptr ? nullptr
                                     : &services::CommandsTotal(*metrics)) {}

  grpc::ServerBidiReactor<v1::CommandStreamRequest, v1::CommandStreamResponse>*
  Stream(grpc::CallbackServerContext* context) override {
    return new CommandStream(context, handlers_, &open_streams_, commands_);
  }

 private:
  const CommandHandlers handlers_;
  prometheus::Family<prometheus::Counter>* const commands_;
  std::atomic<int> open_streams_{0};  // each CommandStream counts itself
};

}  // namespace reporting::county

#endif  // REPORTING_SERVICES_COUNTY_COMMAND_STREAM_H_
