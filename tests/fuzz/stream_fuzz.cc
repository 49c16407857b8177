// Fuzz target: commands sent on one CommandStreamService.Stream call to a
// county node in process (InProcessNode: the real stream service, its
// flow control and the same handlers and log as command_fuzz).
//
// Input (fuzz_input.h chunks, the same grammar and seed corpus as
// command_fuzz): chunk 0 is ignored; every later chunk is one stream
// message, METHOD '\0' BYTES:
//   - METHOD names a CommandService RPC (or, when it names none, one is
//     picked by its first byte): BYTES are that RPC's request, set in the
//     CommandStreamRequest field of its type;
//   - METHOD is "Stream": BYTES are a whole CommandStreamRequest (so the
//     framing itself is fuzzed: no command, unknown fields).
// A chunk whose bytes do not parse is skipped (gRPC refuses those before
// our code runs). All messages go on one stream, written while another
// thread reads the answers.
//
// Properties:
//   - one answer per message, in the order sent, each naming the command
//     id it answers; the call ends OK;
//   - each answer is OK or a refusal with a code the API documents
//     (command.proto, command_stream.proto) and a message; never INTERNAL,
//     UNKNOWN, DATA_LOSS or UNIMPLEMENTED;
//   - the log grows by exactly the events the OK answers name (none for a
//     duplicate); at the end the log's chain verifies.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "reporting/v1/command_stream.pb.h"
#include "spdlog/spdlog.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/in_process_node.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::fuzz {
namespace {

using google::protobuf::FieldDescriptor;

// CommandStreamRequest's fields, one per command.
const std::vector<const FieldDescriptor*>& CommandFields() {
  static const auto* fields = [] {
    auto* out = new std::vector<const FieldDescriptor*>();
    const google::protobuf::Descriptor* d =
        v1::CommandStreamRequest::descriptor();
    for (int i = 0; i < d->field_count(); ++i) out->push_back(d->field(i));
    return out;
  }();
  return *fields;
}

// The field carrying requests of the RPC `name`; one picked by the first
// byte when no command has that name.
const FieldDescriptor* PickField(absl::string_view name) {
  for (const FieldDescriptor* f : CommandFields()) {
    if (f->message_type()->name() == absl::StrCat(name, "Request")) return f;
  }
  const size_t pick = name.empty() ? 0 : static_cast<unsigned char>(name[0]);
  return CommandFields()[pick % CommandFields().size()];
}

// The stream message a chunk stands for; false when its bytes do not
// parse.
bool ToMessage(absl::string_view chunk, v1::CommandStreamRequest* out) {
  const size_t nul = chunk.find('\0');
  if (nul == absl::string_view::npos) return false;
  const absl::string_view method = chunk.substr(0, nul);
  const absl::string_view bytes = chunk.substr(nul + 1);
  if (method == "Stream") {
    return out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  }
  const FieldDescriptor* field = PickField(method);
  google::protobuf::Message* command =
      out->GetReflection()->MutableMessage(out, field);
  return command->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

// The command id a message carries ("" when it holds no command).
std::string CommandIdOf(const v1::CommandStreamRequest& m) {
  const google::protobuf::Reflection* r = m.GetReflection();
  const FieldDescriptor* field = r->GetOneofFieldDescriptor(
      m, v1::CommandStreamRequest::descriptor()->oneof_decl(0));
  if (field == nullptr) return "";
  const google::protobuf::Message& command = r->GetMessage(m, field);
  const google::protobuf::Message& meta = command.GetReflection()->GetMessage(
      command, field->message_type()->FindFieldByNumber(1));
  return static_cast<const v1::CommandMeta&>(meta).command_id();
}

void CheckAnswer(const v1::CommandStreamRequest& sent,
                 const v1::CommandStreamResponse& answer) {
  using C = grpc::StatusCode;
  // command.proto's refusal codes (command_fuzz.cc), and the stream's
  // INVALID_ARGUMENT for a message without a known command.
  static const std::set<int> kDocumented = {
      C::INVALID_ARGUMENT, C::FAILED_PRECONDITION, C::ALREADY_EXISTS,
      C::ABORTED,          C::NOT_FOUND,           C::RESOURCE_EXHAUSTED,
      C::PERMISSION_DENIED};
  if (sent.GetReflection()->GetUnknownFields(sent).empty()) {
    FUZZ_CHECK(answer.command_id() == CommandIdOf(sent),
               absl::StrCat("answer for \"", answer.command_id(), "\" where \"",
                            CommandIdOf(sent), "\" was next"));
  }
  if (answer.code() == 0) return;
  FUZZ_CHECK(kDocumented.count(answer.code()) == 1,
             absl::StrCat("refused with code ", answer.code(), ": ",
                          answer.message()));
  FUZZ_CHECK(!answer.message().empty(), "a refusal without reason");
}

// Events an OK answer names (0 for a duplicate or a refusal).
uint64_t Appended(const v1::CommandStreamResponse& answer) {
  const v1::CommandResult& r = answer.result();
  if (answer.code() != 0 || r.duplicate() || r.first_sequence() == 0) return 0;
  FUZZ_CHECK(r.last_sequence() >= r.first_sequence(), "result range");
  return r.last_sequence() - r.first_sequence() + 1;
}

void RunStream(InProcessNode& node,
               const std::vector<v1::CommandStreamRequest>& messages) {
  const uint64_t before = node.log().GetHead().sequence;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(60));
  auto stream = node.stream_stub().Stream(&context);
  std::vector<v1::CommandStreamResponse> answers;
  // Answers are read while messages are written: the server reads no
  // more than its window ahead of its answers (flow control).
  std::thread reader([&] {
    v1::CommandStreamResponse answer;
    while (stream->Read(&answer)) answers.push_back(answer);
  });
  for (const v1::CommandStreamRequest& m : messages) {
    if (!stream->Write(m)) break;
  }
  stream->WritesDone();
  reader.join();
  const grpc::Status status = stream->Finish();
  FUZZ_CHECK(status.ok(), absl::StrCat("the stream ended ", status.error_code(),
                                       ": ", status.error_message()));
  FUZZ_CHECK(answers.size() == messages.size(),
             absl::StrCat(messages.size(), " messages sent, ", answers.size(),
                          " answered"));
  uint64_t appended = 0;
  for (size_t i = 0; i < answers.size(); ++i) {
    CheckAnswer(messages[i], answers[i]);
    appended += Appended(answers[i]);
  }
  const uint64_t after = node.log().GetHead().sequence;
  FUZZ_CHECK(after == before + appended,
             absl::StrCat("the answers name ", appended,
                          " events, the log grew by ", after - before));
}

}  // namespace
}  // namespace reporting::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // refusals are the normal case
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace reporting;
  static auto* dir = new testutil::TempDir("fuzz-stream");
  // Never destroyed: at exit RocksDB's own statics may be gone first.
  static auto& node = *new std::unique_ptr<fuzz::InProcessNode>();
  if (node == nullptr) {
    std::filesystem::remove_all(dir->Sub("log"));
    node = std::make_unique<fuzz::InProcessNode>(dir->Sub("log"));
  }
  const std::vector<absl::string_view> chunks = fuzz::SplitChunks(data, size);
  std::vector<v1::CommandStreamRequest> messages;
  for (size_t i = 1; i < chunks.size(); ++i) {
    v1::CommandStreamRequest m;
    if (fuzz::ToMessage(chunks[i], &m)) messages.push_back(std::move(m));
  }
  if (!messages.empty()) fuzz::RunStream(*node, messages);
  const absl::Status verified = node->log().Verify();
  FUZZ_CHECK(verified.ok(), verified.ToString());
  // Every input starts from a fresh node: one whose log grew is replaced.
  if (node->log().GetHead().sequence > 0) node.reset();
  return 0;
}
