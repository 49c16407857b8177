// CommandCheck: after a kill and reopen, checks that every command in the
// log is ALL or NONE (storage/event_log.h: "An append is all or none").
//
// Fed the log's events in sequence order (Add), then Finish checks, for
// every command id found:
// - its events are consecutive sequences (it does not reappear later);
// - their count is the size it was sent with (crash_command.h);
// - if the appender acknowledged it, the acknowledged range;
// - LookupCommand gives exactly that range, and as stream versions the
//   highest version of each stream among those events;
// and for every command that was in flight (sent, not acknowledged) when
// the appender was killed: present whole (above), or absent from both the
// events and the command index.
//
// A torn append (part of it durable) breaks one of these. The
// acknowledged-events check alone would not notice: a torn append was
// never acknowledged.
#ifndef REPORTING_TESTS_CRASH_COMMAND_CHECK_H_
#define REPORTING_TESTS_CRASH_COMMAND_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "reporting/v1/envelope.pb.h"
#include "storage/event_log.h"

namespace reporting::storage {

// First and last sequence of a command.
using SeqRange = std::pair<uint64_t, uint64_t>;

struct CommandCheckTotals {
  uint64_t commands = 0;         // commands found in the log
  uint64_t multi_event = 0;      // ... of which with several events
  uint64_t partial = 0;          // commands breaking a check (each printed)
  uint64_t inflight_whole = 0;   // unacknowledged at the kill, all there
  uint64_t inflight_absent = 0;  // unacknowledged at the kill, none there
};

class CommandCheck {
 public:
  explicit CommandCheck(int round) : round_(round) {}

  // The next event of the log (sequences 1, 2, 3... in order).
  void Add(uint64_t sequence, const v1::EventEnvelope& env);

  // `acked`: command id -> range the appender was answered, every round so
  // far. `inflight`: commands sent this round and never answered.
  // The command index is looked up only for commands ending at or after
  // `index_from` (1: all): LookupCommand rereads a command's events, and
  // a command below the head of an earlier check was looked up then. The
  // events of every command are checked every time.
  CommandCheckTotals Finish(const EventLog& log,
                            const std::map<std::string, SeqRange>& acked,
                            const std::vector<std::string>& inflight,
                            uint64_t index_from);

 private:
  struct Span {
    uint64_t first = 0;
    uint64_t last = 0;
    size_t events = 0;
    bool split = false;  // reappeared after another command's events
    std::map<std::string, uint64_t> versions;  // stream -> highest version
  };

  // Why command `id` (its events: `span`) is not whole, or was
  // acknowledged for other sequences; "" if neither.
  static std::string WhyEvents(const std::string& id, const Span& span,
                               const std::map<std::string, SeqRange>& acked);
  // Why the command index disagrees with its events; "" if it does not.
  static std::string WhyIndex(const EventLog& log, const std::string& id,
                              const Span& span);

  int round_;
  std::map<std::string, Span> spans_;
  // The previous event's command (saves a lookup per event).
  std::pair<const std::string, Span>* current_ = nullptr;
};

}  // namespace reporting::storage

#endif  // REPORTING_TESTS_CRASH_COMMAND_CHECK_H_
