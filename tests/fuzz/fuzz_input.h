// The fuzz targets' input grammar, shared by the targets and by the seed
// generator (fuzz_seeds.cc), so committed seeds are inputs the targets read
// as intended:
//
//   input := chunk (SEPARATOR chunk)*
//   SEPARATOR := C0 C1 C0 C1     (bytes that never occur in UTF-8 text)
//
// A separator rather than length prefixes: libFuzzer inserts and erases
// bytes, which would break every length after the change; a separator keeps
// the other chunks intact. `fuzz.dict` lists it, so the fuzzer also inserts
// it. What a chunk means is each target's business (its file says).
//
// Thread safety: pure functions.
#ifndef REPORTING_TESTS_FUZZ_FUZZ_INPUT_H_
#define REPORTING_TESTS_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace reporting::fuzz {

inline constexpr absl::string_view kChunkSeparator = "\xC0\xC1\xC0\xC1";

inline std::vector<absl::string_view> SplitChunks(const uint8_t* data,
                                                  size_t size) {
  return absl::StrSplit(
      absl::string_view(reinterpret_cast<const char*>(data), size),
      kChunkSeparator);
}

inline std::string JoinChunks(const std::vector<std::string>& chunks) {
  return absl::StrJoin(chunks, kChunkSeparator);
}

}  // namespace reporting::fuzz

#endif  // REPORTING_TESTS_FUZZ_FUZZ_INPUT_H_
