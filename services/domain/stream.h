// One stream as read from a node's log: its id, its events (parsed
// envelopes, in stream order) and its version. What the folds take and
// what LoadUnit (unit_loader.h) reads through; the read itself is
// services/common/log_stream.h (storage is not the domain's).
#ifndef REPORTING_SERVICES_DOMAIN_STREAM_H_
#define REPORTING_SERVICES_DOMAIN_STREAM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "reporting/v1/envelope.pb.h"

namespace reporting::domain {

struct Stream {
  std::string id;
  uint64_t version = 0;  // 0 (storage::kNoStream) when it has no events
  std::vector<v1::EventEnvelope> events;
};

}  // namespace reporting::domain

#endif  // REPORTING_SERVICES_DOMAIN_STREAM_H_
