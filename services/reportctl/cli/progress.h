// A progress bar on stderr for long work (replays, exports, imports,
// generation): "label [#####.....] 51% 510000/1000000 12345/s ETA 0:41".
//
// Drawn only when stderr is a terminal (or `force`), at most 10 times a
// second, so it costs nothing in a pipeline or a test. Finish() prints the
// final line and a newline.
//
// Thread-compatible: one thread updates it.
#ifndef REPORTING_SERVICES_REPORTCTL_CLI_PROGRESS_H_
#define REPORTING_SERVICES_REPORTCTL_CLI_PROGRESS_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace reporting::reportctl {

class ProgressBar {
 public:
  // total 0: unknown (no bar, no ETA; counts and rate only).
  ProgressBar(std::string label, uint64_t total, bool force = false);
  ~ProgressBar();

  void set_total(uint64_t total) { total_ = total; }
  void Update(uint64_t done);
  void Finish();

 private:
  void Draw(bool final_line);

  std::string label_;
  uint64_t total_;
  uint64_t done_ = 0;
  bool enabled_;
  bool finished_ = false;
  absl::Time start_;
  absl::Time last_draw_;
};

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_CLI_PROGRESS_H_
