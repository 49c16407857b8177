#include "storage/chain_check.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "reporting/v1/envelope.pb.h"
#include "storage/hash_chain.h"
#include "storage/keys.h"

namespace reporting::storage {

absl::StatusOr<std::string> CheckChain(const RocksDb& db,
                                       absl::string_view what,
                                       absl::string_view node_id, uint64_t from,
                                       uint64_t to, std::string prev_hash,
                                       const ProgressFn& progress) {
  if (from > to) return prev_hash;
  auto loss = [&](uint64_t seq, absl::string_view problem) {
    return absl::DataLossError(absl::StrCat("event_log: ", what,
                                            " node=", node_id, " sequence ",
                                            seq, ": ", problem));
  };
  const std::string lower = keys::EventKey(from);
  const std::string upper = keys::EventKey(to + 1);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it = db.NewIterator(Cf::kEvents, ro);
  uint64_t expected = from;
  constexpr uint64_t kProgressEvery = 10000;
  v1::EventEnvelope env;
  for (it->Seek(lower); it->Valid(); it->Next(), ++expected) {
    uint64_t seq = 0;
    if (!keys::DecodeEventKey(
            absl::string_view(it->key().data(), it->key().size()), &seq)) {
      return loss(expected, "malformed key in the events column family");
    }
    if (seq != expected) {
      return loss(expected,
                  absl::StrCat("missing (the next stored event is ", seq, ")"));
    }
    absl::string_view hash, envelope;
    if (!keys::DecodeEventValue(
            absl::string_view(it->value().data(), it->value().size()), &hash,
            &envelope)) {
      return loss(seq, "stored value is shorter than a hash");
    }
    if (ChainHash(prev_hash, envelope) != hash) {
      return loss(seq, "stored hash does not match its bytes");
    }
    if (!env.ParseFromArray(envelope.data(),
                            static_cast<int>(envelope.size()))) {
      return loss(seq, "envelope does not parse");
    }
    if (env.sequence() != seq) {
      return loss(seq, absl::StrCat("envelope says sequence ", env.sequence()));
    }
    if (env.prev_hash() != prev_hash) {
      return loss(seq, "envelope's prev_hash is not the previous event's hash");
    }
    prev_hash.assign(hash.data(), hash.size());
    if (progress && (seq - from + 1) % kProgressEvery == 0) {
      progress(seq - from + 1, to - from + 1);
    }
  }
  if (!it->status().ok()) {
    return ToStatus(it->status(), absl::StrCat(what, " read events"));
  }
  if (expected != to + 1) return loss(expected, "missing");
  if (progress) progress(to - from + 1, to - from + 1);
  return prev_hash;
}

}  // namespace reporting::storage
