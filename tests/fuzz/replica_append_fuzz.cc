// Fuzz target: a city's copy of a node's log taking replicated batches
// (EventLog::AppendReplicated: envelope decoding, node, sequence and chain
// checks, repeats, overlaps, gaps and divergence; storage/README.md
// "Replicas").
//
// Input (fuzz_input.h chunks): chunk 0 holds options (byte 0, bit 0:
// re-chain, below); every later chunk is an event, [be64 sequence][32-byte
// hash][envelope bytes], and an empty chunk ends a batch. The batches are
// applied in order to an empty copy of node 371302's log.
// Re-chain: each envelope that parses gets prev_hash = the hash of the
// input's previous event of sequence - 1 (zero hash at sequence 1), and its
// hash is recomputed, so that the fuzzer gets past the hash check to the
// checks behind it.
//
// Properties, after every batch:
//   - storage accepts exactly the batches the README's table accepts, and
//     refuses the others with the table's code (an independent model,
//     `Expect` below, written from the table and not from storage's code);
//   - a refusal carries a message and leaves the copy unchanged;
//   - the copy holds exactly the accepted events, byte for byte, and
//     Verify agrees.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "reporting/v1/envelope.pb.h"
#include "storage/event_log.h"
#include "storage/hash_chain.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/stored_event_codec.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::fuzz {
namespace {

constexpr char kNode[] = "371302";

using storage::StoredEvent;

// What the README's table says a batch gets, given what the copy holds.
absl::StatusCode Expect(const std::vector<StoredEvent>& held,
                        const std::vector<StoredEvent>& batch) {
  using C = absl::StatusCode;
  if (batch.size() > storage::kMaxEventsPerAppend) return C::kInvalidArgument;
  for (size_t i = 0; i < batch.size(); ++i) {
    const StoredEvent& e = batch[i];
    v1::EventEnvelope env;
    if (e.sequence == 0 || (i > 0 && e.sequence != batch[i - 1].sequence + 1) ||
        e.hash.size() != storage::kHashBytes ||
        !env.ParseFromString(e.envelope) || env.node_id() != kNode ||
        env.sequence() != e.sequence ||
        env.prev_hash().size() != storage::kHashBytes ||
        env.stream_id().empty() ||
        env.stream_id().size() > storage::kMaxStreamIdBytes ||
        env.stream_id().find('\0') != std::string::npos ||
        env.stream_version() == 0 || env.event_type().empty() ||
        env.event_type().find('\0') != std::string::npos ||
        storage::ChainHash(env.prev_hash(), e.envelope) != e.hash ||
        (i > 0 && env.prev_hash() != batch[i - 1].hash)) {
      return C::kInvalidArgument;
    }
  }
  if (batch.empty()) return C::kOk;
  if (batch.front().sequence > held.size() + 1) return C::kFailedPrecondition;
  for (const StoredEvent& e : batch) {
    if (e.sequence > held.size()) {
      // The first new event chains onto the head.
      v1::EventEnvelope env;
      env.ParseFromString(e.envelope);
      const std::string head =
          held.empty() ? storage::ZeroHash() : held.back().hash;
      return env.prev_hash() == head ? C::kOk : C::kDataLoss;
    }
    const StoredEvent& h = held[e.sequence - 1];
    if (h.envelope != e.envelope || h.hash != e.hash) return C::kDataLoss;
  }
  return C::kOk;  // all held: a no-op
}

void CheckCopy(storage::EventLog& log, const std::vector<StoredEvent>& held) {
  const storage::Head head = log.GetHead();
  FUZZ_CHECK(head.sequence == held.size(),
             absl::StrCat("head ", head.sequence, ", expected ", held.size()));
  if (!held.empty()) {
    FUZZ_CHECK(head.hash == held.back().hash, "head hash");
    absl::StatusOr<std::vector<StoredEvent>> all =
        log.Read(1, {held.size() + 1, size_t{1} << 30});
    FUZZ_CHECK(all.ok(), all.status().ToString());
    FUZZ_CHECK(all->size() == held.size(), "events read back");
    for (size_t i = 0; i < held.size(); ++i) {
      FUZZ_CHECK((*all)[i].envelope == held[i].envelope &&
                     (*all)[i].hash == held[i].hash,
                 absl::StrCat("sequence ", i + 1, " differs"));
    }
  }
  const absl::Status verified = log.Verify();
  FUZZ_CHECK(verified.ok(), verified.ToString());
}

// The copy inputs run on: empty at the start of every input. Opening a
// RocksDB costs ~100 ms under ASan, so an empty copy is kept for the next
// input and only one that took events is replaced.
storage::EventLog& EmptyCopy() {
  static auto* dir = new testutil::TempDir("fuzz-replica");
  // Never destroyed: at exit RocksDB's own statics may be gone first.
  static auto& log = *new std::unique_ptr<storage::EventLog>();
  if (log != nullptr && log->GetHead().sequence == 0) return *log;
  if (log != nullptr) {
    const absl::Status closed = log->Close();
    FUZZ_CHECK(closed.ok(), closed.ToString());
    log.reset();
  }
  const std::string path = dir->Sub("copy");
  std::filesystem::remove_all(path);
  storage::EventLogOptions options;
  options.node_id = kNode;
  options.sync = false;
  absl::StatusOr<std::unique_ptr<storage::EventLog>> opened =
      storage::EventLog::Open(path, options);
  FUZZ_CHECK(opened.ok(), opened.status().ToString());
  log = std::move(*opened);
  return *log;
}

void Run(const std::vector<std::vector<StoredEvent>>& batches) {
  storage::EventLog& log = EmptyCopy();
  std::vector<StoredEvent> held;
  for (const std::vector<StoredEvent>& batch : batches) {
    const absl::StatusCode expected = Expect(held, batch);
    absl::StatusOr<storage::Head> got =
        log.AppendReplicated(batch, /*received_at_us=*/1);
    FUZZ_CHECK(got.status().code() == expected,
               absl::StrCat("expected ", absl::StatusCodeToString(expected),
                            ", got ", got.status().ToString()));
    if (got.ok()) {
      for (const StoredEvent& e : batch) {
        if (e.sequence > held.size()) held.push_back(e);
      }
    } else {
      FUZZ_CHECK(!got.status().message().empty(), "a refusal without reason");
    }
    CheckCopy(log, held);
  }
}

}  // namespace
}  // namespace reporting::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace reporting;
  const std::vector<absl::string_view> chunks = fuzz::SplitChunks(data, size);
  const bool rechain = !chunks[0].empty() && (chunks[0][0] & 1) != 0;
  std::vector<std::vector<storage::StoredEvent>> batches(1);
  std::map<uint64_t, std::string> hash_at;  // re-chain: sequence -> hash
  for (size_t i = 1; i < chunks.size(); ++i) {
    if (chunks[i].empty()) {
      batches.emplace_back();
      continue;
    }
    storage::StoredEvent e = fuzz::DecodeStoredEvent(chunks[i]);
    if (rechain) fuzz::Rechain(&e, hash_at);
    batches.back().push_back(std::move(e));
  }
  fuzz::Run(batches);
  return 0;
}
