#include "tests/bench/bare_loop.h"

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "reporting/v1/envelope.pb.h"
#include "storage/status_macros.h"

namespace reporting::bench {

absl::StatusOr<uint64_t> BareIterateAndParse(const storage::EventLog& log) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::map<std::string, std::unique_ptr<google::protobuf::Message>> payloads;
  v1::EventEnvelope envelope;
  uint64_t n = 0;
  storage::ReadLimits limits;
  limits.max_events = 8192;
  limits.max_bytes = 16 << 20;
  uint64_t next = 1;
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<storage::StoredEvent> events,
                     log.Read(next, limits));
    if (events.empty()) break;
    for (const storage::StoredEvent& e : events) {
      if (!envelope.ParseFromString(e.envelope)) {
        return absl::InternalError(
            absl::StrCat("envelope ", e.sequence, " does not parse"));
      }
      auto& m = payloads[envelope.event_type()];
      if (m == nullptr) {
        const auto* type = pool->FindMessageTypeByName(envelope.event_type());
        if (type == nullptr) {
          return absl::InternalError(
              absl::StrCat("unknown event type ", envelope.event_type()));
        }
        m.reset(factory->GetPrototype(type)->New());
      }
      if (!m->ParseFromString(envelope.payload())) {
        return absl::InternalError(
            absl::StrCat("payload ", e.sequence, " does not parse"));
      }
      ++n;
    }
    next = events.back().sequence + 1;
  }
  return n;
}

}  // namespace reporting::bench
