// command_kinds.h holds every command once, and the protos agree: each
// CommandService RPC is a kind with its request type, and each field of
// CommandStreamRequest's oneof (command_stream.proto) holds one kind's
// request, named after its RPC. A command added to the proto but not to the
// list (or the other way round) fails here.
#include "services/county/command_kinds.h"

#include <cctype>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "reporting/v1/command.pb.h"
#include "reporting/v1/command_stream.pb.h"

namespace reporting::county {
namespace {

// "RecordEvaluation" -> "record_evaluation".
std::string Snake(const std::string& camel) {
  std::string out;
  for (char c : camel) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (!out.empty()) out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

TEST(CommandKindsTest, EveryRpcIsOneKind) {
  const google::protobuf::ServiceDescriptor* service =
      v1::RegisterNodeRequest::descriptor()->file()->FindServiceByName(
          "CommandService");
  ASSERT_NE(service, nullptr);
  std::set<std::string> rpcs;
  for (int i = 0; i < service->method_count(); ++i) {
    const google::protobuf::MethodDescriptor* m = service->method(i);
    rpcs.insert(m->name());
    const CommandKind* kind = FindCommandKind(m->name());
    ASSERT_NE(kind, nullptr) << m->name();
    EXPECT_EQ(kind->request_type, m->input_type()) << m->name();
    EXPECT_EQ(FindCommandKind(m->input_type()), kind) << m->name();
  }
  EXPECT_EQ(rpcs.size(), CommandKinds().size());
}

TEST(CommandKindsTest, EveryStreamFieldIsOneKindNamedAfterItsRpc) {
  const google::protobuf::Descriptor* stream =
      v1::CommandStreamRequest::descriptor();
  ASSERT_EQ(stream->oneof_decl_count(), 1);
  const google::protobuf::OneofDescriptor* oneof = stream->oneof_decl(0);
  EXPECT_EQ(oneof->field_count(), stream->field_count());
  std::set<const CommandKind*> seen;
  for (int i = 0; i < oneof->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = oneof->field(i);
    const CommandKind* kind = FindCommandKind(field->message_type());
    ASSERT_NE(kind, nullptr) << field->name();
    EXPECT_EQ(field->name(), Snake(kind->method));
    seen.insert(kind);
  }
  EXPECT_EQ(seen.size(), CommandKinds().size());
}

}  // namespace
}  // namespace reporting::county
