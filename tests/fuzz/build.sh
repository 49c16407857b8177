#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/README.md) into their own tree,
# default build/fuzz: clang++-14 with -fsanitize=fuzzer-no-link,address,
# undefined on every project library, so libFuzzer sees the coverage of the
# code under test. Incremental (ccache is shared with the main build's
# cache directory, not its objects: the compiler differs).
# Usage: tests/fuzz/build.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/build/fuzz}"
if ! command -v clang++-14 >/dev/null; then
  echo "fuzz: clang++-14 is missing: run deploy/install-deps.sh" >&2
  exit 1
fi
# libFuzzer and the sanitizer runtimes clang links (-fsanitize=fuzzer).
if [ ! -f /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a ]; then
  echo "fuzz: libclang-rt-14-dev is missing: run deploy/install-deps.sh" >&2
  exit 1
fi
if [ ! -f "$out/build.ninja" ]; then
  # Build type Fuzz: -O1 and line tables (symbolized stacks, small objects);
  # no NDEBUG, so assert() holds as in the main build.
  cmake -S "$root" -B "$out" -G Ninja \
    -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_BUILD_TYPE=Fuzz \
    -DCMAKE_CXX_FLAGS_FUZZ="-O1 -gline-tables-only" \
    -DREPORTING_FUZZ=ON >/dev/null
fi
start=$(date +%s)
cmake --build "$out" --target fuzz_targets
echo "fuzz: targets built in $(($(date +%s) - start)) s into $out/tests/fuzz"
