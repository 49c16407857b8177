#include "services/county/future_dates.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/domain/dates.h"

namespace reporting::county {

absl::Status RefuseFutureDates(const google::protobuf::Message& request,
                               int64_t now_us) {
  using google::protobuf::FieldDescriptor;
  const FieldDescriptor* body_field =
      request.GetDescriptor()->FindFieldByName("body");
  if (body_field == nullptr) return absl::OkStatus();
  const google::protobuf::Message& body =
      request.GetReflection()->GetMessage(request, body_field);
  const absl::Time now = absl::FromUnixMicros(now_us);
  const std::string tomorrow =
      domain::DateOf(now + absl::Hours(24), absl::LocalTimeZone());
  std::vector<const FieldDescriptor*> fields;
  body.GetReflection()->ListFields(body, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_STRING || f->is_repeated() ||
        !absl::EndsWith(f->name(), "_on")) {
      continue;
    }
    const std::string date = body.GetReflection()->GetString(body, f);
    if (!domain::IsValidDate(date) || date <= tomorrow) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        "body.", f->name(), " ", date,
        " is more than a day after this node's date ",
        domain::DateOf(now, absl::LocalTimeZone()),
        ": it cannot have happened yet; check the date (and, if it is "
        "right, the node's clock), then send it under a new command id"));
  }
  return absl::OkStatus();
}

}  // namespace reporting::county
