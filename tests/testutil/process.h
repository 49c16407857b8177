// Child processes for multi-process tests: start a real binary, wait for
// its port, signal it, reap it. Also a free-port picker for loopback.
//
// Thread compatibility: a Process object is used from one thread.
#ifndef REPORTING_TESTS_TESTUTIL_PROCESS_H_
#define REPORTING_TESTS_TESTUTIL_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace reporting::testutil {

// A loopback TCP port that was free a moment ago, outside the kernel's
// ephemeral range (so no outgoing connection takes it while its server is
// down between a kill and a restart).
int FreePort();

// True once something accepts TCP connections on 127.0.0.1:port, polling
// until timeout_ms passes.
bool WaitForPort(int port, int timeout_ms);

class Process {
 public:
  // Starts argv[0] with the given arguments; stdout and stderr go to
  // log_path when it is not empty (appended), else are inherited.
  Process(std::vector<std::string> argv, const std::string& log_path = "");
  ~Process();  // SIGKILLs and reaps a child still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // Sends a signal (e.g. SIGTERM, SIGKILL).
  void Signal(int sig);
  // Waits up to timeout_ms for exit; returns the wait status, or -1 on
  // timeout (the child keeps running).
  int Wait(int timeout_ms);
  // SIGKILL and reap.
  void Kill();

 private:
  pid_t pid_ = -1;
};

}  // namespace reporting::testutil

#endif  // REPORTING_TESTS_TESTUTIL_PROCESS_H_
