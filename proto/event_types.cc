#include "proto/event_types.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "reporting/v1/events.pb.h"

namespace reporting::events {
namespace {

const google::protobuf::FileDescriptor* EventsFile() {
  // Referencing a message forces the generated file to be linked and
  // registered with the generated pool.
  return reporting::v1::NodeRegistered::descriptor()->file();
}

const google::protobuf::Descriptor* FindEventDescriptor(
    absl::string_view type) {
  const google::protobuf::Descriptor* d =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
          std::string(type));
  if (d == nullptr || d->file() != EventsFile()) return nullptr;
  // Nested helper messages (CensusProblem, FloatingMembers) are values, not
  // events: they are top-level messages but carry no event meaning alone.
  const std::string& name = d->name();
  if (name == "CensusProblem" || name == "FloatingMembers") return nullptr;
  return d;
}

}  // namespace

bool IsKnownType(absl::string_view type) {
  return FindEventDescriptor(type) != nullptr;
}

const std::vector<std::string>& AllTypes() {
  static const std::vector<std::string>* types = [] {
    auto* v = new std::vector<std::string>();
    const google::protobuf::FileDescriptor* f = EventsFile();
    for (int i = 0; i < f->message_type_count(); ++i) {
      const std::string& full = f->message_type(i)->full_name();
      if (FindEventDescriptor(full) != nullptr) v->push_back(full);
    }
    std::sort(v->begin(), v->end());
    return v;
  }();
  return *types;
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> ParsePayload(
    absl::string_view type, absl::string_view payload) {
  const google::protobuf::Descriptor* d = FindEventDescriptor(type);
  if (d == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown event type \"", type,
                     "\": not a message of reporting/v1/events.proto"));
  }
  std::unique_ptr<google::protobuf::Message> m(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(d)
          ->New());
  if (!m->ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "payload of ", payload.size(), " bytes does not parse as ", type));
  }
  return m;
}

absl::Status ValidatePayload(absl::string_view type,
                             absl::string_view payload) {
  return ParsePayload(type, payload).status();
}

}  // namespace reporting::events
