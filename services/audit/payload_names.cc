#include "services/audit/payload_names.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "proto/event_types.h"

namespace reporting::audit {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;

// What one top-level field of a payload type can name.
struct NamingField {
  int number = 0;
  bool unit = false;      // `unit_id`: names that unit
  bool owned_id = false;  // branch/member/item/meeting id: names its unit
  bool member = false;    // `member_id`: names that member
};

using Table = absl::flat_hash_map<std::string, std::vector<NamingField>>;

const Table& NamingTable() {
  static const Table* table = [] {
    auto* t = new Table();
    const auto* pool = google::protobuf::DescriptorPool::generated_pool();
    for (const std::string& type : events::AllTypes()) {
      const google::protobuf::Descriptor* d = pool->FindMessageTypeByName(type);
      std::vector<NamingField>& fields = (*t)[type];
      if (d == nullptr) continue;
      for (int i = 0; i < d->field_count(); ++i) {
        const FieldDescriptor* f = d->field(i);
        if (f->is_repeated() || f->type() != FieldDescriptor::TYPE_STRING) {
          continue;
        }
        NamingField n;
        n.number = f->number();
        const std::string& name = f->name();
        n.unit = name == "unit_id";
        n.member = name == "member_id";
        n.owned_id = n.member || name == "branch_id" || name == "item_id" ||
                     name == "meeting_id";
        if (n.unit || n.owned_id) fields.push_back(n);
      }
    }
    return t;
  }();
  return *table;
}

// Calls match(field, value) for each naming field of the payload; true as
// soon as one returns true.
template <typename Match>
bool AnyField(absl::string_view event_type, absl::string_view payload,
              const Match& match) {
  const Table& table = NamingTable();
  auto it = table.find(event_type);
  if (it == table.end() || it->second.empty()) return false;
  const std::vector<NamingField>& fields = it->second;
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(payload.data()),
      static_cast<int>(payload.size()));
  for (;;) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) return false;
    const int number = static_cast<int>(WireFormatLite::GetTagFieldNumber(tag));
    const NamingField* field = nullptr;
    if (WireFormatLite::GetTagWireType(tag) ==
        WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      for (const NamingField& f : fields) {
        if (f.number == number) field = &f;
      }
    }
    if (field == nullptr) {
      if (!WireFormatLite::SkipField(&in, tag)) return false;
      continue;
    }
    uint32_t size = 0;
    if (!in.ReadVarint32(&size)) return false;
    const size_t at = static_cast<size_t>(in.CurrentPosition());
    if (size > payload.size() - at) return false;
    if (match(*field, payload.substr(at, size))) return true;
    if (!in.Skip(static_cast<int>(size))) return false;
  }
}

}  // namespace

bool UnitOfIdIs(absl::string_view id, absl::string_view unit_id) {
  return id.size() > unit_id.size() + 1 && absl::StartsWith(id, unit_id) &&
         id[unit_id.size()] == '-' &&
         id.find('-', unit_id.size() + 1) == absl::string_view::npos;
}

bool PayloadNamesUnit(absl::string_view event_type, absl::string_view payload,
                      absl::string_view unit_id) {
  if (unit_id.empty() || !absl::StrContains(payload, unit_id)) return false;
  return AnyField(event_type, payload,
                  [unit_id](const NamingField& f, absl::string_view v) {
                    return (f.unit && v == unit_id) ||
                           (f.owned_id && UnitOfIdIs(v, unit_id));
                  });
}

bool PayloadNamesMember(absl::string_view event_type, absl::string_view payload,
                        absl::string_view member_id) {
  if (member_id.empty() || !absl::StrContains(payload, member_id)) {
    return false;
  }
  return AnyField(event_type, payload,
                  [member_id](const NamingField& f, absl::string_view v) {
                    return f.member && v == member_id;
                  });
}

}  // namespace reporting::audit
