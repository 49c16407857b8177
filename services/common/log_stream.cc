#include "services/common/log_stream.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/status_macros.h"

namespace reporting::services {

absl::StatusOr<domain::Stream> ReadWholeStream(const storage::EventLog& log,
                                               absl::string_view stream_id) {
  domain::Stream stream;
  stream.id = std::string(stream_id);
  uint64_t from = 1;
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<storage::StoredEvent> batch,
                     log.ReadStream(stream_id, from));
    if (batch.empty()) break;
    for (const storage::StoredEvent& stored : batch) {
      v1::EventEnvelope envelope;
      if (!envelope.ParseFromString(stored.envelope)) {
        return absl::DataLossError(
            absl::StrCat("stream ", stream_id, ": stored event at sequence ",
                         stored.sequence, " does not parse as an envelope"));
      }
      stream.events.push_back(std::move(envelope));
    }
    stream.version = stream.events.back().stream_version();
    from = stream.version + 1;
  }
  return stream;
}

}  // namespace reporting::services
