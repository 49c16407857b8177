// Byte encodings of the event log's keys and values, one function per
// grammar rule of storage/README.md ("Column families"). Integers in keys are
// big-endian so that RocksDB's bytewise order is numeric order.
//
//   events       : be64(sequence)                      -> hash[32] envelope
//   streams      : stream_id                           -> be64(version)
//   stream_index : stream_id 0x00 be64(version)        -> be64(sequence)
//   type_index   : event_type 0x00 be64(ordered(recorded_at_us)) be64(sequence)
//                                                      -> "" (empty)
//   commands     : command_id -> be64(first) be64(last) [digest[32]]
//                              | be64(0) be32(code) u8(n) digest[n] message
//                                (a refusal; n is 0 or 32)
//   meta         : "head"     -> be64(sequence) hash[32]
//                  "indexed"  -> be64(sequence)      (copies)
//                  "type_indexed" -> be64(sequence)  (own logs)
//   received_at  : be64(last)                          -> be64(first)
//                                                         be64(received_at_us)
//                  (copies written before receipts: one entry per
//                   replicated write, events first..last; an older copy's
//                   be64(sequence) -> be64(received_at_us) per event; read
//                   only to make such a copy's receipts)
//   receipts     : be64(last)                          -> be64(number)
//                  be64(first) be64(received_at_us) last_hash[32]
//                  prev_hash[32] hash[32]    (copies: one per replicated write)
//
//   ordered(t) = uint64(t) XOR 2^63   (sign bit flipped: signed order becomes
//                                      unsigned bytewise order)
//
// Thread safety: pure functions.
#ifndef REPORTING_STORAGE_KEYS_H_
#define REPORTING_STORAGE_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "storage/receipt.h"

namespace reporting::storage::keys {

// meta key of the head record.
inline constexpr absl::string_view kHeadKey = "head";
// meta key of a copy's index cursor: be64(sequence), events up to it have
// stream_index and type_index entries (replicas index lazily).
inline constexpr absl::string_view kIndexedKey = "indexed";
// meta key of a node's own log's type index cursor: be64(sequence), events
// up to it have type_index entries (own logs index types lazily; their
// stream_index is written with the events).
inline constexpr absl::string_view kTypeIndexedKey = "type_indexed";

// Appends v as 8 big-endian bytes.
void PutBe64(std::string* dst, uint64_t v);
// Reads 8 big-endian bytes; src.size() must be >= 8.
uint64_t GetBe64(absl::string_view src);
std::string Be64(uint64_t v);

// recorded_at_us mapped so that bytewise order of be64 is signed order.
uint64_t OrderedTime(int64_t us);
int64_t FromOrderedTime(uint64_t ordered);

// events
std::string EventKey(uint64_t sequence);
// False unless key is exactly 8 bytes.
bool DecodeEventKey(absl::string_view key, uint64_t* sequence);
std::string EventValue(absl::string_view hash, absl::string_view envelope);
// Splits a stored value; false when shorter than a hash.
bool DecodeEventValue(absl::string_view value, absl::string_view* hash,
                      absl::string_view* envelope);

// stream_index
std::string StreamIndexPrefix(absl::string_view stream_id);
std::string StreamIndexKey(absl::string_view stream_id, uint64_t version);
// Version from a key that starts with StreamIndexPrefix (prefix_size bytes).
bool DecodeStreamIndexKey(absl::string_view key, size_t prefix_size,
                          uint64_t* version);

// type_index
std::string TypeIndexPrefix(absl::string_view event_type);
std::string TypeIndexKey(absl::string_view event_type, int64_t recorded_at_us,
                         uint64_t sequence);
bool DecodeTypeIndexKey(absl::string_view key, size_t prefix_size,
                        int64_t* recorded_at_us, uint64_t* sequence);

// The same keys written into *out (cleared first), for a hot loop that
// reuses its buffers.
void StreamIndexKeyTo(std::string* out, absl::string_view stream_id,
                      uint64_t version);
void TypeIndexKeyTo(std::string* out, absl::string_view event_type,
                    int64_t recorded_at_us, uint64_t sequence);

// commands: an accepted command's range (and the request digest, if
// given: empty or 32 bytes), or a refusal (first sequence 0, which names no
// event).
std::string CommandValue(uint64_t first_sequence, uint64_t last_sequence,
                         absl::string_view digest = {});
// The same into *out (replaced), reusing its capacity.
void CommandValueTo(std::string* out, uint64_t first_sequence,
                    uint64_t last_sequence, absl::string_view digest = {});
// A refusal: its status code, the request digest (empty or 32 bytes) and
// the message, into *out (replaced).
void RefusalValueTo(std::string* out, int code, absl::string_view digest,
                    absl::string_view message);
// A decoded command record; views into the value.
struct CommandValueView {
  bool refused = false;
  uint64_t first_sequence = 0;  // accepted only
  uint64_t last_sequence = 0;   // accepted only
  int code = 0;                 // refused only
  absl::string_view digest;     // empty or 32 bytes
  absl::string_view message;    // refused only
};
// False when malformed (or a refusal with code 0).
bool DecodeCommandValue(absl::string_view value, CommandValueView* out);

// received_at: events first..last received at received_at_us. The key is
// the range's last sequence, so Seek(ReceivedAtKey(seq)) finds the range
// holding seq.
std::string ReceivedAtKey(uint64_t last_sequence);
std::string ReceivedAtValue(uint64_t first_sequence, int64_t received_at_us);
// Decodes an entry into its range and time: the range form (16-byte
// value), or an older copy's per-event form (8-byte value: first == last).
// False when malformed.
bool DecodeReceivedAt(absl::string_view key, absl::string_view value,
                      uint64_t* first_sequence, uint64_t* last_sequence,
                      int64_t* received_at_us);

// receipts (storage/receipt.h): key be64(last_sequence), value
// be64(number) be64(first_sequence) be64(received_at_us) last_hash[32]
// prev_hash[32] hash[32]. Keyed by the last sequence, like received_at, so
// Seek(ReceiptKey(seq)) finds the receipt covering seq.
std::string ReceiptKey(uint64_t last_sequence);
std::string ReceiptValue(const Receipt& receipt);
// False when malformed (wrong sizes, first > last, number 0).
bool DecodeReceipt(absl::string_view key, absl::string_view value,
                   Receipt* receipt);

// meta "head"
std::string HeadValue(uint64_t sequence, absl::string_view hash);
// The same into *out (replaced), reusing its capacity.
void HeadValueTo(std::string* out, uint64_t sequence, absl::string_view hash);
bool DecodeHeadValue(absl::string_view value, uint64_t* sequence,
                     std::string* hash);

}  // namespace reporting::storage::keys

#endif  // REPORTING_STORAGE_KEYS_H_
