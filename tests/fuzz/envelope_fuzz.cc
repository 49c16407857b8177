// Fuzz target: decoding an event envelope (storage/envelope_view.h), the
// first thing the city does with every byte a county sends.
//
// Input: envelope bytes. Properties:
//   - DecodeEnvelopeView accepts exactly what protobuf's own parser accepts
//     for an EventEnvelope, and reads the same value for every field (the
//     header's promise, here on arbitrary bytes);
//   - for an accepted envelope, the append path's EnvelopeEncoder writes
//     the same bytes as protobuf's deterministic serialization of those
//     fields (SerializeEnvelope), and those bytes decode to the same fields.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "reporting/v1/envelope.pb.h"
#include "storage/envelope.h"
#include "storage/envelope_view.h"
#include "tests/fuzz/fuzz_check.h"

namespace reporting::fuzz {
namespace {

void CheckSame(const storage::EnvelopeView& view,
               const v1::EventEnvelope& env) {
  FUZZ_CHECK(view.node_id == env.node_id(), "node_id");
  FUZZ_CHECK(view.sequence == env.sequence(), "sequence");
  FUZZ_CHECK(view.stream_id == env.stream_id(), "stream_id");
  FUZZ_CHECK(view.stream_version == env.stream_version(), "stream_version");
  FUZZ_CHECK(view.event_id == env.event_id(), "event_id");
  FUZZ_CHECK(view.event_type == env.event_type(), "event_type");
  FUZZ_CHECK(view.recorded_at_us == env.recorded_at_us(), "recorded_at_us");
  FUZZ_CHECK(view.actor == env.actor(), "actor");
  FUZZ_CHECK(view.command_id == env.command_id(), "command_id");
  FUZZ_CHECK(view.payload == env.payload(), "payload");
  FUZZ_CHECK(view.prev_hash == env.prev_hash(), "prev_hash");
}

void CheckEncoder(v1::EventEnvelope env) {
  env.DiscardUnknownFields();
  const std::string reference = storage::SerializeEnvelope(env);
  storage::EnvelopeEncoder encoder(env.node_id(), env.recorded_at_us(),
                                   env.actor(), env.command_id());
  std::string bytes;
  encoder.Append(env.sequence(), env.stream_id(), env.stream_version(),
                 env.event_id(), env.event_type(), env.payload(),
                 env.prev_hash(), &bytes);
  FUZZ_CHECK(bytes == reference,
             absl::StrCat("EnvelopeEncoder wrote ", bytes.size(),
                          " bytes, protobuf ", reference.size()));
  storage::EnvelopeView view;
  FUZZ_CHECK(storage::DecodeEnvelopeView(bytes, &view), "re-encoded");
  CheckSame(view, env);
}

}  // namespace
}  // namespace reporting::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace reporting;
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  storage::EnvelopeView view;
  const bool decoded = storage::DecodeEnvelopeView(bytes, &view);
  v1::EventEnvelope env;
  const bool parsed = env.ParseFromArray(data, static_cast<int>(size));
  FUZZ_CHECK(decoded == parsed,
             absl::StrCat("DecodeEnvelopeView says ", decoded,
                          ", protobuf says ", parsed));
  if (parsed) {
    fuzz::CheckSame(view, env);
    fuzz::CheckEncoder(env);
  }
  return 0;
}
