#include "services/reportctl/cli/progress.h"

#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace reporting::reportctl {

ProgressBar::ProgressBar(std::string label, uint64_t total, bool force)
    : label_(std::move(label)),
      total_(total),
      enabled_(force || isatty(STDERR_FILENO) == 1),
      start_(absl::Now()),
      last_draw_(absl::InfinitePast()) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Update(uint64_t done) {
  done_ = done;
  if (!enabled_) return;
  const absl::Time now = absl::Now();
  if (now - last_draw_ < absl::Milliseconds(100)) return;
  last_draw_ = now;
  Draw(false);
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_) Draw(true);
}

void ProgressBar::Draw(bool final_line) {
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
  const double rate = seconds > 0 ? done_ / seconds : 0;
  std::string line = absl::StrCat("\r", label_, " ");
  if (total_ > 0) {
    constexpr int kWidth = 30;
    const double fraction =
        done_ >= total_ ? 1.0 : static_cast<double>(done_) / total_;
    const int filled = static_cast<int>(fraction * kWidth);
    absl::StrAppend(&line, "[", std::string(filled, '#'),
                    std::string(kWidth - filled, '.'), "] ",
                    static_cast<int>(fraction * 100), "% ", done_, "/", total_);
  } else {
    absl::StrAppend(&line, done_);
  }
  absl::StrAppend(&line, " ", static_cast<uint64_t>(rate), "/s");
  if (total_ > 0 && rate > 0 && done_ < total_ && !final_line) {
    const uint64_t eta = static_cast<uint64_t>((total_ - done_) / rate);
    absl::StrAppend(&line, absl::StrFormat(" ETA %d:%02d", eta / 60, eta % 60));
  }
  absl::StrAppend(&line, "   ", final_line ? "\n" : "");
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace reporting::reportctl
