#include "services/county/node_today.h"

#include "absl/time/time.h"
#include "services/domain/dates.h"

namespace reporting::county {

std::string NodeToday(const NodeEnv& env) {
  return domain::DateOf(absl::FromUnixMicros(env.now_us()),
                        absl::LocalTimeZone());
}

}  // namespace reporting::county
