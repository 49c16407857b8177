// Receipts: the city's own record of what it received (storage/README.md,
// "Receipts"). Every replicated write to a node's copy appends one receipt
// to that copy's receipt chain, in the same RocksDB write as the events and
// the cursor:
//
//   receipt_bytes(n) := "RECEIPT1"                  8 ASCII bytes
//                       || u8(len(node_id)) || node_id
//                       || be64(n)                  the receipt's number
//                       || be64(first_sequence) || be64(last_sequence)
//                       || last_hash[32]            event last_sequence's hash
//                       || be64(received_at_us)     two's complement
//   receipt_hash(0) := 32 zero bytes
//   receipt_hash(n) := SHA-256( receipt_hash(n-1) || receipt_bytes(n) )
//
// Numbers count from 1 without gaps; receipt n+1 covers the events right
// after receipt n's (first_sequence(n+1) = last_sequence(n) + 1), except in
// a copy made before receipts existed, whose first receipt starts where
// its receive times start.
//
// This header has no RocksDB: the audit export and its verifier use it.
// Thread safety: pure functions.
#ifndef REPORTING_STORAGE_RECEIPT_H_
#define REPORTING_STORAGE_RECEIPT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace reporting::storage {

inline constexpr absl::string_view kReceiptTag = "RECEIPT1";

struct Receipt {
  uint64_t number = 0;  // position in the copy's receipt chain, from 1
  uint64_t first_sequence = 0;
  uint64_t last_sequence = 0;
  std::string last_hash;       // chain hash of event last_sequence, 32 bytes
  int64_t received_at_us = 0;  // the city's clock when it received them
  std::string prev_hash;       // receipt_hash(number - 1), 32 bytes
  std::string hash;            // receipt_hash(number), 32 bytes

  bool Covers(uint64_t sequence) const {
    return first_sequence <= sequence && sequence <= last_sequence;
  }
};

// receipt_bytes(n) of the grammar above (prev_hash and hash are not part of
// it). node_id is at most 255 bytes (node ids are 1..16).
std::string ReceiptBytes(absl::string_view node_id, const Receipt& receipt);

// SHA-256(receipt.prev_hash || ReceiptBytes(node_id, receipt)).
std::string ReceiptHash(absl::string_view node_id, const Receipt& receipt);

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_RECEIPT_H_
