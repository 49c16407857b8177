// The two visitors of state_schema.h that go through protobuf reflection:
// a state's lines into a message (ToMessage) and back (FromMessage). The
// field of each line is looked up by number in the message's descriptor;
// state_schema_test checks that every line names a field of a matching
// type, so the lookups here cannot miss.
//
// Used by state_codec.cc for every kind (a rebuild's numerous flat rows are
// written by state_row.h's byte encoder instead). Thread-compatible.
#ifndef REPORTING_SERVICES_PROJECTOR_STATE_REFLECT_H_
#define REPORTING_SERVICES_PROJECTOR_STATE_REFLECT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "google/protobuf/message.h"
#include "services/projector/state_schema.h"

namespace reporting::projector {

class ToMessage {
 public:
  explicit ToMessage(google::protobuf::Message& m)
      : m_(m), r_(*m.GetReflection()) {}

  void Str(int n, const std::string& v) { r_.SetString(&m_, F(n), v); }
  void Flag(int n, bool v) { r_.SetBool(&m_, F(n), v); }
  void U32(int n, uint32_t v) { r_.SetUInt32(&m_, F(n), v); }
  void U64(int n, uint64_t v) { r_.SetUInt64(&m_, F(n), v); }
  void I64(int n, int64_t v) { r_.SetInt64(&m_, F(n), v); }
  template <typename E>
  void Enum(int n, E v) {
    SetNumber(F(n), static_cast<int>(v));
  }
  // Field `m` of `part` is a string or an enum.
  void Part(int n, const google::protobuf::Message& part, int m);
  void Embedded(int n, const google::protobuf::Message& v) {
    r_.MutableMessage(&m_, F(n))->CopyFrom(v);
  }
  template <typename R>
  void Records(int n, const std::vector<R>& records) {
    for (const R& record : records) {
      ToMessage sub(*r_.AddMessage(&m_, F(n)));
      Fields(sub, record);
    }
  }

 private:
  const google::protobuf::FieldDescriptor* F(int n) const;
  // An enum field, or a uint32 field holding a domain enum class.
  void SetNumber(const google::protobuf::FieldDescriptor* f, int v);

  google::protobuf::Message& m_;
  const google::protobuf::Reflection& r_;
};

class FromMessage {
 public:
  explicit FromMessage(const google::protobuf::Message& m)
      : m_(m), r_(*m.GetReflection()) {}

  void Str(int n, std::string& v) { v = r_.GetString(m_, F(n)); }
  void Flag(int n, bool& v) { v = r_.GetBool(m_, F(n)); }
  void U32(int n, uint32_t& v) { v = r_.GetUInt32(m_, F(n)); }
  void U64(int n, uint64_t& v) { v = r_.GetUInt64(m_, F(n)); }
  void I64(int n, int64_t& v) { v = r_.GetInt64(m_, F(n)); }
  template <typename E>
  void Enum(int n, E& v) {
    v = static_cast<E>(GetNumber(F(n)));
  }
  void Part(int n, google::protobuf::Message& part, int m);
  void Embedded(int n, google::protobuf::Message& v) {
    v.CopyFrom(r_.GetMessage(m_, F(n)));
  }
  template <typename R>
  void Records(int n, std::vector<R>& records) {
    const google::protobuf::FieldDescriptor* f = F(n);
    const int count = r_.FieldSize(m_, f);
    records.assign(count, R{});
    for (int i = 0; i < count; ++i) {
      FromMessage sub(r_.GetRepeatedMessage(m_, f, i));
      Fields(sub, records[i]);
    }
  }

 private:
  const google::protobuf::FieldDescriptor* F(int n) const;
  int GetNumber(const google::protobuf::FieldDescriptor* f) const;

  const google::protobuf::Message& m_;
  const google::protobuf::Reflection& r_;
};

}  // namespace reporting::projector

#endif  // REPORTING_SERVICES_PROJECTOR_STATE_REFLECT_H_
