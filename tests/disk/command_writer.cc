#include "tests/disk/command_writer.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "reporting/v1/command.grpc.pb.h"
#include "tests/replication/harness.h"

namespace reporting::disk_test {

CommandWriter::CommandWriter(std::string node_id, std::string county_address)
    : node_id_(std::move(node_id)),
      address_(std::move(county_address)),
      thread_([this] { Run(); }) {}

CommandWriter::~CommandWriter() { Stop(); }

void CommandWriter::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::map<std::string, uint64_t> CommandWriter::acknowledged() const {
  absl::MutexLock l(&mu_);
  return acked_;
}

uint64_t CommandWriter::acknowledged_count() const {
  absl::MutexLock l(&mu_);
  return acked_.size();
}

absl::Status CommandWriter::last() const {
  absl::MutexLock l(&mu_);
  return last_;
}

uint64_t CommandWriter::refusals() const {
  absl::MutexLock l(&mu_);
  return refusals_;
}

void CommandWriter::Run() {
  auto channel =
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
  auto stub = v1::CommandService::NewStub(channel);
  uint64_t n = 0;  // 0 = RegisterNode, then units 1, 2, ...
  while (!stop_) {
    absl::StatusOr<uint64_t> seq =
        replication_test::SendUnit(*stub, node_id_, n);
    {
      absl::MutexLock l(&mu_);
      last_ = seq.status();
      if (seq.ok()) {
        acked_[n == 0 ? "register-node" : absl::StrCat("unit-", n)] = *seq;
        ++n;
        continue;
      }
      ++refusals_;
    }
    // Retry the same command id, as a clerk's system would.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace reporting::disk_test
