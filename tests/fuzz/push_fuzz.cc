// Fuzz target: the city's ingest of a county's Push stream, in process
// (services/city/replication_service.h over NodeCopies, a gRPC server
// reached through its in-process channel, the same handler the network
// reaches; identity from the Hello as with --insecure).
//
// Input (fuzz_input.h chunks): chunk 0 holds options (byte 0, bit 0:
// re-chain the batches' events, stored_event_codec.h); every later chunk is
// one serialized PushRequest, sent in order on one stream (a chunk that does
// not parse is skipped). The city starts from an empty data directory.
//
// Properties:
//   - the stream ends OK or with a refusal of the documented set
//     (services/city/README.md, "Push: what the city checks"), which carries
//     a message; never INTERNAL or UNKNOWN;
//   - the first answer is the Cursor, the others acks, never going back;
//   - every acknowledged sequence is held by the copy;
//   - every copy holds only events sent on the stream, byte for byte, and
//     its chain verifies; a copy recorded as diverged ended the stream with
//     DATA_LOSS.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "reporting/v1/replication.grpc.pb.h"
#include "services/city/node_copies.h"
#include "services/city/replication_service.h"
#include "spdlog/spdlog.h"
#include "storage/event_log.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/stored_event_codec.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::fuzz {
namespace {

// The city, started on an empty data directory.
class City {
 public:
  explicit City(const std::string& dir) : copies_(dir, /*sync=*/false) {
    city::ReplicationServiceOptions options;
    options.identity_from_certificate = false;
    options.now_us = [] { return int64_t{1'700'000'000'000'000}; };
    service_ =
        std::make_unique<city::ReplicationServiceImpl>(&copies_, options);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    FUZZ_CHECK(server_ != nullptr, "in-process server");
    stub_ = v1::ReplicationService::NewStub(
        server_->InProcessChannel(grpc::ChannelArguments()));
  }
  ~City() {
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
    const absl::Status s = copies_.Close();
    FUZZ_CHECK(s.ok(), s.ToString());
  }

  v1::ReplicationService::Stub& stub() { return *stub_; }
  city::NodeCopies& copies() { return copies_; }

 private:
  city::NodeCopies copies_;
  std::unique_ptr<city::ReplicationServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::ReplicationService::Stub> stub_;
};

struct Outcome {
  grpc::Status status;
  std::vector<v1::PushResponse> answers;
};

Outcome Push(City& city, const std::vector<v1::PushRequest>& requests) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  auto stream = city.stub().Push(&context);
  // Answers are read while requests are written: the in-process transport
  // does not buffer, so a city writing its Cursor waits for this reader.
  Outcome out;
  std::thread reader([&] {
    v1::PushResponse answer;
    while (stream->Read(&answer)) out.answers.push_back(answer);
  });
  for (const v1::PushRequest& r : requests) {
    if (!stream->Write(r)) break;  // the city ended the stream
  }
  stream->WritesDone();
  reader.join();
  out.status = stream->Finish();
  return out;
}

void CheckOutcome(City& city, const std::vector<v1::PushRequest>& requests,
                  const Outcome& out) {
  using C = grpc::StatusCode;
  static const std::set<C> kDocumented = {C::OK,
                                          C::INVALID_ARGUMENT,
                                          C::FAILED_PRECONDITION,
                                          C::DATA_LOSS,
                                          C::RESOURCE_EXHAUSTED,
                                          C::CANCELLED,
                                          C::UNAUTHENTICATED,
                                          C::PERMISSION_DENIED};
  const C code = out.status.error_code();
  FUZZ_CHECK(kDocumented.count(code) == 1,
             absl::StrCat("undocumented refusal ", code, ": ",
                          out.status.error_message()));
  FUZZ_CHECK(code == C::OK || !out.status.error_message().empty(),
             "a refusal without reason");

  // Every event sent, by node and sequence (a sequence may be sent with
  // different bytes; the copy must hold one of them).
  std::string node;
  std::map<uint64_t, std::vector<const v1::StoredEvent*>> sent;
  for (const v1::PushRequest& r : requests) {
    if (r.has_hello() && node.empty()) node = r.hello().node_id();
    for (const v1::StoredEvent& e : r.batch().events()) {
      sent[e.sequence()].push_back(&e);
    }
  }

  uint64_t acked = 0;
  for (size_t i = 0; i < out.answers.size(); ++i) {
    const v1::PushResponse& a = out.answers[i];
    FUZZ_CHECK((i == 0) == a.has_cursor(), "the Cursor comes first, once");
    FUZZ_CHECK(i == 0 || a.has_ack(), "answers after the Cursor are acks");
    const uint64_t seq = i == 0 ? a.cursor().sequence() : a.ack().sequence();
    FUZZ_CHECK(i == 0 || seq >= acked, "an ack went back");
    if (i > 0) acked = seq;
  }

  for (const std::string& n : city.copies().Nodes()) {
    absl::StatusOr<storage::EventLog*> log = city.copies().Get(n);
    FUZZ_CHECK(log.ok(), log.status().ToString());
    const storage::Head head = (*log)->GetHead();
    if (n == node) {
      FUZZ_CHECK(acked <= head.sequence,
                 absl::StrCat("acked ", acked, ", copy holds ", head.sequence));
    } else {
      FUZZ_CHECK(head.sequence == 0, "a copy of a node that never said Hello");
    }
    if (city.copies().Divergence(n).has_value()) {
      FUZZ_CHECK(code == C::DATA_LOSS, "diverged, but the stream ended with " +
                                           out.status.error_message());
    }
    absl::StatusOr<std::vector<storage::StoredEvent>> held =
        (*log)->Read(1, {head.sequence + 1, size_t{1} << 30});
    FUZZ_CHECK(held.ok(), held.status().ToString());
    FUZZ_CHECK(held->size() == head.sequence, "events read back");
    for (const storage::StoredEvent& e : *held) {
      bool found = false;
      for (const v1::StoredEvent* s : sent[e.sequence]) {
        found |= s->envelope() == e.envelope && s->hash() == e.hash;
      }
      FUZZ_CHECK(found, absl::StrCat("the copy holds sequence ", e.sequence,
                                     " as it was never sent"));
    }
    const absl::Status verified = (*log)->Verify();
    FUZZ_CHECK(verified.ok(), verified.ToString());
  }
}

std::vector<v1::PushRequest> Requests(const uint8_t* data, size_t size) {
  const std::vector<absl::string_view> chunks = SplitChunks(data, size);
  const bool rechain = !chunks[0].empty() && (chunks[0][0] & 1) != 0;
  std::map<uint64_t, std::string> hash_at;
  std::vector<v1::PushRequest> out;
  for (size_t i = 1; i < chunks.size(); ++i) {
    v1::PushRequest r;
    if (!r.ParseFromArray(chunks[i].data(), static_cast<int>(chunks[i].size())))
      continue;
    if (rechain) {
      for (v1::StoredEvent& e : *r.mutable_batch()->mutable_events()) {
        storage::StoredEvent s{e.sequence(), e.envelope(), e.hash()};
        Rechain(&s, hash_at);
        e.set_envelope(s.envelope);
        e.set_hash(s.hash);
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace
}  // namespace reporting::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // refusals are the normal case
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace reporting;
  static auto* dir = new testutil::TempDir("fuzz-push");
  // Never destroyed: at exit RocksDB's own statics may be gone first.
  static auto& city = *new std::unique_ptr<fuzz::City>();
  const std::vector<v1::PushRequest> requests = fuzz::Requests(data, size);
  if (city == nullptr) {
    std::filesystem::remove_all(dir->Sub("city"));
    city = std::make_unique<fuzz::City>(dir->Sub("city"));
  }
  const fuzz::Outcome out = fuzz::Push(*city, requests);
  fuzz::CheckOutcome(*city, requests, out);
  // Every input starts from an empty city: one that kept a copy is
  // replaced (most refused inputs leave nothing and keep the city).
  if (!city->copies().Nodes().empty()) city.reset();
  return 0;
}
