#include "services/reportctl/audit_figures.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"

namespace reporting::reportctl {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string Scalar(const Message& m, const FieldDescriptor* f, int index) {
  const Reflection* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r->GetRepeatedInt32(m, f, index)
                              : r->GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(rep ? r->GetRepeatedInt64(m, f, index)
                              : r->GetInt64(m, f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r->GetRepeatedUInt32(m, f, index)
                              : r->GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(rep ? r->GetRepeatedUInt64(m, f, index)
                              : r->GetUInt64(m, f));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(rep ? r->GetRepeatedDouble(m, f, index)
                              : r->GetDouble(m, f));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(rep ? r->GetRepeatedFloat(m, f, index)
                              : r->GetFloat(m, f));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f))
                 ? "true"
                 : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return std::string(
          (rep ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f))->name());
    case FieldDescriptor::CPPTYPE_STRING:
      return rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return (rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f))
          .ShortDebugString();
  }
  return "";
}

// Map fields whose int32 keys are enum numbers (projection.proto says
// which), so a table shows "by_stage[STUDY_MOBILISATION]", not "by_stage[1]".
const char* KeyEnum(const std::string& field) {
  static const auto* names = new std::map<std::string, std::string>{
      {"by_batch", "reporting.v1.Batch"},
      {"by_stage", "reporting.v1.Stage"},
      {"summaries_filed", "reporting.v1.Stage"},
      {"blocked_by_reason", "reporting.v1.BlockingReasonCode"},
      {"waiting_by_reason", "reporting.v1.BlockingReasonCode"},
      {"by_rating", "reporting.v1.Rating"},
      {"held_by_kind", "reporting.v1.MeetingKind"},
      {"by_kind", "reporting.v1.RectificationKind"},
      {"by_class", "reporting.v1.RectificationClass"},
      {"by_status", "reporting.v1.RectificationStatus"},
  };
  auto it = names->find(field);
  return it == names->end() ? nullptr : it->second.c_str();
}

// The enum value's name without the enum's common prefix ("STAGE_"), or
// the number when unknown.
std::string EnumName(const char* enum_name, int number) {
  const auto* e =
      google::protobuf::DescriptorPool::generated_pool()->FindEnumTypeByName(
          enum_name);
  const auto* v = e == nullptr ? nullptr : e->FindValueByNumber(number);
  if (v == nullptr) return absl::StrCat(number);
  std::string name(v->name());
  const auto* unspecified = e->FindValueByNumber(0);
  if (unspecified != nullptr) {
    const std::string prefix(unspecified->name().substr(
        0, unspecified->name().size() - std::string("UNSPECIFIED").size()));
    if (absl::StartsWith(name, prefix)) name = name.substr(prefix.size());
  }
  return name;
}

std::string MapKey(const std::string& field, const Message& entry,
                   const FieldDescriptor* key) {
  if (key->cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
    const int number = entry.GetReflection()->GetInt32(entry, key);
    if (field == "by_stage_step") {  // stage * 10 + next step
      return absl::StrCat(EnumName("reporting.v1.Stage", number / 10), "/",
                          EnumName("reporting.v1.TransitionStep", number % 10));
    }
    if (const char* e = KeyEnum(field)) return EnumName(e, number);
  }
  return Scalar(entry, key, 0);
}

}  // namespace

void FlattenFigures(const Message& message, const std::string& prefix,
                    FigureRows* out) {
  const auto* d = message.GetDescriptor();
  const Reflection* r = message.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const std::string name = absl::StrCat(prefix, f->name());
    if (f->is_map()) {
      const FieldDescriptor* key = f->message_type()->map_key();
      const FieldDescriptor* value = f->message_type()->map_value();
      FigureRows entries;
      for (int k = 0; k < r->FieldSize(message, f); ++k) {
        const Message& entry = r->GetRepeatedMessage(message, f, k);
        entries.emplace_back(MapKey(std::string(f->name()), entry, key),
                             Scalar(entry, value, 0));
      }
      std::sort(entries.begin(), entries.end());
      for (const auto& [k, v] : entries) {
        out->emplace_back(absl::StrCat(name, "[", k, "]"), v);
      }
    } else if (f->is_repeated() &&
               f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      for (int k = 0; k < r->FieldSize(message, f); ++k) {
        FlattenFigures(r->GetRepeatedMessage(message, f, k),
                       absl::StrCat(name, "[", k, "]."), out);
      }
    } else if (f->is_repeated()) {
      std::vector<std::string> items;
      for (int k = 0; k < r->FieldSize(message, f); ++k) {
        items.push_back(Scalar(message, f, k));
      }
      out->emplace_back(name, absl::StrJoin(items, ","));
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      FlattenFigures(r->GetMessage(message, f), name + ".", out);
    } else {
      out->emplace_back(name, Scalar(message, f, 0));
    }
  }
}

}  // namespace reporting::reportctl
