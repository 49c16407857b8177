#include "services/common/stream_read.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/unknown_field_set.h"

namespace reporting::services {
namespace {

// An unknown field number no schema of ours uses, as the "not yet parsed"
// mark (the largest valid field number).
constexpr int kMarkField = 536870911;

}  // namespace

namespace internal {

void MarkUnread(google::protobuf::Message* message) {
  message->Clear();
  message->GetReflection()->MutableUnknownFields(message)->AddVarint(kMarkField,
                                                                     1);
}

bool StillMarked(const google::protobuf::Message& message) {
  const google::protobuf::UnknownFieldSet& unknown =
      message.GetReflection()->GetUnknownFields(message);
  return unknown.field_count() == 1 && unknown.field(0).number() == kMarkField;
}

}  // namespace internal

namespace {

absl::Status Undecodable(const std::string& what, const std::string& type) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": a message of this stream could not be decoded as ",
                   type, "; the stream is ended, nothing after it was done"));
}

}  // namespace

absl::Status UndecodableStatus(grpc::ServerContext* context,
                               const std::string& what,
                               const std::string& type) {
  context->AddTrailingMetadata(kUndecodableTrailer, "1");
  return Undecodable(what, type);
}

absl::Status UndecodableStatus(grpc::CallbackServerContext* context,
                               const std::string& what,
                               const std::string& type) {
  context->AddTrailingMetadata(kUndecodableTrailer, "1");
  return Undecodable(what, type);
}

}  // namespace reporting::services
