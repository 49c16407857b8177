#include "proto/wire_check.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace reporting::events {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// What a field's bytes must be on the wire for the fast check to vouch for
// them. kUnsure: not checked here (a group, or no such field).
enum class Kind : uint8_t {
  kUnsure,
  kVarint,
  kFixed32,
  kFixed64,
  kString,
  kBytes,
  kMessage
};

struct Plan;

struct FieldPlan {
  Kind kind = Kind::kUnsure;
  bool repeated = false;  // scalars may then also come packed
  const Plan* message = nullptr;
};

// A message type's fields by number; numbers above kMaxPlannedField are
// left to protobuf (ours are all small).
constexpr int kMaxPlannedField = 1024;

struct Plan {
  std::vector<FieldPlan> fields;
};

Kind KindOf(const FieldDescriptor& f) {
  switch (f.type()) {
    case FieldDescriptor::TYPE_INT32:
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_UINT32:
    case FieldDescriptor::TYPE_UINT64:
    case FieldDescriptor::TYPE_SINT32:
    case FieldDescriptor::TYPE_SINT64:
    case FieldDescriptor::TYPE_BOOL:
    case FieldDescriptor::TYPE_ENUM:  // any value parses (open or unknown)
      return Kind::kVarint;
    case FieldDescriptor::TYPE_FIXED32:
    case FieldDescriptor::TYPE_SFIXED32:
    case FieldDescriptor::TYPE_FLOAT:
      return Kind::kFixed32;
    case FieldDescriptor::TYPE_FIXED64:
    case FieldDescriptor::TYPE_SFIXED64:
    case FieldDescriptor::TYPE_DOUBLE:
      return Kind::kFixed64;
    case FieldDescriptor::TYPE_STRING:
      // Checked as UTF-8 even where protobuf would only log (proto2):
      // stricter is safe.
      return Kind::kString;
    case FieldDescriptor::TYPE_BYTES:
      return Kind::kBytes;
    case FieldDescriptor::TYPE_MESSAGE:
      return Kind::kMessage;
    case FieldDescriptor::TYPE_GROUP:
      return Kind::kUnsure;
  }
  return Kind::kUnsure;
}

// Plans, built on first use of a type and kept for the process's life (so
// pointers to them stay valid).
class Plans {
 public:
  const Plan* For(const Descriptor& type) {
    {
      absl::ReaderMutexLock l(&mu_);
      auto it = plans_.find(&type);
      if (it != plans_.end()) return it->second.get();
    }
    absl::MutexLock l(&mu_);
    return BuildLocked(type);
  }

 private:
  const Plan* BuildLocked(const Descriptor& type)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto [it, inserted] = plans_.try_emplace(&type);
    if (!inserted) return it->second.get();  // built, or being built above
    it->second = std::make_unique<Plan>();
    Plan* plan = it->second.get();  // stable: the map holds pointers
    int max_number = 0;
    for (int i = 0; i < type.field_count(); ++i) {
      const int n = type.field(i)->number();
      if (n <= kMaxPlannedField && n > max_number) max_number = n;
    }
    plan->fields.resize(max_number + 1);
    for (int i = 0; i < type.field_count(); ++i) {
      const FieldDescriptor& f = *type.field(i);
      if (f.number() > kMaxPlannedField) continue;
      FieldPlan& fp = plan->fields[f.number()];
      fp.kind = KindOf(f);
      fp.repeated = f.is_repeated();
      if (fp.kind == Kind::kMessage) {
        fp.message = BuildLocked(*f.message_type());  // may recurse to self
      }
    }
    return plan;
  }

  absl::Mutex mu_;
  absl::flat_hash_map<const Descriptor*, std::unique_ptr<Plan>> plans_
      ABSL_GUARDED_BY(mu_);
};

const Plan* PlanFor(const Descriptor& type) {
  // Appends mostly repeat a type: remember the last one per thread.
  thread_local const Descriptor* last_type = nullptr;
  thread_local const Plan* last_plan = nullptr;
  if (last_type != &type) {
    static Plans* plans = new Plans();
    last_plan = plans->For(type);
    last_type = &type;
  }
  return last_plan;
}

// A varint of at most `max_bytes` bytes (10: and a value that fits 64
// bits). protobuf reads field values of up to 10 bytes (and takes some that
// overflow), tags and length prefixes of up to 5: longer or overflowing
// ones are left to it. nullptr if not.
const char* ReadVarint(const char* p, const char* end, int max_bytes,
                       uint64_t* value) {
  uint64_t v = 0;
  for (int i = 0; i < max_bytes && p < end; ++i) {
    const uint8_t b = static_cast<uint8_t>(*p++);
    if (i == 9 && b > 1) return nullptr;
    v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if (b < 0x80) {
      *value = v;
      return p;
    }
  }
  return nullptr;
}

constexpr int kMaxValueBytes = 10, kMaxTagBytes = 5, kMaxLengthBytes = 5;

// A length prefix followed by that many bytes before `end` (so under the
// 2 GiB protobuf allows).
const char* ReadLength(const char* p, const char* end, size_t* length) {
  uint64_t n = 0;
  p = ReadVarint(p, end, kMaxLengthBytes, &n);
  if (p == nullptr || n > static_cast<uint64_t>(end - p)) return nullptr;
  *length = static_cast<size_t>(n);
  return p;
}

bool WalkMessage(const Plan& plan, const char* p, const char* end, int depth);

// One field's value, p just past its tag. nullptr when unsure.
const char* WalkField(const FieldPlan& f, int wire_type, const char* p,
                      const char* end, int depth) {
  constexpr int kWireVarint = 0, kWireFixed64 = 1, kWireLength = 2,
                kWireFixed32 = 5;
  uint64_t ignored = 0;
  size_t n = 0;
  switch (f.kind) {
    case Kind::kUnsure:
      return nullptr;
    case Kind::kVarint:
      if (wire_type == kWireVarint) {
        return ReadVarint(p, end, kMaxValueBytes, &ignored);
      }
      if (wire_type != kWireLength || !f.repeated) return nullptr;
      p = ReadLength(p, end, &n);
      if (p == nullptr) return nullptr;
      for (const char* block_end = p + n; p < block_end;) {
        p = ReadVarint(p, block_end, kMaxValueBytes, &ignored);
        if (p == nullptr) return nullptr;
      }
      return p;
    case Kind::kFixed32:
    case Kind::kFixed64: {
      const bool is32 = f.kind == Kind::kFixed32;
      const size_t width = is32 ? 4 : 8;
      if (wire_type == (is32 ? kWireFixed32 : kWireFixed64)) {
        return static_cast<size_t>(end - p) >= width ? p + width : nullptr;
      }
      if (wire_type != kWireLength || !f.repeated) return nullptr;
      p = ReadLength(p, end, &n);
      return p != nullptr && n % width == 0 ? p + n : nullptr;
    }
    case Kind::kString:
    case Kind::kBytes:
    case Kind::kMessage:
      if (wire_type != kWireLength) return nullptr;
      p = ReadLength(p, end, &n);
      if (p == nullptr) return nullptr;
      if (f.kind == Kind::kString && !IsValidUtf8(absl::string_view(p, n))) {
        return nullptr;
      }
      if (f.kind == Kind::kMessage &&
          !WalkMessage(*f.message, p, p + n, depth + 1)) {
        return nullptr;
      }
      return p + n;
  }
  return nullptr;
}

bool WalkMessage(const Plan& plan, const char* p, const char* end, int depth) {
  if (depth > kMaxDepth) return false;
  while (p < end) {
    uint64_t tag = 0;
    p = ReadVarint(p, end, kMaxTagBytes, &tag);
    if (p == nullptr) return false;
    const uint64_t number = tag >> 3;
    // Field 0 (also how protobuf sees a zero tag) and unplanned numbers;
    // planned ones are small, so protobuf reads the same tag (it keeps
    // only 32 bits).
    if (number == 0 || number >= plan.fields.size()) return false;
    p = WalkField(plan.fields[number], static_cast<int>(tag & 7), p, end,
                  depth);
    if (p == nullptr) return false;
  }
  return true;
}

}  // namespace

bool SurelyParses(const Descriptor& type, absl::string_view bytes) {
  return WalkMessage(*PlanFor(type), bytes.data(), bytes.data() + bytes.size(),
                     0);
}

bool IsValidUtf8(absl::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* const end = p + s.size();
  auto cont = [](unsigned char c) { return (c & 0xc0) == 0x80; };
  while (p < end) {
    if (end - p >= 8) {  // eight ASCII bytes at a time
      uint64_t w;
      std::memcpy(&w, p, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        p += 8;
        continue;
      }
    }
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
    } else if (c < 0xc2) {  // a continuation byte, or an overlong 2-byte form
      return false;
    } else if (c < 0xe0) {
      if (end - p < 2 || !cont(p[1])) return false;
      p += 2;
    } else if (c < 0xf0) {
      if (end - p < 3 || !cont(p[1]) || !cont(p[2])) return false;
      if (c == 0xe0 && p[1] < 0xa0) return false;  // overlong
      if (c == 0xed && p[1] > 0x9f) return false;  // a surrogate
      p += 3;
    } else if (c < 0xf5) {
      if (end - p < 4 || !cont(p[1]) || !cont(p[2]) || !cont(p[3])) {
        return false;
      }
      if (c == 0xf0 && p[1] < 0x90) return false;  // overlong
      if (c == 0xf4 && p[1] > 0x8f) return false;  // above U+10FFFF
      p += 4;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace reporting::events
