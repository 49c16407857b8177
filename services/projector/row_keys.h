// Row keys of the projector's tables (projector.h lists them) and the
// aggregate kind of a stream id. Internal to services/projector/.
//
// Pure functions; thread-safe.
#ifndef REPORTING_SERVICES_PROJECTOR_ROW_KEYS_H_
#define REPORTING_SERVICES_PROJECTOR_ROW_KEYS_H_

#include "absl/strings/string_view.h"

namespace reporting::projector {

// Separates the node id from the rest of a key.
inline constexpr char kSep = '\0';

enum class Kind {
  kNode,
  kUnit,
  kEvaluation,
  kMaterial,
  kMeeting,
  kItem,
  kCensus,
  kOther
};

// The aggregate kind of a stream id ("unit/371302-U0042" -> kUnit); the
// stream layout is documented in events.proto.
Kind KindOf(absl::string_view stream_id);

// The node id and the stream id of a state key (StateKey).
absl::string_view NodeOfKey(absl::string_view key);
absl::string_view StreamOfKey(absl::string_view key);

}  // namespace reporting::projector

#endif  // REPORTING_SERVICES_PROJECTOR_ROW_KEYS_H_
