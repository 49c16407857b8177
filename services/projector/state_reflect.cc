#include "services/projector/state_reflect.h"

namespace reporting::projector {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

const FieldDescriptor* ToMessage::F(int n) const {
  return m_.GetDescriptor()->FindFieldByNumber(n);
}

void ToMessage::SetNumber(const FieldDescriptor* f, int v) {
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
    r_.SetEnumValue(&m_, f, v);
  } else {
    r_.SetUInt32(&m_, f, static_cast<uint32_t>(v));
  }
}

void ToMessage::Part(int n, const Message& part, int m) {
  const FieldDescriptor* from = part.GetDescriptor()->FindFieldByNumber(m);
  const auto& pr = *part.GetReflection();
  if (from->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    r_.SetString(&m_, F(n), pr.GetString(part, from));
  } else {
    SetNumber(F(n), pr.GetEnumValue(part, from));
  }
}

const FieldDescriptor* FromMessage::F(int n) const {
  return m_.GetDescriptor()->FindFieldByNumber(n);
}

int FromMessage::GetNumber(const FieldDescriptor* f) const {
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
    return r_.GetEnumValue(m_, f);
  }
  return static_cast<int>(r_.GetUInt32(m_, f));
}

void FromMessage::Part(int n, Message& part, int m) {
  const FieldDescriptor* to = part.GetDescriptor()->FindFieldByNumber(m);
  const auto& pr = *part.GetReflection();
  if (to->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    pr.SetString(&part, to, r_.GetString(m_, F(n)));
  } else {
    pr.SetEnumValue(&part, to, GetNumber(F(n)));
  }
}

}  // namespace reporting::projector
