// CommandWriter: sends RegisterNode, then RegisterUnit commands ("unit-N",
// one event each) to a county node as fast as it answers, from its own
// thread, retrying a refused command with the same command id after a
// short pause; keeps what was acknowledged (command id -> sequence) and
// the last refusal, so a test can see commands refused while a disk is
// full and accepted again after.
//
// Thread safety: all methods may be called from any thread.
#ifndef REPORTING_TESTS_DISK_COMMAND_WRITER_H_
#define REPORTING_TESTS_DISK_COMMAND_WRITER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace reporting::disk_test {

class CommandWriter {
 public:
  CommandWriter(std::string node_id, std::string county_address);
  ~CommandWriter();  // Stop()
  void Stop();

  // Commands acknowledged so far: command id -> last sequence.
  std::map<std::string, uint64_t> acknowledged() const;
  uint64_t acknowledged_count() const;
  // The last refusal (OK when the last command was accepted).
  absl::Status last() const;
  uint64_t refusals() const;

 private:
  void Run();

  const std::string node_id_;
  const std::string address_;
  std::atomic<bool> stop_{false};
  mutable absl::Mutex mu_;
  std::map<std::string, uint64_t> acked_ ABSL_GUARDED_BY(mu_);
  absl::Status last_ ABSL_GUARDED_BY(mu_);
  uint64_t refusals_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace reporting::disk_test

#endif  // REPORTING_TESTS_DISK_COMMAND_WRITER_H_
