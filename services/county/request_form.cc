#include "services/county/request_form.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/unknown_field_set.h"

namespace reporting::county {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string Path(const std::string& parent, const FieldDescriptor& field,
                 int index) {
  std::string path =
      parent.empty() ? field.name() : absl::StrCat(parent, ".", field.name());
  if (index >= 0) absl::StrAppend(&path, "[", index, "]");
  return path;
}

const char* LimitName(size_t limit) {
  if (limit == kMaxCodeBytes) return "an id or date";
  if (limit == kMaxNameBytes) return "a name";
  return "a text";
}

absl::Status CheckText(const std::string& path, const FieldDescriptor& field,
                       const std::string& value) {
  const size_t limit = TextLimit(field);
  if (value.size() <= limit) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      path, " has ", value.size(), " bytes; the limit for ", LimitName(limit),
      " is ", limit, " bytes (UTF-8; a Chinese character takes 3): shorten it",
      limit == kMaxTextBytes ? " or attach the full text elsewhere" : ""));
}

absl::Status CheckUnknown(const Message& m, const std::string& path) {
  const Reflection& r = *m.GetReflection();
  const google::protobuf::UnknownFieldSet& unknown = r.GetUnknownFields(m);
  if (!unknown.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path.empty() ? "the request" : path, " holds field number ",
        unknown.field(0).number(), ", which ", m.GetDescriptor()->full_name(),
        " does not define: the node records only what the schema says "
        "(proto/reporting/v1/events.proto); remove it or update the client"));
  }
  std::vector<const FieldDescriptor*> fields;
  r.ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (!f->is_repeated()) {
      if (absl::Status s = CheckUnknown(r.GetMessage(m, f), Path(path, *f, -1));
          !s.ok()) {
        return s;
      }
      continue;
    }
    for (int i = 0; i < r.FieldSize(m, f); ++i) {
      if (absl::Status s =
              CheckUnknown(r.GetRepeatedMessage(m, f, i), Path(path, *f, i));
          !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckLimits(const Message& m, const std::string& path) {
  const Reflection& r = *m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r.ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const bool text = f->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
    const bool message = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (!f->is_repeated()) {
      absl::Status s = absl::OkStatus();
      if (text) s = CheckText(Path(path, *f, -1), *f, r.GetString(m, f));
      if (message) s = CheckLimits(r.GetMessage(m, f), Path(path, *f, -1));
      if (!s.ok()) return s;
      continue;
    }
    const int size = r.FieldSize(m, f);
    if (size > kMaxEntries) {
      return absl::InvalidArgumentError(
          absl::StrCat(Path(path, *f, -1), " has ", size,
                       " entries; the limit is ", kMaxEntries));
    }
    for (int i = 0; i < size && (text || message); ++i) {
      absl::Status s =
          text ? CheckText(Path(path, *f, i), *f, r.GetRepeatedString(m, f, i))
               : CheckLimits(r.GetRepeatedMessage(m, f, i), Path(path, *f, i));
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

size_t TextLimit(const FieldDescriptor& field) {
  const std::string& name = field.name();
  if (absl::EndsWith(name, "_id") || absl::EndsWith(name, "_on") ||
      name == "deadline") {
    return kMaxCodeBytes;
  }
  if (name == "name" || absl::EndsWith(name, "_name") ||
      name == "responsible_person" || name == "reviewer" ||
      name == "approving_body" || name == "category" || name == "scope") {
    return kMaxNameBytes;
  }
  return kMaxTextBytes;
}

absl::Status RefuseUnknownFields(const Message& request) {
  return CheckUnknown(request, "");
}

absl::Status CheckRequestForm(const Message& request) {
  if (absl::Status s = RefuseUnknownFields(request); !s.ok()) return s;
  const FieldDescriptor* body_field =
      request.GetDescriptor()->FindFieldByName("body");
  if (body_field == nullptr) return absl::OkStatus();
  const Message& body =
      request.GetReflection()->GetMessage(request, body_field);
  if (absl::Status s = CheckLimits(body, "body"); !s.ok()) return s;
  const size_t bytes = body.ByteSizeLong();
  if (bytes > kMaxBodyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "body has ", bytes, " bytes serialized; the limit is ", kMaxBodyBytes,
        " bytes for one command: shorten its texts"));
  }
  return absl::OkStatus();
}

}  // namespace reporting::county
