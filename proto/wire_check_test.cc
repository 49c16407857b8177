#include "proto/wire_check.h"

#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/message.h"
#include "google/protobuf/stubs/logging.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"

namespace reporting::events {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// protobuf logs every string with invalid UTF-8 it refuses: millions here.
class QuietProtobuf : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = google::protobuf::SetLogHandler(nullptr);
  }
  void TearDown() override { google::protobuf::SetLogHandler(previous_); }

 private:
  google::protobuf::LogHandler* previous_ = nullptr;
};

std::unique_ptr<Message> NewMessage(const Descriptor* d) {
  return std::unique_ptr<Message>(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(d)
          ->New());
}

bool ProtobufParses(const Descriptor* d, const std::string& bytes) {
  return NewMessage(d)->ParseFromString(bytes);
}

std::string RandomText(std::mt19937_64& rng) {
  static const char* const kPieces[] = {"371302-U", "兰山区", "机关党委", "a",
                                        "0042",     "€",      "😀",        " "};
  std::string s;
  const int n = static_cast<int>(rng() % 6);
  for (int i = 0; i < n; ++i) s += kPieces[rng() % 8];
  return s;
}

// Sets every field of `m` (repeated ones 0-3 times, messages to depth 3)
// to random values of its type, through reflection.
void Fill(Message* m, std::mt19937_64& rng, int depth) {
  const Reflection* r = m->GetReflection();
  const Descriptor* d = m->GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const int count = f->is_repeated() ? static_cast<int>(rng() % 4) : 1;
    for (int k = 0; k < count; ++k) {
      const bool rep = f->is_repeated();
      const uint64_t v = rng() >> (rng() % 64);
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_INT32:
          rep ? r->AddInt32(m, f, static_cast<int32_t>(v))
              : r->SetInt32(m, f, static_cast<int32_t>(v));
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          rep ? r->AddInt64(m, f, static_cast<int64_t>(v))
              : r->SetInt64(m, f, static_cast<int64_t>(v));
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
          rep ? r->AddUInt32(m, f, static_cast<uint32_t>(v))
              : r->SetUInt32(m, f, static_cast<uint32_t>(v));
          break;
        case FieldDescriptor::CPPTYPE_UINT64:
          rep ? r->AddUInt64(m, f, v) : r->SetUInt64(m, f, v);
          break;
        case FieldDescriptor::CPPTYPE_DOUBLE:
          rep ? r->AddDouble(m, f, static_cast<double>(v) / 7)
              : r->SetDouble(m, f, static_cast<double>(v) / 7);
          break;
        case FieldDescriptor::CPPTYPE_FLOAT:
          rep ? r->AddFloat(m, f, static_cast<float>(v) / 7)
              : r->SetFloat(m, f, static_cast<float>(v) / 7);
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          rep ? r->AddBool(m, f, v % 2) : r->SetBool(m, f, v % 2);
          break;
        case FieldDescriptor::CPPTYPE_ENUM: {
          const int value = static_cast<int>(rng() % 5);  // known or not
          rep ? r->AddEnumValue(m, f, value) : r->SetEnumValue(m, f, value);
          break;
        }
        case FieldDescriptor::CPPTYPE_STRING: {
          std::string s = RandomText(rng);
          if (f->type() == FieldDescriptor::TYPE_BYTES) s += "\xff\x00";
          rep ? r->AddString(m, f, s) : r->SetString(m, f, s);
          break;
        }
        case FieldDescriptor::CPPTYPE_MESSAGE:
          if (depth < 3) {
            Fill(rep ? r->AddMessage(m, f) : r->MutableMessage(m, f), rng,
                 depth + 1);
          }
          break;
      }
    }
  }
}

std::vector<const Descriptor*> EventDescriptors() {
  std::vector<const Descriptor*> out;
  for (const std::string& t : AllTypes()) {
    out.push_back(google::protobuf::DescriptorPool::generated_pool()
                      ->FindMessageTypeByName(t));
  }
  return out;
}

std::string Mutate(std::string s, std::mt19937_64& rng) {
  const size_t n = s.size();
  const size_t at = n == 0 ? 0 : rng() % n;
  switch (rng() % 6) {
    case 0:
      if (n > 0) s[at] = static_cast<char>(s[at] ^ (1 << (rng() % 8)));
      break;
    case 1:
      s.resize(at);
      break;
    case 2:
      s.insert(at, 1, static_cast<char>(rng()));
      break;
    case 3:
      if (n > 0) s.erase(at, 1);
      break;
    case 4:
      if (n > 0) s[at] = static_cast<char>(rng());
      break;
    case 5:
      s.insert(at, s.substr(rng() % (n + 1), rng() % 8));
      break;
  }
  return s;
}

TEST_F(QuietProtobuf, VouchesForEveryCanonicalPayloadOfEveryEventType) {
  std::mt19937_64 rng(1);
  int checked = 0;
  for (const Descriptor* d : EventDescriptors()) {
    ASSERT_NE(d, nullptr);
    for (int i = 0; i < 50; ++i) {
      std::unique_ptr<Message> m = NewMessage(d);
      Fill(m.get(), rng, 0);
      const std::string bytes = m->SerializeAsString();
      ASSERT_TRUE(ProtobufParses(d, bytes)) << d->full_name();
      EXPECT_TRUE(SurelyParses(*d, bytes)) << d->full_name() << " #" << i;
      ++checked;
    }
  }
  EXPECT_GE(checked, 30 * 50);
}

TEST_F(QuietProtobuf, NeverVouchesForBytesProtobufRefuses) {
  std::mt19937_64 rng(2);
  int vouched = 0, refused = 0, left = 0;
  for (const Descriptor* d : EventDescriptors()) {
    for (int i = 0; i < 40; ++i) {
      std::unique_ptr<Message> m = NewMessage(d);
      Fill(m.get(), rng, 0);
      std::string bytes = m->SerializeAsString();
      for (int k = 0; k < 100; ++k) {
        bytes = k % 10 == 0 ? m->SerializeAsString() : bytes;
        bytes = Mutate(bytes, rng);
        const bool parses = ProtobufParses(d, bytes);
        const bool sure = SurelyParses(*d, bytes);
        ASSERT_FALSE(sure && !parses)
            << d->full_name() << ": vouched for bytes protobuf refuses";
        vouched += sure;
        refused += !parses;
        left += !sure && parses;
      }
    }
  }
  // The mutations reach all three outcomes, so the check above has teeth.
  EXPECT_GT(vouched, 10000);
  EXPECT_GT(refused, 10000);
  EXPECT_GT(left, 1000);
}

// A payload of UnitRegistered whose name holds `text`.
std::string NamePayload(const std::string& text) {
  const int number =
      v1::UnitRegistered::descriptor()->FindFieldByName("name")->number();
  std::string out(1, static_cast<char>(number << 3 | 2));
  size_t n = text.size();
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
  return out + text;
}

TEST_F(QuietProtobuf, Utf8AgreesWithProtobufOnEverySequenceUpToThreeBytes) {
  const Descriptor* d = v1::UnitRegistered::descriptor();
  v1::UnitRegistered parsed;
  int disagreements = 0, invalid = 0;
  auto check = [&](const std::string& text) {
    const std::string bytes = NamePayload(text);
    const bool parses = parsed.ParseFromString(bytes);
    invalid += !parses;
    if (IsValidUtf8(text) != parses || SurelyParses(*d, bytes) != parses) {
      if (++disagreements < 10) {
        ADD_FAILURE() << "disagree on " << testing::PrintToString(text);
      }
    }
  };
  for (int a = 0; a < 256; ++a) {
    check(std::string(1, static_cast<char>(a)));
    for (int b = 0; b < 256; ++b) {
      check({static_cast<char>(a), static_cast<char>(b)});
      if (a < 0x80) continue;  // the rest is a shorter case
      for (int c = 0; c < 256; ++c) {
        check(
            {static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
      }
    }
  }
  // Four bytes: every lead from 0xf0 and second byte, edge third and
  // fourth bytes.
  const int kEdges[] = {0x00, 0x7f, 0x80, 0x8f, 0x90, 0xbf, 0xc0, 0xff};
  for (int a = 0xf0; a < 0x100; ++a) {
    for (int b = 0; b < 256; ++b) {
      for (int c : kEdges) {
        for (int e : kEdges) {
          check({static_cast<char>(a), static_cast<char>(b),
                 static_cast<char>(c), static_cast<char>(e)});
        }
      }
    }
  }
  // Longer strings, through the eight-bytes-at-a-time path.
  std::mt19937_64 rng(3);
  for (int i = 0; i < 200000; ++i) {
    std::string t(rng() % 24, 'a');
    for (int k = static_cast<int>(rng() % 3); k > 0 && !t.empty(); --k) {
      t[rng() % t.size()] = static_cast<char>(0x80 | rng());
    }
    if (rng() % 2 && t.size() >= 3) t.replace(rng() % (t.size() - 2), 3, "区");
    check(t);
  }
  EXPECT_EQ(disagreements, 0);
  EXPECT_GT(invalid, 1000000);  // protobuf did refuse, so both were tested
}

TEST_F(QuietProtobuf, LeavesUnusualButValidEncodingsToProtobuf) {
  const Descriptor* d = v1::UnitRegistered::descriptor();
  const int name = d->FindFieldByName("name")->number();
  const char tag = static_cast<char>(name << 3 | 2);
  struct Case {
    const char* what;
    std::string bytes;
  } cases[] = {
      {"unknown field", std::string("\xf8\x07\x01", 3)},
      {"known field, other wire type",
       std::string(1, static_cast<char>(name << 3)) + "\x01"},
      {"length prefix in six bytes",
       std::string(1, tag) + std::string("\x81\x80\x80\x80\x80\x00", 6) + "x"},
      {"tag in six bytes", std::string(1, static_cast<char>(tag | 0x80)) +
                               std::string("\x80\x80\x80\x80\x00\x00", 6)},
      {"zero tag", std::string("\x00", 1)},
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(SurelyParses(*d, c.bytes)) << c.what;
  }
  EXPECT_TRUE(ProtobufParses(d, cases[0].bytes));
  EXPECT_TRUE(ProtobufParses(d, cases[1].bytes));
  EXPECT_FALSE(ProtobufParses(d, cases[2].bytes));
  EXPECT_FALSE(ProtobufParses(d, cases[3].bytes));
  EXPECT_FALSE(ProtobufParses(d, cases[4].bytes));
}

TEST_F(QuietProtobuf, LeavesDeepNestingToProtobuf) {
  // DescriptorProto nests itself (nested_type = 3).
  google::protobuf::DescriptorProto deep;
  google::protobuf::DescriptorProto* at = &deep;
  for (int i = 0; i < kMaxDepth + 5; ++i) at = at->add_nested_type();
  at->set_name("bottom");
  const std::string bytes = deep.SerializeAsString();
  const Descriptor* d = google::protobuf::DescriptorProto::descriptor();
  EXPECT_TRUE(ProtobufParses(d, bytes));
  EXPECT_FALSE(SurelyParses(*d, bytes));

  google::protobuf::DescriptorProto shallow;
  shallow.add_nested_type()->add_nested_type()->set_name("x");
  EXPECT_TRUE(SurelyParses(*d, shallow.SerializeAsString()));
}

TEST_F(QuietProtobuf, PackedAndUnpackedRepeatedScalars) {
  // Any event with a repeated enum: found by reflection, so the test does
  // not depend on one message's layout.
  const Descriptor* d = nullptr;
  const FieldDescriptor* f = nullptr;
  for (const Descriptor* e : EventDescriptors()) {
    for (int i = 0; i < e->field_count() && f == nullptr; ++i) {
      if (e->field(i)->is_repeated() &&
          e->field(i)->type() == FieldDescriptor::TYPE_ENUM) {
        d = e;
        f = e->field(i);
      }
    }
  }
  ASSERT_NE(f, nullptr);
  const char packed = static_cast<char>(f->number() << 3 | 2);
  const char unpacked = static_cast<char>(f->number() << 3 | 0);
  const std::string both = std::string(1, packed) + "\x03\x01\x02\x03" +
                           std::string(1, unpacked) + "\x04";
  EXPECT_TRUE(ProtobufParses(d, both));
  EXPECT_TRUE(SurelyParses(*d, both));
  // A packed block that ends inside a varint.
  const std::string cut = std::string(1, packed) + "\x02\x01\x82";
  EXPECT_FALSE(SurelyParses(*d, cut));
}

}  // namespace
}  // namespace reporting::events
