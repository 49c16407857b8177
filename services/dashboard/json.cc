#include "services/dashboard/json.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/json_text.h"

namespace reporting::dashboard {

using services::JsonQuote;

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options)
           .ok()) {
    return ErrorJson("the answer could not be written as JSON");
  }
  return out;
}

std::string UnitPageJson(const UnitPage& page) {
  std::string out =
      absl::StrCat("{\"unit\":", ToJson(page.row), ",\"timeline\":[");
  for (size_t i = 0; i < page.timeline.size(); ++i) {
    const TimelineEntry& t = page.timeline[i];
    absl::StrAppend(&out, i ? "," : "", "{\"sequence\":", t.sequence,
                    ",\"stream_version\":", t.stream_version,
                    ",\"event_type\":", JsonQuote(t.event_type),
                    ",\"detail\":", JsonQuote(t.detail),
                    ",\"recorded_at_us\":", t.recorded_at_us,
                    ",\"received_at_us\":", t.received_at_us,
                    ",\"actor\":", JsonQuote(t.actor), "}");
  }
  absl::StrAppend(&out, "],\"reasons\":[");
  for (size_t i = 0; i < page.reasons.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", ToJson(page.reasons[i]));
  }
  absl::StrAppend(&out, "],\"roster_events\":", page.members_registered_events,
                  "}");
  return out;
}

std::string ErrorJson(const std::string& message) {
  return absl::StrCat("{\"error\":", JsonQuote(message), "}");
}

}  // namespace reporting::dashboard
